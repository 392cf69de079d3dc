"""Decisions with known dates for the non-executed decisions tests: clients and cases through
the clients services, decisions created directly (the execution fields' forms belong to
another area), and an episode row with its texts."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from insyn.clients.models import Case, Client, Decision, InterventionType, LegalBasis
from insyn.organisations.models import OrgUnit
from tests.clients import factories as cf

_seq = itertools.count(1)

REPORTABLE = "sol2025_assistance"
NOT_REPORTABLE = "sol2025"


def person(
    unit: OrgUnit, *, sex: str = "K", born: dt.date = dt.date(1970, 3, 4), number: str = ""
) -> Client:
    if number:
        return cf.client(unit, number=number)
    return cf.client(unit, birth_date=born, sex=sex)


def open_case(
    client: Client, *, worker: Any = None, opened_on: dt.date = dt.date(2025, 8, 1)
) -> Case:
    case = cf.case(client, opened_on=opened_on, case_ref=f"EVB-{next(_seq)}")
    if worker is not None:
        Case.objects.filter(pk=case.pk).update(case_worker=worker)
        case.refresh_from_db()
    return case


def decision(
    case: Case,
    decided_on: dt.date,
    *,
    basis: str = REPORTABLE,
    intervention: str = "opv_adults_structured",
    executed_on: dt.date | None = None,
    interrupted_on: dt.date | None = None,
    resumed_on: dt.date | None = None,
    granted: str | None = None,
    executed: str | None = None,
    ended_on: dt.date | None = None,
    ended_reason: str = "",
) -> Decision:
    return Decision.objects.create(
        case=case,
        intervention_type=InterventionType.objects.get(code=intervention),
        legal_basis=LegalBasis.objects.get(code=basis),
        decided_on=decided_on,
        executed_on=executed_on,
        interrupted_on=interrupted_on,
        resumed_on=resumed_on,
        extent_unit="hours_week" if granted else "",
        granted_extent=Decimal(granted) if granted else None,
        executed_extent=Decimal(executed) if executed else None,
        ended_unexecuted_on=ended_on,
        ended_unexecuted_reason=ended_reason,
    )


def quick(unit: OrgUnit, decided_on: dt.date, *, sex: str = "K", **fields: Any) -> Decision:
    """A client, a case and one decision."""
    client = person(unit, sex=sex, born=dt.date(1960 + next(_seq) % 40, 1 + next(_seq) % 12, 5))
    return decision(
        open_case(client, opened_on=min(decided_on, dt.date(2025, 8, 1))), decided_on, **fields
    )
