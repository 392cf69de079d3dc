"""The quality API: each area registers its viewsets (api/<area>.py) on the shared router."""

from __future__ import annotations

from typing import Any

from rest_framework.routers import BaseRouter


def register(router: BaseRouter) -> list[Any]:
    """Add quality viewsets to `router`; returns extra url patterns (none yet)."""
    from insyn.quality.api import dashboard

    extra: list[Any] = []
    extra += dashboard.register()
    return extra
