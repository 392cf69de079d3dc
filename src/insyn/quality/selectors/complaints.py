"""Reads of complaints, always through restrict(user, view_quality): a complaint outside the
user's subtree does not exist for them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import F, QuerySet

from insyn.core.roles import Action
from insyn.quality.models import Complaint

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from insyn.accounts.models import User

OPEN_STATES = (
    Complaint.State.RECEIVED,
    Complaint.State.ASSIGNED,
    Complaint.State.INVESTIGATING,
)


@dataclass(frozen=True)
class ComplaintFilter:
    state: str = ""
    kind: str = ""
    theme: int | None = None
    unit: int | None = None
    # "overdue": open past the answer date; "late": answered after it; "on_time": answered in time
    target: str = ""


def complaints(user: User | AnonymousUser, action: Action = Action.VIEW_QUALITY) -> QuerySet:
    return (
        Complaint.objects.restrict(user, action)
        .select_related("unit", "theme", "handler", "municipality")
        .order_by("-received_on", "-id")
    )


def filtered(user: User | AnonymousUser, f: ComplaintFilter, today: dt.date) -> QuerySet[Complaint]:
    qs = complaints(user)
    if f.state:
        qs = qs.filter(state=f.state)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.theme is not None:
        qs = qs.filter(theme_id=f.theme)
    if f.unit is not None:
        qs = qs.filter(unit_id=f.unit)
    if f.target == "overdue":
        qs = qs.filter(state__in=OPEN_STATES, answer_due_on__lt=today)
    elif f.target == "late":
        qs = qs.filter(answered_on__isnull=False, answered_on__gt=F("answer_due_on"))
    elif f.target == "on_time":
        qs = qs.filter(answered_on__isnull=False, answered_on__lte=F("answer_due_on"))
    return qs


def due_soon(today: dt.date, days: int = 3) -> QuerySet[Complaint]:
    """Open complaints whose answer is due within `days` or overdue (for the digest; no user:
    the digest decides who is told)."""
    return (
        Complaint.objects.filter(
            state__in=OPEN_STATES, answer_due_on__lte=today + dt.timedelta(days=days)
        )
        .select_related("unit", "handler")
        .order_by("answer_due_on", "id")
    )
