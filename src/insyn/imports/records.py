"""The typed records the first pass of an import (`validate`) reads every row into, and the
`Plan` that carries them to the second pass (`apply`). Kept apart from the readers so both passes
share one definition."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from insyn.clients.models import (
    CaseSource,
    EndReason,
    IntakeReason,
    InterventionType,
    LegalBasis,
    Provider,
)
from insyn.followup.models import NonResponseReason, Programme, Stage, Variable
from insyn.imports.formats import Row
from insyn.imports.validate_casework import AppealRec, InvestigationRec
from insyn.organisations.models import OrgUnit


@dataclass
class ClientRec:
    row: Row
    ref: str
    personnummer: str
    birth_date: dt.date | None
    sex: str


@dataclass
class CaseRec:
    row: Row
    ref: str
    client_ref: str
    unit: OrgUnit
    opened_on: dt.date
    source: CaseSource
    reason: IntakeReason | None
    closed_on: dt.date | None


@dataclass
class InterventionRec:
    row: Row
    ref: str
    case_ref: str
    intervention_type: InterventionType
    legal_basis: LegalBasis | None
    provider: Provider | None
    decided_on: dt.date | None
    started_on: dt.date | None
    ended_on: dt.date | None
    end_reason: EndReason | None
    sessions: dict[str, int | None]
    # the decision's execution fields given in the file (optional columns; absent: kept)
    execution: dict[str, Any] = field(default_factory=dict)


@dataclass
class OccasionRec:
    """All rows of one programme + intervention + stage: one occasion's record."""

    rows: list[Row]
    programme: Programme
    intervention_ref: str
    stage: Stage
    occurred_on: dt.date | None
    values: dict[str, str] = field(default_factory=dict)
    rows_by_key: dict[str, Row] = field(default_factory=dict)
    reason: NonResponseReason | None = None


@dataclass
class GoalRec:
    row: Row
    ref: str
    programme: Programme
    intervention_ref: str
    variable: Variable | None
    text: str
    baseline: float | None
    target: float | None
    direction: str
    outcome: str
    assessed_on: dt.date | None


@dataclass
class Plan:
    municipality: OrgUnit
    labels: dict[str, str] = field(default_factory=dict)
    clients: list[ClientRec] = field(default_factory=list)
    cases: list[CaseRec] = field(default_factory=list)
    interventions: list[InterventionRec] = field(default_factory=list)
    investigations: list[InvestigationRec] = field(default_factory=list)
    appeals: list[AppealRec] = field(default_factory=list)
    occasions: list[OccasionRec] = field(default_factory=list)
    goals: list[GoalRec] = field(default_factory=list)
