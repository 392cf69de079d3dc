"""API of one indicators area (viewsets registered on the shared router)."""

from __future__ import annotations

from typing import Any

from rest_framework.routers import BaseRouter


def register(router: BaseRouter) -> list[Any]:
    """Register viewsets on `router`; return extra (non-router) url patterns."""
    return []
