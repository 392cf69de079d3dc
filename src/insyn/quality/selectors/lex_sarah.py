"""Reading lex Sarah reports: who may see one, and what is due when.

A report is visible to the person who reported it, to whoever holds `view_lex_sarah` in the
subtree of its unit (the officers and the committee's quality lead), and to the users an
officer granted it to. Not to `view_quality` or the unit's manager as such: the unit a
report concerns does not read it unless granted. Everyone else gets the 404 of a missing
report, in the web, the API and the document downloads alike.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from insyn.core.roles import Action
from insyn.core.scoping import granted_paths, paths_q
from insyn.quality.models import LexSarahReport, QualitySettings
from insyn.quality.services.lex_sarah_calendar import add_working_days

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from insyn.accounts.models import User


def visible_reports(user: User | AnonymousUser | None) -> QuerySet[LexSarahReport]:
    """Every report `user` may read (see the module's docstring)."""
    base = LexSarahReport.objects.select_related("unit", "municipality", "reported_by", "officer")
    if user is None or not user.is_authenticated or not user.is_active:
        return base.none()
    condition = Q(reported_by=user) | Q(granted_users=user)
    paths = granted_paths(user, Action.VIEW_LEX_SARAH)
    if paths:
        condition |= paths_q("unit__path", paths)
    # the grant join may repeat a row; filter on ids so ordering and counting stay plain
    ids = LexSarahReport.objects.filter(condition).values("pk")
    return base.filter(pk__in=ids)


def handled_reports(user: User | AnonymousUser | None) -> QuerySet[LexSarahReport]:
    """The reports `user` handles as an officer (`handle_lex_sarah` in the unit's subtree)."""
    return LexSarahReport.objects.select_related("unit", "municipality", "officer").restrict(
        user, Action.HANDLE_LEX_SARAH
    )


# --- deadlines ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    key: str  # "register", "investigation", "ivo"
    due_on: dt.date
    done_on: dt.date | None

    def overdue(self, today: dt.date) -> bool:
        return self.done_on is None and self.due_on < today

    def due_today(self, today: dt.date) -> bool:
        return self.done_on is None and self.due_on == today


def deadlines(report: LexSarahReport, settings: QualitySettings | None = None) -> list[Deadline]:
    """The report's deadlines under its municipality's settings: registered within N working
    days of the report, the investigation started within N days of the report, IVO notified
    within N days of a decision that it is serious."""
    if settings is None:
        settings = QualitySettings.objects.filter(municipality_id=report.municipality_id).first()
        settings = settings or QualitySettings()
    reported_on = timezone.localdate(report.reported_at)
    found = [
        Deadline(
            "register",
            add_working_days(reported_on, settings.lex_sarah_register_working_days),
            report.registered_on,
        ),
        Deadline(
            "investigation",
            reported_on + dt.timedelta(days=settings.lex_sarah_investigation_start_days),
            report.investigation_started_on,
        ),
    ]
    if report.serious and report.seriousness_decided_on is not None:
        found.append(
            Deadline(
                "ivo",
                report.seriousness_decided_on + dt.timedelta(days=settings.lex_sarah_ivo_days),
                report.ivo_notified_on,
            )
        )
    return found


@dataclass(frozen=True)
class DueReport:
    report: LexSarahReport
    deadline: Deadline
    overdue: bool


def due_reports(
    queryset: QuerySet[LexSarahReport], today: dt.date, *, include_today: bool = True
) -> list[DueReport]:
    """Open reports with a deadline passed (or, with `include_today`, falling today),
    oldest deadline first."""
    settings = {s.municipality_id: s for s in QualitySettings.objects.all()}
    found: list[DueReport] = []
    for report in queryset.exclude(state=LexSarahReport.State.CLOSED):
        for deadline in deadlines(
            report, settings.get(report.municipality_id) or QualitySettings()
        ):
            if deadline.overdue(today) or (include_today and deadline.due_today(today)):
                found.append(DueReport(report, deadline, deadline.overdue(today)))
    return sorted(found, key=lambda d: (d.deadline.due_on, d.report.pk))
