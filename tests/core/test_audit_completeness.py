"""No read of personal data without an access entry, through any view or API endpoint.

Two halves: every insyn route must declare whether it serves personal data (so a new view
cannot slip through undeclared), and every route that does is called here and must leave an
access entry. The audit guard middleware turns a missing entry into an error in tests.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from insyn.core.models import AccessEntry

SKIP_PREFIXES = ("system/",)  # Django's own admin: tested below to hold no personal data


def _walk(resolver: URLResolver, prefix: str = "", ns: str = "") -> Iterator[tuple[str, str, Any]]:
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            sub_ns = f"{ns}{p.namespace}:" if p.namespace else ns
            yield from _walk(p, prefix + str(p.pattern), sub_ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), f"{ns}{p.name}" if p.name else "", p.callback


def _view_class(callback: Callable[..., Any]) -> Any:
    return getattr(callback, "view_class", None) or getattr(callback, "cls", None) or callback


def routes() -> list[tuple[str, str, Any]]:
    return [r for r in _walk(get_resolver()) if not r[0].startswith(SKIP_PREFIXES)]


def test_every_route_declares_whether_it_serves_personal_data():
    undeclared = [
        route for route, _name, cb in routes() if not hasattr(_view_class(cb), "personal_data")
    ]
    assert undeclared == [], f"declare personal_data on the views of: {undeclared}"


# url name -> builds (user, url) for a GET that shows an individual's data. Each app adds its own
# in tests/<app>/audit_probes.py (a PROBES dict of the same shape); they are gathered below.
Probe = Callable[[Any, Any], tuple[Any, str]]
CORE_PROBES: dict[str, Probe] = {
    "core:audit": lambda tree, staff: (staff.quality_lead, reverse("core:audit")),
    "core:audit_export": lambda tree, staff: (staff.quality_lead, reverse("core:audit_export")),
    "accounts:users": lambda tree, staff: (staff.admin, reverse("accounts:users")),
    "accounts:user_detail": lambda tree, staff: (
        staff.admin,
        reverse("accounts:user_detail", args=[staff.case_worker.pk]),
    ),
    "membership-list": lambda tree, staff: (staff.admin, reverse("membership-list")),
    "membership-detail": lambda tree, staff: (
        staff.admin,
        reverse("membership-detail", args=[staff.case_worker.memberships.first().pk]),
    ),
}


def _gather_probes() -> dict[str, Probe]:
    import tests

    probes = dict(CORE_PROBES)
    for info in pkgutil.iter_modules(tests.__path__):
        if info.ispkg and importlib.util.find_spec(f"tests.{info.name}.audit_probes"):
            probes.update(importlib.import_module(f"tests.{info.name}.audit_probes").PROBES)
    return probes


PROBES = _gather_probes()


def personal_routes() -> list[str]:
    names = set()
    for _route, name, cb in routes():
        if getattr(_view_class(cb), "personal_data", False) and name:
            names.add(name)
    return sorted(names)


def test_every_personal_route_has_a_probe():
    missing = [name for name in personal_routes() if name not in PROBES]
    assert missing == [], f"add an audit probe for: {missing}"


@pytest.mark.parametrize("name", personal_routes())
def test_personal_route_records_access(name, tree, staff, client):
    # A probe may return (user, url, body) for a route reached only by POST (a search whose
    # terms must stay out of the address, such as an identity number).
    user, url, *body = PROBES[name](tree, staff)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    before = AccessEntry.objects.count()
    if body:
        response = client.post(url, body[0], content_type="application/json")
    else:
        response = client.get(url)
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    assert response.status_code == 200, response.status_code
    assert AccessEntry.objects.count() > before
    entry = AccessEntry.objects.latest("id")
    assert entry.actor == user


def test_django_admin_registers_no_personal_data_model():
    personal = [m.__name__ for m in admin.site._registry if getattr(m, "PERSONAL_DATA", False)]
    assert personal == []


def test_guard_fails_a_personal_view_that_forgets_its_entry(rf, staff, settings):
    """The safety net itself: strict in tests, a fallback entry in production."""
    from django.http import HttpResponse

    from insyn.core import context
    from insyn.core.middleware import AuditGuardMiddleware

    class Forgetful:
        personal_data = True

    def view(request):
        return HttpResponse("secret")

    view.view_class = Forgetful  # type: ignore[attr-defined]
    request = rf.get("/x")
    request.user = staff.case_worker
    token = context.begin(context.RequestContext(path="/x"))
    try:
        guard = AuditGuardMiddleware(lambda r: view(r))
        guard.process_view(request, view, (), {})
        settings.INSYN_AUDIT_STRICT = True
        with pytest.raises(RuntimeError):
            guard(request)
        settings.INSYN_AUDIT_STRICT = False
        before = AccessEntry.objects.count()
        assert guard(request).status_code == 200
        assert AccessEntry.objects.count() == before + 1
        assert AccessEntry.objects.latest("id").detail["fallback"] is True
    finally:
        context.end(token)
