"""Factories for risk tests: risks and analyses through the real services; deviations as bare
rows with a chosen category, unit and date (their services belong to another area)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from insyn.accounts.models import User
from insyn.organisations.models import OrgUnit
from insyn.quality.models import Deviation, DeviationCategory, Risk, RiskAnalysis
from insyn.quality.services import risks as services

_seq = itertools.count(1)


def risk(unit: OrgUnit, *, actor: Any = None, p: int = 2, s: int = 3, **kwargs: Any) -> Risk:
    data: dict[str, Any] = {
        "title": f"Risk {next(_seq)}",
        "cause": "Rutinen saknas.",
        "consequence": "Den enskilde får vänta.",
    }
    data.update(kwargs)
    if actor is None and "owner" not in data:
        raise AssertionError("a system-made risk needs an owner (the assessor)")
    return services.risk_register(actor=actor, unit=unit, probability=p, severity=s, **data)


def analysis(unit: OrgUnit, *, actor: Any = None, created_by: User | None = None) -> RiskAnalysis:
    return services.analysis_create(
        actor=actor,
        unit=unit,
        title="Omorganisation av mottagningen",
        kind=RiskAnalysis.Kind.ORGANISATION,
        created_by=created_by,
    )


def deviation(unit: OrgUnit, reporter: User, code: str, occurred_on: dt.date) -> Deviation:
    n = next(_seq)
    return Deviation.objects.create(
        municipality=unit.municipality or unit,
        unit=unit,
        reference=f"AVV-R-{n}",
        reported_by=reporter,
        reported_at=timezone.now(),
        occurred_on=occurred_on,
        category=DeviationCategory.objects.get(code=code),
        description="Hot i receptionen.",
    )
