"""Staff pages: Open Comparisons workflow — oj area."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []


def register() -> None:
    """Navigation entries and other start-up registrations of this area."""
