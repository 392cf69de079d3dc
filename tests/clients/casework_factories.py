"""Investigations and appeals for tests, built through the clients services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from insyn.clients import services
from insyn.clients.models import Appeal, Case, Decision, Investigation


def investigation(
    case_: Case,
    *,
    actor: Any = None,
    started_on: dt.date | None = None,
    completed_on: dt.date | None = None,
    extended_on: dt.date | None = None,
    extension_reason: str = "",
    outcome: str = "",
) -> Investigation:
    if extended_on is not None and not extension_reason:
        extension_reason = "Väntar på underlag från vården"
    if completed_on is not None and not outcome:
        outcome = Investigation.Outcome.GRANTED
    return services.investigation_record(
        actor=actor,
        case=case_,
        started_on=started_on or case_.opened_on,
        completed_on=completed_on,
        extended_on=extended_on,
        extension_reason=extension_reason,
        outcome=outcome,
    )


def appeal(
    decision_: Decision,
    *,
    actor: Any = None,
    appealed_on: dt.date | None = None,
    decided_on: dt.date | None = None,
    outcome: str = "",
    court: str = Appeal.Court.ADMINISTRATIVE,
) -> Appeal:
    return services.appeal_record(
        actor=actor,
        decision=decision_,
        appealed_on=appealed_on or decision_.decided_on,
        decided_on=decided_on,
        outcome=outcome,
        court=court,
    )
