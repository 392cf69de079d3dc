"""Plain ORM factories for the read side (dashboard, statistics): rows with the fields the
selectors read, without going through the write services other areas own."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from insyn.organisations.models import OrgUnit
from insyn.quality.models import (
    ActionItem,
    ActionPlan,
    Complaint,
    ComplaintTheme,
    Deviation,
    DeviationCategory,
    LexSarahReport,
)

_seq = itertools.count(1)


def local(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    """An aware datetime in the project's time zone (Europe/Stockholm)."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=timezone.get_default_timezone())


def _municipality(unit: OrgUnit) -> OrgUnit:
    return unit.municipality or unit


def deviation(
    unit: OrgUnit,
    reporter: Any,
    *,
    reported_at: dt.datetime,
    category: str = "handlaggning",
    state: str = Deviation.State.REPORTED,
    client: Any = None,
    **fields: Any,
) -> Deviation:
    return Deviation.objects.create(
        municipality=_municipality(unit),
        unit=unit,
        reference=f"AV-{next(_seq)}",
        reported_by=reporter,
        reported_at=reported_at,
        occurred_on=timezone.localtime(reported_at).date(),
        category=DeviationCategory.objects.get(code=category),
        description="Något gick fel.",
        state=state,
        client=client,
        **fields,
    )


def lex_sarah(
    unit: OrgUnit,
    reporter: Any,
    *,
    reported_at: dt.datetime,
    state: str = LexSarahReport.State.REPORTED,
    **fields: Any,
) -> LexSarahReport:
    return LexSarahReport.objects.create(
        municipality=_municipality(unit),
        unit=unit,
        kind=LexSarahReport.Kind.MALADMINISTRATION,
        reported_by=reporter,
        reported_at=reported_at,
        description="Ett missförhållande.",
        state=state,
        **fields,
    )


def complaint(
    unit: OrgUnit,
    *,
    received_on: dt.date,
    answer_due_on: dt.date | None = None,
    kind: str = Complaint.Kind.COMPLAINT,
    theme: str | None = None,
    state: str = Complaint.State.RECEIVED,
    **fields: Any,
) -> Complaint:
    return Complaint.objects.create(
        municipality=_municipality(unit),
        unit=unit,
        receipt_number=f"K-{next(_seq)}",
        kind=kind,
        channel=Complaint.Channel.WEB,
        theme=ComplaintTheme.objects.get(code=theme) if theme else None,
        text="Synpunkt.",
        received_on=received_on,
        answer_due_on=answer_due_on or received_on + dt.timedelta(days=14),
        state=state,
        **fields,
    )


def plan(unit: OrgUnit, owner: Any, **fields: Any) -> ActionPlan:
    return ActionPlan.objects.create(
        municipality=_municipality(unit),
        unit=unit,
        title=fields.pop("title", "Bättre dokumentation"),
        problem="Brister.",
        owner=owner,
        created_by=owner,
        **fields,
    )


def item(
    action_plan: ActionPlan,
    responsible: Any,
    *,
    due_on: dt.date,
    status: str = ActionItem.Status.PLANNED,
    done_on: dt.date | None = None,
) -> ActionItem:
    return ActionItem.objects.create(
        plan=action_plan,
        activity="Gå igenom rutinen.",
        responsible=responsible,
        due_on=due_on,
        status=status,
        done_on=done_on,
    )
