"""Yearly quality statistics: the one computation the dashboard, the API, the CLI and the
quality report use (docs/quality.md, "Quality dashboard" defines every figure).

Each figure counts the *events of the year* (a report made, an investigation finished, a
seriousness decided, IVO notified, an item done), so a year's figures never change when later
years are added. Counts of reports by category, unit, theme and kind are not personal data and
are shown as they are. The one breakdown that could point at a person — deviations that
concern a client, by unit and month — goes through `insyn.core.suppression` like every other
group table (persons = distinct clients), never through a second rule.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from insyn.core.roles import Action
from insyn.core.scoping import granted_paths
from insyn.core.suppression import TOTAL, suppress_groups
from insyn.organisations.models import OrgUnit
from insyn.quality.models import (
    ActionItem,
    Complaint,
    ComplaintTheme,
    Deviation,
    DeviationCategory,
    LexSarahReport,
)
from insyn.quality.selectors import stats_casework, stats_control, stats_non_executed

if TYPE_CHECKING:
    from insyn.accounts.models import User

MIN_YEAR = 2000
MAX_YEAR = 2100
NO_THEME = "none"
ALL = "all"


class StatsError(ValueError):
    """A question the statistics cannot answer (bad year), with a message for the asker."""


class OutOfScope(LookupError):
    """The municipality is unknown or outside the caller's scope: the same answer for both."""


@dataclass(frozen=True)
class Line:
    """One figure: `value` is None when suppression hides it. Counts are ints; shares
    (per cent, one decimal) and medians (days) are floats and say so in their label."""

    key: str
    label: str
    value: int | float | None
    suppressed: bool = False


@dataclass
class Section:
    key: str
    title: str
    lines: list[Line]
    personal: bool = False  # suppressed by the threshold (could identify a client)

    def value(self, key: str) -> int | float | None:
        return next((line.value for line in self.lines if line.key == key), None)


@dataclass
class YearStats:
    municipality: OrgUnit
    year: int
    period_start: dt.date
    period_end: dt.date
    cutoff: dt.date  # overdue is judged on this day: the period's end or today, the earlier
    scope: str  # "municipality" for the whole, else the caller's subtree(s) within it
    sections: list[Section] = field(default_factory=list)
    lex_sarah_shown: bool = True
    min_cell: int = 5
    computed_at: dt.datetime = field(default_factory=timezone.now)

    @property
    def source(self) -> str:
        return _("insyn's own data: quality statistics, %(name)s (%(code)s)") % {
            "name": self.municipality.name,
            "code": self.municipality.code,
        }

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def about(self) -> dict[str, Any]:
        """Where the figures come from and what they cover (every file says it)."""
        return {
            "source": self.source,
            "municipality": self.municipality.code,
            "municipality_name": self.municipality.name,
            "year": self.year,
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "overdue_cutoff": self.cutoff.isoformat(),
            "scope": self.scope,
            "lex_sarah_shown": self.lex_sarah_shown,
            "min_cell": self.min_cell,
            "computed_at": timezone.localtime(self.computed_at).isoformat(timespec="seconds"),
        }

    def records(self) -> list[list[Any]]:
        """Long format, one row per figure: section, key, label, value, suppressed; first the
        "about" rows (source, period, scope, threshold) with their text in the label column,
        so a file read alone still says what it holds."""
        about = [["about", k, str(v), None, "false"] for k, v in self.about().items()]
        return about + [
            [s.key, line.key, line.label, line.value, "true" if line.suppressed else "false"]
            for s in self.sections
            for line in s.lines
        ]

    def document(self) -> dict[str, Any]:
        return {
            **self.about(),
            "sections": [
                {
                    "key": s.key,
                    "title": s.title,
                    "suppressed_by_threshold": s.personal,
                    "lines": [
                        {
                            "key": line.key,
                            "label": line.label,
                            "value": line.value,
                            "suppressed": line.suppressed,
                        }
                        for line in s.lines
                    ],
                }
                for s in self.sections
            ],
        }


