"""Built data with known dates for the computed key figures: clients and cases through the
clients services; investigations, interventions and decisions created directly with exactly
the dates a test needs (their forms' validation belongs to other areas)."""

from __future__ import annotations

import datetime as dt
import itertools

from insyn.clients.models import (
    Case,
    Client,
    Decision,
    Intervention,
    InterventionType,
    Investigation,
    LegalBasis,
)
from insyn.indicators.models import Indicator, IndicatorValue
from insyn.organisations.models import OrgUnit
from tests.clients import factories as cf

_seq = itertools.count(1)


def person(unit: OrgUnit, born: dt.date, sex: str = "K") -> Client:
    return cf.client(unit, birth_date=born, sex=sex, client_ref=f"IND{next(_seq):04d}")


def case(
    client: Client,
    opened_on: dt.date,
    *,
    reason: str | None = "care_deficiency",
    unit: OrgUnit | None = None,
) -> Case:
    return cf.case(client, unit, opened_on=opened_on, reason=reason, case_ref=f"IND-{next(_seq)}")


def intervention(
    case_: Case,
    started_on: dt.date,
    ended_on: dt.date | None,
    *,
    kind: str = "family_treatment",
) -> Intervention:
    return Intervention.objects.create(
        municipality=case_.municipality,
        case=case_,
        intervention_ref=f"INS-{next(_seq)}",
        intervention_type=InterventionType.objects.get(code=kind),
        started_on=started_on,
        ended_on=ended_on,
    )


def investigation(
    case_: Case,
    started_on: dt.date,
    completed_on: dt.date | None,
    *,
    extended_on: dt.date | None = None,
) -> Investigation:
    return Investigation.objects.create(
        case=case_, started_on=started_on, completed_on=completed_on, extended_on=extended_on
    )


def decision(
    case_: Case,
    decided_on: dt.date,
    executed_on: dt.date | None = None,
    *,
    kind: str = "family_treatment",
    basis: str = "sol2025_assistance",
) -> Decision:
    return Decision.objects.create(
        case=case_,
        intervention_type=InterventionType.objects.get(code=kind),
        legal_basis=LegalBasis.objects.get(code=basis),
        decided_on=decided_on,
        executed_on=executed_on,
    )


def child_with_intervention(
    unit: OrgUnit,
    *,
    born: dt.date,
    sex: str,
    ended_on: dt.date,
    started_on: dt.date | None = None,
    reason: str = "care_deficiency",
    kind: str = "family_treatment",
) -> Client:
    """A person with one case and one intervention that ended on `ended_on`."""
    started_on = started_on or ended_on - dt.timedelta(days=60)
    client = person(unit, born, sex)
    intervention(case(client, started_on, reason=reason), started_on, ended_on, kind=kind)
    return client


def stored(
    indicator: Indicator,
    unit: OrgUnit,
    sex: str,
    denominator: float | None,
    *,
    year: int = 2025,
    value: float = 50.0,
    source: str = IndicatorValue.Source.COMPUTED,
) -> IndicatorValue:
    """A stored value (as the compute service would leave it), for the selector tests."""
    return IndicatorValue.objects.create(
        indicator=indicator,
        org_unit=unit,
        period_kind=IndicatorValue.PeriodKind.YEAR,
        period_end=dt.date(year, 12, 31),
        year=year,
        sex=sex,
        value=value,
        numerator=None if denominator is None else denominator / 2,
        denominator=denominator,
        source=source,
    )
