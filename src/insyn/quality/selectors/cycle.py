"""Reads of the annual cycle. Activities and tasks are org data: `view_quality` in the unit's
subtree reads them; a task's responsible person also reads their own tasks (they do the work),
while a membership of theirs still covers the unit."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from insyn.core.roles import Action
from insyn.core.scoping import granted_paths, paths_q
from insyn.quality.models import ActionItem, CycleActivity, CycleTask

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from insyn.accounts.models import User

    Reader = User | AnonymousUser | None


def activities_visible(user: Reader) -> QuerySet[CycleActivity]:
    return CycleActivity.objects.select_related("unit", "responsible").restrict(
        user, Action.VIEW_QUALITY
    )


def tasks_visible(user: Reader) -> QuerySet[CycleTask]:
    """Every task `user` may read (the one door for pages, panel and API)."""
    base = CycleTask.objects.select_related("activity__unit", "responsible")
    viewer = granted_paths(user, Action.VIEW_QUALITY)
    worker = granted_paths(user, Action.VIEW_ORG)
    if user is None or not user.is_authenticated or not (viewer or worker):
        return base.none()
    q = paths_q("activity__unit__path", viewer) if viewer else Q(pk__in=[])
    if worker:
        q |= Q(responsible=user) & paths_q("activity__unit__path", worker)
    return base.filter(q)


def tasks_filtered(
    user: Reader,
    *,
    year: int | None = None,
    status: str = "",
    responsible: Any = None,
    reported_to: str = "",
    unit: Any = None,
    overdue: bool = False,
    today: dt.date | None = None,
) -> QuerySet[CycleTask]:
    """The list page's and API's filters."""
    qs = tasks_visible(user)
    if year is not None:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    if responsible is not None:
        qs = qs.filter(responsible=responsible)
    if reported_to:
        qs = qs.filter(activity__reported_to="" if reported_to == "none" else reported_to)
    if unit is not None:
        qs = qs.filter(activity__unit__path__startswith=unit.path)
    if overdue:
        qs = qs.filter(status__in=CycleTask.OPEN_STATUSES, due_on__lt=today or dt.date.today())
    return qs.order_by("due_on", "activity__sort_order", "id")


def is_overdue(task: CycleTask, today: dt.date) -> bool:
    return task.status in CycleTask.OPEN_STATUSES and task.due_on < today


def due_soon(today: dt.date, days: int) -> QuerySet[CycleTask]:
    """Open tasks due within `days` days or overdue, of active activities (the digest)."""
    return CycleTask.objects.filter(
        status__in=CycleTask.OPEN_STATUSES,
        due_on__lte=today + dt.timedelta(days=days),
        activity__active=True,
    ).select_related("activity__unit", "activity__municipality", "responsible")


def month_tasks(user: Reader, today: dt.date, unit: Any = None) -> QuerySet[CycleTask]:
    """This month's tasks and every earlier open one (the dashboard panel)."""
    first = today.replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    qs = tasks_visible(user).filter(
        Q(due_on__gte=first, due_on__lt=nxt)
        | Q(due_on__lt=first, status__in=CycleTask.OPEN_STATUSES)
    )
    if unit is not None:
        qs = qs.filter(activity__unit__path__startswith=unit.path)
    return qs.order_by("due_on", "id")


def feed_tasks(user: User, today: dt.date) -> QuerySet[CycleTask]:
    """The user's own tasks from last year on, for their calendar."""
    return (
        tasks_visible(user)
        .filter(responsible=user, year__gte=today.year - 1)
        .order_by("due_on", "id")
    )


def feed_action_items(user: User) -> QuerySet[ActionItem]:
    """The user's open action items (their calendar shows what they still have to do)."""
    from insyn.quality.selectors.action_plans import action_items_visible

    return (
        action_items_visible(user)
        .filter(responsible=user, status__in=ActionItem.OPEN_STATUSES)
        .order_by("due_on", "id")
    )
