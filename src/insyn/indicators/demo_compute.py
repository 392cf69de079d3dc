"""The computed key figures of the demo: Växjö (0780), through the real service, for every
calendar year the demo's case data covers that is over (from the year of the first case to
last year) and for the rolling twelve months ending today. Re-running recomputes (the
service replaces the previous values, so the numbers follow today's demo data)."""

from __future__ import annotations

from typing import TextIO

from django.db.models import Min
from django.utils import timezone

from insyn.clients.models import Case
from insyn.indicators.periods import Period, rolling_period, year_period
from insyn.indicators.services.compute import compute_indicators
from insyn.organisations.models import OrgUnit

MUNICIPALITY = "0780"


def periods(municipality: OrgUnit) -> list[Period]:
    today = timezone.localdate()
    first = Case.objects.filter(municipality=municipality).aggregate(first=Min("opened_on"))[
        "first"
    ]
    if first is None:
        return []
    return [year_period(y) for y in range(first.year, today.year)] + [rolling_period(today)]


def load(stdout: TextIO) -> list[tuple[str, str, str]]:
    municipality = OrgUnit.objects.filter(kind=OrgUnit.Kind.MUNICIPALITY, code=MUNICIPALITY).first()
    if municipality is None:
        stdout.write("Computed key figures: no Växjö in the demo tree, skipped\n")
        return []
    found = periods(municipality)
    if not found:
        stdout.write("Computed key figures: Växjö has no cases yet, skipped\n")
        return []
    for period in found:
        summary = compute_indicators(municipality=municipality, period=period)
        stdout.write(f"Computed key figures: {summary.line()}\n")
    return []
