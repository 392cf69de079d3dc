"""Yearly statistics of investigations (median days, share over four months with and
without a decision to extend) and appeals (number, share changed by the court).

Each figure counts events of the year: an appeal the court decided in the year, an
investigation completed in the year. Every count is about persons (each appeal and
investigation names a client), so the breakdowns go through `insyn.core.suppression` with
the margin: a cell about fewer than `stats.min_cell` clients is hidden, with complements, and
a share or median is hidden with the count it is computed from.
"""

from __future__ import annotations

import statistics
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from insyn.clients.four_months import FourMonthStatus, four_month_status_of
from insyn.clients.models import Appeal, Investigation
from insyn.core.roles import Action
from insyn.core.suppression import TOTAL, suppress_groups

if TYPE_CHECKING:
    from insyn.accounts.models import User
    from insyn.organisations.models import OrgUnit
    from insyn.quality.selectors.stats import Line, Section, YearStats


def sections(
    *, municipality: OrgUnit, unit: OrgUnit | None, user: User | None, stats: YearStats
) -> list[Section]:
    """The sections for `stats.year` in `municipality` (optionally `unit`'s subtree) as `user`
    may see them (None: the system). Counts of persons go through suppression (stats.min_cell)."""
    appeals = _scoped(Appeal, "decision__case", municipality, unit, user).filter(
        decided_on__year=stats.year
    )
    investigations = _scoped(Investigation, "case", municipality, unit, user).filter(
        completed_on__year=stats.year
    )
    return [
        appeals_section(appeals, stats.min_cell),
        investigations_section(investigations, stats.min_cell),
    ]


def _scoped(
    model: Any, case: str, municipality: OrgUnit, unit: OrgUnit | None, user: User | None
) -> QuerySet:
    qs = model.objects.filter(**{f"{case}__municipality": municipality})
    if unit is not None:
        qs = qs.filter(**{f"{case}__unit__path__startswith": unit.path})
    return qs if user is None else qs.restrict(user, Action.VIEW_QUALITY)


def _types() -> tuple[type[Line], type[Section]]:
    """Line and Section, imported late: stats.py imports this module while it loads."""
    from insyn.quality.selectors.stats import Line, Section

    return Line, Section


def share(part: int, whole: int) -> float | None:
    """Per cent with one decimal; None of nothing."""
    return round(100 * part / whole, 1) if whole else None


def _hidden(counts: dict[str, int], groups: dict[str, set[int]], min_cell: int) -> set[Any]:
    """The groups (and TOTAL) to hide: `counts` per group, `groups` the clients behind them."""
    everyone: set[int] = set()
    for clients in groups.values():
        everyone |= clients
    if not everyone:
        return set()
    table: dict[tuple[Any, ...], int] = {(k,): n for k, n in counts.items() if n}
    table[(TOTAL,)] = sum(counts.values())
    persons: dict[tuple[Any, ...], int] = {(k,): len(v) for k, v in groups.items() if v}
    persons[(TOTAL,)] = len(everyone)
    return {k[0] for k in suppress_groups(table, min_cell=min_cell, persons=persons)}


def appeals_section(appeals: QuerySet, min_cell: int) -> Section:
    """Appeals the court decided in the year: number, by outcome, share changed."""
    Line, Section = _types()
    rows = list(appeals.values_list("outcome", "decision__case__client_id"))
    groups: dict[str, set[int]] = {o: set() for o in Appeal.Outcome.values}
    counts = dict.fromkeys(Appeal.Outcome.values, 0)
    for outcome, client_id in rows:
        groups.setdefault(outcome, set()).add(client_id)
        counts[outcome] = counts.get(outcome, 0) + 1
    hidden = _hidden(counts, groups, min_cell)
    total_hidden = TOTAL in hidden
    lines = [Line("decided", _("Appeals decided by the court"), *_shown(len(rows), total_hidden))]
    for outcome in Appeal.Outcome:
        lines.append(
            Line(
                f"outcome_{outcome.value}",
                str(outcome.label),
                *_shown(counts[outcome.value], outcome.value in hidden),
            )
        )
    changed_hidden = total_hidden or Appeal.Outcome.CHANGED.value in hidden
    lines.append(
        Line(
            "changed_share",
            _("Share changed by the court (per cent)"),
            *_shown(share(counts[Appeal.Outcome.CHANGED.value], len(rows)), changed_hidden),
        )
    )
    return Section("appeals", _("Appeals"), lines, personal=True)


def investigations_section(investigations: QuerySet, min_cell: int) -> Section:
    """Investigations completed in the year: number, median handling days, share over four
    months with and without a decision to extend (the rule of insyn.clients.four_months)."""
    Line, Section = _types()
    rows = list(
        investigations.values_list("started_on", "completed_on", "extended_on", "case__client_id")
    )
    groups: dict[str, set[int]] = {s.value: set() for s in FourMonthStatus}
    counts = dict.fromkeys(groups, 0)
    days = []
    for started, completed, extended, client_id in rows:
        status = four_month_status_of(started, completed, extended, completed).value
        groups[status].add(client_id)
        counts[status] += 1
        days.append((completed - started).days)
    hidden = _hidden(counts, groups, min_cell)
    total_hidden = TOTAL in hidden
    n = len(rows)
    extended = FourMonthStatus.EXTENDED.value
    late = FourMonthStatus.LATE_WITHOUT_EXTENSION.value
    median = float(statistics.median(days)) if days else None
    return Section(
        "investigations",
        _("Investigations"),
        [
            Line("completed", _("Investigations completed"), *_shown(n, total_hidden)),
            Line("median_days", _("Median handling time (days)"), *_shown(median, total_hidden)),
            Line(
                "over_four_months_extended",
                _("Share over four months with a decision to extend (per cent)"),
                *_shown(share(counts[extended], n), total_hidden or extended in hidden),
            ),
            Line(
                "over_four_months_not_extended",
                _("Share over four months without a decision to extend (per cent)"),
                *_shown(share(counts[late], n), total_hidden or late in hidden),
            ),
        ],
        personal=True,
    )


def _shown(value: int | float | None, hidden: bool) -> tuple[int | float | None, bool]:
    return (None, True) if hidden else (value, False)
