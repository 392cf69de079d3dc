"""Template filters of the internal-control pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def pct(value: float | None) -> str:
    """0.8333 → "83 %" (Swedish style, a space before the sign); None → "–"."""
    if value is None:
        return "–"
    return f"{round(value * 100)} %"


@register.filter
def get(mapping: dict, key: object) -> object:
    return mapping.get(key) if mapping else None
