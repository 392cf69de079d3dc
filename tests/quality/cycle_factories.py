"""Factories for annual-cycle tests: activities and tasks through the real services."""

from __future__ import annotations

import itertools
from typing import Any

from insyn.organisations.models import OrgUnit
from insyn.quality.models import CycleActivity, CycleTask
from insyn.quality.services import cycle as services

_seq = itertools.count(1)


def activity(unit: OrgUnit, **kwargs: Any) -> CycleActivity:
    n = next(_seq)
    data: dict[str, Any] = {
        "code": f"aktivitet-{n}",
        "title": f"Aktivitet {n}",
        "frequency": "yearly",
        "month": 3,
        "day": 15,
        "reported_to": "committee",
    }
    data.update(kwargs)
    return services.activity_create(actor=None, unit=unit, **data)


def tasks(year: int, unit: OrgUnit | None = None) -> list[CycleTask]:
    services.generate_tasks(actor=None, year=year, unit=unit)
    return list(CycleTask.objects.filter(year=year).order_by("due_on", "id"))
