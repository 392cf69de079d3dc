"""The live quality dashboard of one user: what is open today and what is late.

Everything is read through `restrict(user, view_quality)`; the lex Sarah block through
`restrict(user, view_lex_sarah)` and is None (not an empty list) for a user without that
action, so a unit manager sees no lex Sarah figure at all. The counts by category, unit and
month are counts of reports (not personal data) over the last twelve months.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from insyn.core.roles import Action
from insyn.core.scoping import has_action
from insyn.organisations.models import OrgUnit
from insyn.quality.models import (
    ActionItem,
    Complaint,
    Deviation,
    DeviationCategory,
    LexSarahReport,
    QualitySettings,
)
from insyn.quality.selectors.lex_sarah import deadlines

if TYPE_CHECKING:
    from insyn.accounts.models import User

# Age bands of open deviations, in days since the report (upper bound inclusive; None: open).
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("0-7", 0, 7),
    ("8-30", 8, 30),
    ("31-90", 31, 90),
    ("90+", 91, None),
)
MONTHS = 12


@dataclass(frozen=True)
class LexSarahDeadline:
    report: LexSarahReport
    step: str  # what is due next, in words
    due_on: dt.date | None
    days_left: int | None

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def days_overdue(self) -> int:
        return -(self.days_left or 0)


@dataclass(frozen=True)
class ComplaintWaiting:
    complaint: Complaint
    days_left: int

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def days_overdue(self) -> int:
        return -self.days_left


@dataclass(frozen=True)
class OverdueItem:
    item: ActionItem
    days_overdue: int


@dataclass
class Dashboard:
    today: dt.date
    unit: OrgUnit | None
    # state -> band -> count, over open deviations; and per band over all states
    deviation_ages: dict[str, dict[str, int]]
    deviation_band_totals: dict[str, int]
    lex_sarah: list[LexSarahDeadline] | None  # None: the user may not see lex Sarah
    complaints_waiting: list[ComplaintWaiting]
    overdue_items: list[OverdueItem]
    since: dt.date  # the twelve months of counts start here
    by_category: list[tuple[str, str, int]]  # code, label, count
    by_unit: list[tuple[str, str, int]]
    by_month: list[tuple[str, int]]
    states: list[tuple[str, str]] = field(default_factory=list)

    def shown_objects(self) -> list[Any]:
        """Individual records on the page (for the access entry)."""
        out: list[Any] = [c.complaint for c in self.complaints_waiting]
        out += [d.report for d in self.lex_sarah or []]
        out += [o.item for o in self.overdue_items]
        return out

    @property
    def age_rows(self) -> list[tuple[str, list[int]]]:
        """Per open state its label and counts per band (the table under the chart)."""
        return [(label, list(self.deviation_ages[key].values())) for key, label in self.states]

    @property
    def open_deviations(self) -> int:
        return sum(self.deviation_band_totals.values())


def units_for(user: User) -> QuerySet[OrgUnit]:
    """Units the user may filter on: every active unit in a view_quality subtree."""
    return OrgUnit.objects.restrict(user, Action.VIEW_QUALITY).filter(active=True).order_by("path")


def _in_unit(qs: QuerySet, unit: OrgUnit | None, lookup: str = "unit__path") -> QuerySet:
    return qs if unit is None else qs.filter(**{f"{lookup}__startswith": unit.path})


def age_band(days: int) -> str:
    for key, low, high in AGE_BANDS:
        if days >= low and (high is None or days <= high):
            return key
    return AGE_BANDS[0][0]  # a report dated in the future counts as new


def _settings_for(municipality_id: int, cache: dict[int, QualitySettings]) -> QualitySettings:
    if municipality_id not in cache:
        found = QualitySettings.objects.filter(municipality_id=municipality_id).first()
        cache[municipality_id] = found or QualitySettings(municipality_id=municipality_id)
    return cache[municipality_id]


def next_lex_sarah_step(
    report: LexSarahReport, rules: QualitySettings
) -> tuple[str, dt.date | None]:
    """What is due next on an open report and by when: the first deadline not yet met, from
    the same `deadlines()` the officer's overdue list uses (docs/quality.md, dashboard)."""
    labels = {
        "register": _("Register"),
        "investigation": _("Start the investigation"),
        "ivo": _("Notify IVO"),
    }
    for deadline in deadlines(report, rules):
        if deadline.done_on is None:
            return labels[deadline.key], deadline.due_on
    if report.state == LexSarahReport.State.INVESTIGATING:
        return _("Finish the investigation"), None
    return _("Close"), None


