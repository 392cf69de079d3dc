"""API of the area: the annual cycle: activities, tasks, the wheel, the list, the iCalendar feed."""

from __future__ import annotations

from typing import Any

from rest_framework.routers import BaseRouter


def register(router: BaseRouter) -> list[Any]:
    """Register viewsets on `router`; return extra url patterns."""
    return []
