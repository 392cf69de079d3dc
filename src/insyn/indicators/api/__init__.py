"""The indicators API: each area registers its viewsets (api/<area>.py) on the shared router."""

from __future__ import annotations

from typing import Any

from rest_framework.routers import BaseRouter


def register(router: BaseRouter) -> list[Any]:
    from insyn.indicators.api import comparisons, figures, manage, oj

    extra: list[Any] = []
    # comparisons own `indicators/{key}/`: the other `indicators/<name>/` routes come first
    for module in (figures, manage, oj, comparisons):
        extra += module.register(router)
    return extra
