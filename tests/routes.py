"""The URL map as a list of routes, for tests that must cover every route (audit completeness,
the generated permission matrix, the analyst walk): a new view is in them without editing them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

SKIP_PREFIXES = ("system/",)  # Django's own admin: tested to hold no personal data


def walk(resolver: URLResolver, prefix: str = "", ns: str = "") -> Iterator[tuple[str, str, Any]]:
    """(route, namespaced name, callback) for every pattern below the resolver."""
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            sub_ns = f"{ns}{p.namespace}:" if p.namespace else ns
            yield from walk(p, prefix + str(p.pattern), sub_ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), f"{ns}{p.name}" if p.name else "", p.callback


def view_class(callback: Callable[..., Any]) -> Any:
    """The class behind a view callback (Django CBV or DRF viewset), else the function itself."""
    return getattr(callback, "view_class", None) or getattr(callback, "cls", None) or callback


def routes() -> list[tuple[str, str, Any]]:
    """Every insyn route (Django's admin left out)."""
    return [r for r in walk(get_resolver()) if not r[0].startswith(SKIP_PREFIXES)]
