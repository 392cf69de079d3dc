"""API of non-executed decisions: the IVO list, reports, the quarterly summary."""

from __future__ import annotations

from typing import Any

from rest_framework.routers import BaseRouter


def register(router: BaseRouter) -> list[Any]:
    """Register viewsets on `router`; return extra url patterns."""
    return []
