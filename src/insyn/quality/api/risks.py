"""API of risk analysis: the register, assessments, analyses of planned changes."""

from __future__ import annotations

from typing import Any

from rest_framework.routers import BaseRouter


def register(router: BaseRouter) -> list[Any]:
    """Register viewsets on `router`; return extra url patterns."""
    return []