def quality_dashboard(
    *, user: User, unit: OrgUnit | None = None, today: dt.date | None = None
) -> Dashboard:
    today = today or timezone.localdate()
    deviations = _in_unit(Deviation.objects.restrict(user, Action.VIEW_QUALITY), unit)
    ages: dict[str, dict[str, int]] = {
        s.value: {b[0]: 0 for b in AGE_BANDS} for s in Deviation.State if s != "closed"
    }
    for state, reported_at in deviations.exclude(state=Deviation.State.CLOSED).values_list(
        "state", "reported_at"
    ):
        days = (today - timezone.localtime(reported_at).date()).days
        ages[state][age_band(days)] += 1
    band_totals = {b[0]: sum(ages[s][b[0]] for s in ages) for b in AGE_BANDS}

    lex: list[LexSarahDeadline] | None = None
    if has_action(user, Action.VIEW_LEX_SARAH):
        reports = _in_unit(LexSarahReport.objects.restrict(user, Action.VIEW_LEX_SARAH), unit)
        cache: dict[int, QualitySettings] = {}
        lex = []
        for report in reports.exclude(state=LexSarahReport.State.CLOSED).select_related("unit"):
            step, due = next_lex_sarah_step(report, _settings_for(report.municipality_id, cache))
            lex.append(
                LexSarahDeadline(report, step, due, None if due is None else (due - today).days)
            )
        lex.sort(key=lambda d: (d.due_on is None, d.due_on or today, d.report.pk))

    waiting = [
        ComplaintWaiting(c, (c.answer_due_on - today).days)
        for c in _in_unit(Complaint.objects.restrict(user, Action.VIEW_QUALITY), unit)
        .filter(answered_on__isnull=True)
        .exclude(state__in=[Complaint.State.ANSWERED, Complaint.State.CLOSED])
        .select_related("unit", "theme")
        .order_by("answer_due_on", "id")
    ]
    overdue = [
        OverdueItem(i, (today - i.due_on).days)
        for i in _in_unit(
            ActionItem.objects.restrict(user, Action.VIEW_QUALITY), unit, "plan__unit__path"
        )
        .filter(status__in=ActionItem.OPEN_STATUSES, due_on__lt=today)
        .select_related("plan", "plan__unit", "responsible")
        .order_by("due_on", "id")
    ]

    since = _months_back(today, MONTHS - 1)
    tz = timezone.get_current_timezone()
    recent = deviations.filter(
        reported_at__gte=dt.datetime(since.year, since.month, 1, tzinfo=tz)
    ).values_list("category_id", "unit_id", "reported_at")
    rows = list(recent)
    by_cat = Counter(r[0] for r in rows)
    by_unit = Counter(r[1] for r in rows)
    by_month = Counter(timezone.localtime(r[2]).strftime("%Y-%m") for r in rows)
    categories = DeviationCategory.objects.filter(pk__in=list(by_cat)).order_by("sort_order")
    units = OrgUnit.objects.filter(pk__in=list(by_unit)).order_by("path")
    months = [_months_back(today, n).strftime("%Y-%m") for n in range(MONTHS - 1, -1, -1)]
    return Dashboard(
        today=today,
        unit=unit,
        deviation_ages=ages,
        deviation_band_totals=band_totals,
        lex_sarah=lex,
        complaints_waiting=waiting,
        overdue_items=overdue,
        since=since,
        by_category=[(c.code, c.label, by_cat[c.pk]) for c in categories],
        by_unit=[(u.code, u.name, by_unit[u.pk]) for u in units],
        by_month=[(m, by_month.get(m, 0)) for m in months],
        states=[(s.value, str(s.label)) for s in Deviation.State if s != "closed"],
    )


def _months_back(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` months before `day`'s month."""
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)
