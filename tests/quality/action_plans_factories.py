"""Factories for action-plan tests: plans and items through the real services; sources
(deviation, complaint, lex Sarah report) as bare rows, since their services belong to other
areas — enough for linking and visibility."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from insyn.accounts.models import User
from insyn.organisations.models import OrgUnit
from insyn.quality.models import (
    ActionItem,
    ActionPlan,
    Complaint,
    Deviation,
    DeviationCategory,
    LexSarahReport,
)
from insyn.quality.services import action_plans as services

_seq = itertools.count(1)


def plan(unit: OrgUnit, owner: User, *, actor: User | None = None, **kwargs: object) -> ActionPlan:
    data: dict[str, object] = {
        "title": "Bättre överlämningar",
        "problem": "Information tappas vid skiftbyte.",
        "goal": "Inga missade överlämningar.",
    }
    data.update(kwargs)
    return services.action_plan_create(actor=actor, unit=unit, owner=owner, **data)  # type: ignore[arg-type]


def item(
    p: ActionPlan,
    responsible: User,
    *,
    due_in: int = 3,
    activity: str = "Ta fram checklista för överlämning",
) -> ActionItem:
    """An item due `due_in` days from today (negative: overdue, through a system backdate)."""
    return services.action_item_add(
        actor=None,
        plan=p,
        activity=activity,
        responsible=responsible,
        due_on=timezone.localdate() + dt.timedelta(days=due_in),
        backdated=due_in < 0,
    )


def deviation(unit: OrgUnit, reporter: User) -> Deviation:
    n = next(_seq)
    return Deviation.objects.create(
        municipality=unit.municipality or unit,
        unit=unit,
        reference=f"AVV-T-{n}",
        reported_by=reporter,
        reported_at=timezone.now(),
        occurred_on=timezone.localdate(),
        category=DeviationCategory.objects.first(),
        description="Fel dos lämnades ut.",
    )


def complaint(unit: OrgUnit) -> Complaint:
    n = next(_seq)
    today = timezone.localdate()
    return Complaint.objects.create(
        municipality=unit.municipality or unit,
        unit=unit,
        receipt_number=f"KL-T-{n}",
        kind=Complaint.Kind.COMPLAINT,
        channel=Complaint.Channel.PHONE,
        text="Ingen ringde tillbaka.",
        received_on=today,
        answer_due_on=today + dt.timedelta(days=14),
    )


def lex_sarah(unit: OrgUnit, reporter: User) -> LexSarahReport:
    return LexSarahReport.objects.create(
        municipality=unit.municipality or unit,
        unit=unit,
        kind=LexSarahReport.Kind.RISK,
        reported_by=reporter,
        reported_at=timezone.now(),
        description="Larm besvarades inte.",
    )
