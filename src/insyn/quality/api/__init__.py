"""The quality API: each area registers its viewsets (api/<area>.py) on the shared router."""

from __future__ import annotations

from typing import Any

from rest_framework.routers import BaseRouter


def register(router: BaseRouter) -> list[Any]:
    """Add quality viewsets to `router`; returns extra (non-router) url patterns."""
    from insyn.quality.api import (
        action_plans,
        complaints,
        control,
        cycle,
        dashboard,
        deviations,
        lex_sarah,
        non_executed,
        risks,
    )

    extra: list[Any] = []
    extra += deviations.register(router)
    extra += lex_sarah.register(router)
    extra += complaints.register(router)
    action_plans.register(router)
    extra += dashboard.register()
    extra += non_executed.register(router)
    extra += control.register(router)
    extra += risks.register(router)
    extra += cycle.register(router)
    return extra