HEADER = ["section", "key", "label", "value", "suppressed"]


# --- Input ----------------------------------------------------------------------------------


def parse_year(raw: Any) -> int:
    """A year from text: four ASCII digits between MIN_YEAR and MAX_YEAR, else StatsError."""
    text = str(raw if raw is not None else "").strip()
    if not (len(text) == 4 and text.isascii() and text.isdigit()):
        raise StatsError(_("Give the year as four digits, e.g. 2025."))
    year = int(text)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise StatsError(
            _("The year must be between %(low)s and %(high)s.")
            % {"low": MIN_YEAR, "high": MAX_YEAR}
        )
    return year


def municipality_for(user: User | None, code: str) -> OrgUnit:
    """The municipality with `code`, if the caller sees quality data somewhere in it (the
    system, user=None, sees all). Unknown and outside scope raise the same OutOfScope."""
    municipality = OrgUnit.objects.filter(kind=OrgUnit.Kind.MUNICIPALITY, code=code).first()
    if municipality is None or (user is not None and not _paths_in(user, municipality)):
        raise OutOfScope(code)
    return municipality


def municipalities_for(user: User) -> list[OrgUnit]:
    """Municipalities in which the user sees quality data (for the filter)."""
    paths = granted_paths(user, Action.VIEW_QUALITY)
    units = OrgUnit.objects.filter(kind=OrgUnit.Kind.MUNICIPALITY).order_by("name")
    return [m for m in units if _paths_in(user, m, paths)]


def _paths_in(user: User, municipality: OrgUnit, paths: list[str] | None = None) -> list[str]:
    """The caller's view_quality subtrees inside `municipality` (the municipality itself if a
    grant covers it)."""
    paths = granted_paths(user, Action.VIEW_QUALITY) if paths is None else paths
    out = []
    for path in paths:
        if municipality.path.startswith(path):
            return [municipality.path]
        if path.startswith(municipality.path):
            out.append(path)
    return out


# --- The computation ------------------------------------------------------------------------


def _rows(
    model: Any, user: User | None, action: Action, municipality: OrgUnit, unit: OrgUnit | None
) -> QuerySet:
    qs = model.objects.filter(municipality=municipality)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    return qs if user is None else qs.restrict(user, action)


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    """1 January 00:00 to the next 1 January, local time (Europe/Stockholm)."""
    tz = timezone.get_default_timezone()
    return (
        dt.datetime(year, 1, 1, tzinfo=tz),
        dt.datetime(year + 1, 1, 1, tzinfo=tz),
    )


