"""Demo investigations, appeals and execution of decisions for Växjö (part of the clients
step of `insyn demo`), through the real services, dates relative to today:

- investigations within four months, over four months with and without a decision to extend
  (open and completed), so the case page, internal control and the statistics have each case;
- appeals with every outcome, and one still pending;
- decisions under reportable legal bases (sol2025_assistance, lss_9_4) not executed 60, 80
  and 95 days after the decision, one interrupted 95 days ago and not resumed, one partly
  executed (3 of 5 hours a week), one ended without execution, one executed in time: the
  input of the list of non-executed decisions reported to IVO.

Idempotent: once the first demo client of this module exists, nothing is added.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, TextIO

from django.db import transaction
from django.utils import timezone

from insyn.clients import services
from insyn.clients.models import (
    Appeal,
    CaseSource,
    Client,
    ExtentUnit,
    IntakeReason,
    InterventionType,
    Investigation,
    LegalBasis,
)
from insyn.organisations.demo import unit as demo_unit

PREFIX = "UTR"
# (days ago started, days to complete or None, days to extension or None)
INVESTIGATIONS = [
    (70, 45, None),  # completed well within four months
    (60, None, None),  # open, within four months
    (150, None, None),  # open, over four months, no decision to extend: needs one
    (160, None, 100),  # open, over four months, extended
    (300, 140, None),  # completed over four months without a decision to extend
    (330, 150, 110),  # completed over four months, extended
    (200, 90, None),
    (400, 123, None),
]
OUTCOMES = [
    Appeal.Outcome.UPHELD,
    Appeal.Outcome.UPHELD,
    Appeal.Outcome.CHANGED,
    Appeal.Outcome.RETURNED,
    Appeal.Outcome.WITHDRAWN,
    "",  # pending in the administrative court
]


def _ago(today: dt.date, days: int) -> dt.date:
    return today - dt.timedelta(days=days)


class _Maker:
    def __init__(self, today: dt.date) -> None:
        self.today = today
        self.n = 0
        self.source = CaseSource.objects.get(code="application")
        self.reason = IntakeReason.objects.filter(code="alcohol").first()

    def case(self, unit_code: str, opened_days_ago: int) -> Any:
        self.n += 1
        unit = demo_unit(unit_code)
        client = services.client_register(
            actor=None,
            unit=unit,
            birth_date=dt.date(1960 + self.n % 40, 1 + self.n % 12, 1 + self.n % 28),
            sex="K" if self.n % 2 else "M",
            client_ref=f"{PREFIX}{self.n:03d}",
        )
        return services.case_open(
            actor=None,
            client=client,
            unit=unit,
            opened_on=_ago(self.today, opened_days_ago),
            source=self.source,
            reason=self.reason,
            assign_actor=False,
        )

    def decision(self, case: Any, days_ago: int, basis: str, kind: str, **kw: Any) -> Any:
        day = _ago(self.today, days_ago)
        return services.decision_record(
            actor=None,
            case=case,
            intervention_type=InterventionType.objects.get(code=kind),
            legal_basis=LegalBasis.objects.get(code=_basis(basis, day)),
            decided_on=day,
            **kw,
        )


def _basis(code: str, day: dt.date) -> str:
    """SoL was renumbered on 1 July 2025: the old paragraph before, the new one after."""
    if code == "sol" and day < dt.date(2025, 7, 1):
        return "sol2001_4_1"
    return "sol2025_assistance" if code == "sol" else code


def _investigations(make: _Maker) -> int:
    for started, duration, extension in INVESTIGATIONS:
        case = make.case("VUX-OPV", started + 5)
        start = _ago(make.today, started)
        services.investigation_record(
            actor=None,
            case=case,
            started_on=start,
            completed_on=start + dt.timedelta(days=duration) if duration else None,
            extended_on=start + dt.timedelta(days=extension) if extension else None,
            extension_reason="Väntar på utlåtande från vården" if extension else "",
            outcome=Investigation.Outcome.GRANTED if duration else "",
        )
    return len(INVESTIGATIONS)


def _appeals(make: _Maker) -> int:
    for i, outcome in enumerate(OUTCOMES):
        case = make.case("BOF-UTR", 250 + 10 * i)
        decision = make.decision(case, 240 + 10 * i, "sol", "contact_person")
        appealed = decision.decided_on + dt.timedelta(days=14)
        services.appeal_record(
            actor=None,
            decision=decision,
            appealed_on=appealed,
            court_reference=f"{1200 + i}-25",
            decided_on=appealed + dt.timedelta(days=90) if outcome else None,
            outcome=outcome,
        )
    return len(OUTCOMES)


def _execution(make: _Maker) -> int:
    """Decisions for the list of non-executed decisions (built by the non-executed area)."""
    for days in (60, 80, 95):
        make.decision(make.case("VUX-OPV", days + 10), days, "sol", "housing_support")
    make.decision(make.case("BOF-UTR", 110), 100, "lss_9_4", "contact_person")
    make.decision(
        make.case("VUX-OPV", 220),
        210,
        "sol",
        "housing_support",
        executed_on=_ago(make.today, 200),
        interrupted_on=_ago(make.today, 95),
    )
    make.decision(
        make.case("VUX-OPV", 130),
        120,
        "sol",
        "housing_support",
        executed_on=_ago(make.today, 100),
        extent_unit=ExtentUnit.HOURS_WEEK,
        granted_extent=Decimal(5),
        executed_extent=Decimal(3),
    )
    make.decision(
        make.case("BOF-UTR", 140),
        130,
        "lss_9_4",
        "contact_person",
        ended_unexecuted_on=_ago(make.today, 40),
        ended_unexecuted_reason="Klienten tackade nej till erbjuden kontaktperson",
    )
    make.decision(
        make.case("VUX-OPV", 100),
        90,
        "sol",
        "housing_support",
        executed_on=_ago(make.today, 70),
        interrupted_on=_ago(make.today, 50),
        resumed_on=_ago(make.today, 20),
    )
    return 8


@transaction.atomic
def load(stdout: TextIO) -> list[tuple[str, str, str]]:
    if Client.objects.filter(client_ref=f"{PREFIX}001").exists():
        stdout.write("Demo investigations and appeals: already loaded\n")
        return []
    make = _Maker(timezone.localdate())
    investigations = _investigations(make)
    appeals = _appeals(make)
    decisions = _execution(make)
    stdout.write(
        f"Demo investigations and appeals: {investigations} investigations, {appeals} "
        f"appeals, {decisions} decisions with execution to follow\n"
    )
    return []
