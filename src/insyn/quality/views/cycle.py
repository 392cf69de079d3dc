"""The annual cycle: activities, tasks, the wheel, the list, the iCalendar feed."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []


def register() -> None:
    """Navigation (placement="quality"), digest sections and dashboard panels of this area."""