def quality_year_stats(
    *,
    municipality: OrgUnit,
    year: int,
    user: User | None = None,
    unit: OrgUnit | None = None,
    today: dt.date | None = None,
) -> YearStats:
    """The yearly figures for `municipality` as `user` may see them (None: the system, the
    whole municipality), optionally for one `unit`'s subtree. The lex Sarah section is left
    out for a user without view_lex_sarah there."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise StatsError(
            _("The year must be between %(low)s and %(high)s.")
            % {"low": MIN_YEAR, "high": MAX_YEAR}
        )
    today = today or timezone.localdate()
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    cutoff = min(end, today)
    scope = "municipality"
    if user is not None:
        paths = _paths_in(user, municipality)
        if not paths:
            raise OutOfScope(municipality.code)
        if paths != [municipality.path]:
            scope = ", ".join(
                OrgUnit.objects.filter(path__in=paths)
                .order_by("path")
                .values_list("name", flat=True)
            )
    if unit is not None:
        if not unit.path.startswith(municipality.path):
            raise OutOfScope(municipality.code)
        scope = unit.name
    lex_shown = user is None or bool(
        [p for p in granted_paths(user, Action.VIEW_LEX_SARAH) if _overlaps(p, municipality.path)]
    )
    stats = YearStats(
        municipality=municipality,
        year=year,
        period_start=start,
        period_end=end,
        cutoff=cutoff,
        scope=scope,
        lex_sarah_shown=lex_shown,
        min_cell=int(settings.INSYN_MIN_CELL),
    )
    since, until = year_bounds(year)
    deviations = _rows(Deviation, user, Action.VIEW_QUALITY, municipality, unit).filter(
        reported_at__gte=since, reported_at__lt=until
    )
    stats.sections += _deviation_sections(deviations)
    if lex_shown:
        reports = _rows(LexSarahReport, user, Action.VIEW_LEX_SARAH, municipality, unit)
        stats.sections.append(_lex_sarah_section(reports, year, since, until))
    complaints = _rows(Complaint, user, Action.VIEW_QUALITY, municipality, unit).filter(
        received_on__year=year
    )
    stats.sections += _complaint_sections(complaints)
    items = ActionItem.objects.filter(plan__municipality=municipality)
    if unit is not None:
        items = items.filter(plan__unit__path__startswith=unit.path)
    if user is not None:
        items = items.restrict(user, Action.VIEW_QUALITY)
    stats.sections.append(_action_item_section(items, year, cutoff))
    stats.sections.append(client_deviations_by_unit_month(deviations, stats.min_cell))
    # quality management II: each area's sections (selectors/stats_<area>.py)
    for area in (stats_casework, stats_non_executed, stats_control):
        stats.sections += area.sections(
            municipality=municipality, unit=unit, user=user, stats=stats
        )
    return stats


def _overlaps(a: str, b: str) -> bool:
    return a.startswith(b) or b.startswith(a)


def _deviation_sections(deviations: QuerySet) -> list[Section]:
    by_category = Counter(deviations.values_list("category_id", flat=True))
    categories = DeviationCategory.objects.filter(Q(active=True) | Q(pk__in=list(by_category)))
    lines = [
        Line(c.code, c.label, by_category.get(c.pk, 0))
        for c in categories.order_by("sort_order", "code")
    ]
    lines.append(Line(ALL, _("All deviations"), sum(by_category.values())))
    by_unit = Counter(deviations.values_list("unit_id", flat=True))
    units = OrgUnit.objects.filter(pk__in=list(by_unit)).order_by("path")
    unit_lines = [Line(u.code, u.name, by_unit[u.pk]) for u in units]
    unit_lines.append(Line(ALL, _("All units"), sum(by_unit.values())))
    return [
        Section("deviations_by_category", _("Deviations by category"), lines),
        Section("deviations_by_unit", _("Deviations by unit"), unit_lines),
    ]


def _lex_sarah_section(
    reports: QuerySet, year: int, since: dt.datetime, until: dt.datetime
) -> Section:
    investigated = Q(investigation_done_on__year=year) | Q(
        investigation_done_on__isnull=True, closed_on__year=year
    ) & ~Q(non_case_position="")
    n = reports.aggregate(  # one query for the four lines
        reports=Count("pk", filter=Q(reported_at__gte=since, reported_at__lt=until)),
        investigated=Count("pk", filter=investigated),
        serious=Count("pk", filter=Q(serious=True, seriousness_decided_on__year=year)),
        notified_ivo=Count("pk", filter=Q(ivo_notified_on__year=year)),
    )
    return Section(
        "lex_sarah",
        _("Lex Sarah"),
        [
            Line("reports", _("Reports"), n["reports"]),
            Line("investigated", _("Investigations finished"), n["investigated"]),
            Line("serious", _("Assessed as serious"), n["serious"]),
            Line("notified_ivo", _("Notified to IVO"), n["notified_ivo"]),
        ],
    )


def _complaint_sections(complaints: QuerySet) -> list[Section]:
    rows = list(complaints.values_list("theme_id", "kind", "answered_on", "answer_due_on"))
    by_theme = Counter(theme for theme, _k, _a, _d in rows)
    themes = ComplaintTheme.objects.filter(
        Q(active=True) | Q(pk__in=[t for t in by_theme if t is not None])
    ).order_by("sort_order", "code")
    theme_lines = [Line(t.code, t.label, by_theme.get(t.pk, 0)) for t in themes]
    theme_lines.append(Line(NO_THEME, _("No theme"), by_theme.get(None, 0)))
    theme_lines.append(Line(ALL, _("All"), len(rows)))
    by_kind = Counter(kind for _t, kind, _a, _d in rows)
    kind_lines = [Line(k.value, str(k.label), by_kind.get(k.value, 0)) for k in Complaint.Kind]
    answered = [(a, d) for _t, _k, a, d in rows if a is not None]
    on_time = sum(1 for a, d in answered if a <= d)
    return [
        Section("complaints_by_theme", _("Complaints and suggestions by theme"), theme_lines),
        Section("complaints_by_kind", _("Complaints and suggestions by kind"), kind_lines),
        Section(
            "complaints_answered",
            _("Answers"),
            [
                Line("received", _("Received"), len(rows)),
                Line("answered", _("Answered"), len(answered)),
                Line("answered_within_target", _("Answered within the target"), on_time),
            ],
        ),
    ]


def _action_item_section(items: QuerySet, year: int, cutoff: dt.date) -> Section:
    n = items.aggregate(  # one query for both lines
        done=Count("pk", filter=Q(status=ActionItem.Status.DONE, done_on__year=year)),
        overdue=Count("pk", filter=Q(status__in=ActionItem.OPEN_STATUSES, due_on__lt=cutoff)),
    )
    return Section(
        "action_items",
        _("Action items"),
        [Line("done", _("Done"), n["done"]), Line("overdue", _("Overdue"), n["overdue"])],
    )


def client_deviations_by_unit_month(deviations: QuerySet, min_cell: int) -> Section:
    """Deviations that concern a client, by unit and month, with margins, suppressed like any
    group table: a cell about fewer than `min_cell` clients is hidden, with complements."""
    rows = list(
        deviations.filter(client__isnull=False).values_list("unit_id", "reported_at", "client_id")
    )
    units = {u.pk: u for u in OrgUnit.objects.filter(pk__in={r[0] for r in rows})}
    clients: dict[tuple[Any, ...], set[int]] = {}
    counts: Counter[tuple[Any, ...]] = Counter()
    for unit_id, reported_at, client_id in rows:
        month = timezone.localtime(reported_at).strftime("%Y-%m")
        group: tuple[Any, ...]
        for group in ((unit_id, month), (unit_id, TOTAL), (TOTAL, month), (TOTAL, TOTAL)):
            counts[group] += 1
            clients.setdefault(group, set()).add(client_id)
    keys = sorted(counts, key=lambda k: tuple(_order(v, units) for v in k))
    ordered = {k: counts[k] for k in keys}
    hidden = suppress_groups(ordered, min_cell=min_cell, persons={k: len(clients[k]) for k in keys})
    lines = []
    for unit_id, month in keys:
        unit = units[unit_id] if unit_id is not TOTAL else None
        code = f"{unit.code if unit else ALL}/{ALL if month is TOTAL else month}"
        label = "{}, {}".format(
            unit.name if unit else _("All units"), _("all months") if month is TOTAL else month
        )
        shown = (unit_id, month) not in hidden
        lines.append(Line(code, label, ordered[(unit_id, month)] if shown else None, not shown))
    return Section(
        "client_deviations_by_unit_month",
        _("Deviations concerning a client, by unit and month"),
        lines,
        personal=True,
    )


def _order(value: Any, units: dict[int, OrgUnit]) -> tuple[int, str]:
    if value is TOTAL:
        return (1, "")
    if isinstance(value, int):
        return (0, units[value].path)
    return (0, str(value))
