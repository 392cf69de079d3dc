"""API of the area: internal control: templates, control rounds, reviews, compliance."""

from __future__ import annotations

from typing import Any

from rest_framework.routers import BaseRouter


def register(router: BaseRouter) -> list[Any]:
    """Register viewsets on `router`; return extra url patterns."""
    return []
