"""The annual cycle's section of the daily quality digest.

A task's responsible person is reminded of it from DUE_SOON_DAYS (14) days before its due
date, and every day while it is overdue, until it is done or cancelled; a task without a
responsible person reminds the quality leads of its unit (and of the units above it, within
the municipality). A line names the activity and the date: cycle activities are org data and
name no client.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from insyn.core.roles import Role
from insyn.organisations.models import Membership
from insyn.quality.digest import DigestLine, DigestSection, register_digest_section
from insyn.quality.models import CycleTask
from insyn.quality.selectors.cycle import due_soon

if TYPE_CHECKING:
    from insyn.accounts.models import User

DUE_SOON_DAYS = 14


def _leads(task: CycleTask, cache: dict[int, list[User]]) -> list[User]:
    """Quality leads of the activity's unit or above it, within the municipality."""
    unit = task.activity.unit
    if unit.pk not in cache:
        top = task.activity.municipality.path
        above = [unit.path[: i + 1] for i, ch in enumerate(unit.path) if ch == "/"]
        paths = [p for p in above if p.startswith(top)]
        memberships = Membership.objects.filter(
            role=Role.QUALITY_LEAD, org_unit__path__in=paths, user__is_active=True
        ).select_related("user")
        cache[unit.pk] = list({m.user_id: m.user for m in memberships}.values())
    return cache[unit.pk]


def cycle_lines(today: dt.date) -> dict[User, list[DigestLine]]:
    lines: dict[User, list[DigestLine]] = defaultdict(list)
    cache: dict[int, list[User]] = {}
    for task in due_soon(today, DUE_SOON_DAYS):
        overdue = task.due_on < today
        text = (
            _("%(activity)s: was due %(date)s") if overdue else _("%(activity)s: due %(date)s")
        ) % {"activity": task.activity.title, "date": task.due_on.isoformat()}
        line = DigestLine(
            section="cycle",
            text=text,
            due_on=task.due_on,
            overdue=overdue,
            path=reverse("quality:cycle_task", args=[task.pk]),
        )
        person = task.responsible
        users = [person] if person is not None and person.is_active else _leads(task, cache)
        for user in users:
            lines[user].append(line)
    return dict(lines)


def register() -> None:
    register_digest_section(
        DigestSection(
            key="cycle",
            title=gettext_lazy("The annual cycle"),
            source=cycle_lines,
            order=60,
        )
    )
