"""Yearly statistics of non-executed decisions for the quality report: the decisions on
IVO's list in at least one quarter of the year, by kind; of those, how many were executed (or
resumed) after the deadline during the year, and how many were still not executed at the
year's end (or today, for the running year). From the same detection as the IVO list
(selectors/non_executed.py). Counts of decisions are about persons, so a count about fewer
than `stats.min_cell` clients is hidden (with its complement in the by-kind table)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from insyn.clients.models import Decision
from insyn.core.roles import Action
from insyn.core.suppression import TOTAL, suppress_groups
from insyn.quality.selectors import non_executed as sel

if TYPE_CHECKING:
    from insyn.accounts.models import User
    from insyn.organisations.models import OrgUnit
    from insyn.quality.selectors.stats import Section, YearStats


def year_episodes(decisions: Any, year: int, cutoff: dt.date) -> list[sel.Episode]:
    """Episodes on the IVO list of some quarter of `year` (as far as `cutoff`)."""
    start = dt.date(year, 1, 1)
    return [
        e
        for e in sel.episodes(decisions, cutoff)
        if e.reportable_from <= cutoff and (e.resolved_on is None or e.resolved_on >= start)
    ]


def sections(
    *, municipality: OrgUnit, unit: OrgUnit | None, user: User | None, stats: YearStats
) -> list[Section]:
    """The sections for `stats.year` in `municipality` (optionally `unit`'s subtree) as `user`
    may see them (None: the system). Counts of persons go through suppression (stats.min_cell)."""
    from insyn.quality.selectors.stats import Line, Section

    qs = Decision.objects.filter(case__municipality=municipality)
    if unit is not None:
        qs = qs.filter(case__unit__path__startswith=unit.path)
    if user is not None:
        qs = qs.restrict(user, Action.VIEW_QUALITY)
    found = year_episodes(sel.reportable_decisions(qs), stats.year, stats.cutoff)
    counts: Counter[tuple[Any]] = Counter()
    people: dict[tuple[Any], set[int]] = {}
    seen: set[tuple[int, str]] = set()
    for e in found:
        if (e.decision.pk, e.kind) in seen:
            continue
        seen.add((e.decision.pk, e.kind))
        for group in ((e.kind,), (TOTAL,)):
            counts[group] += 1
            people.setdefault(group, set()).add(e.decision.case.client_id)
    keys = [(k,) for k in sel.Kind.values if (k,) in counts] + ([(TOTAL,)] if counts else [])
    ordered = {k: counts[k] for k in keys}
    persons = {k: len(people[k]) for k in keys}
    hidden = (
        suppress_groups(ordered, min_cell=stats.min_cell, persons=persons) if ordered else set()
    )
    lines = []
    for kind in sel.Kind:
        key = (kind.value,)
        shown = key not in hidden
        lines.append(
            Line(
                f"reported_{kind.value}",
                _("On the IVO list in the year: %(kind)s") % {"kind": str(kind.label).lower()},
                ordered.get(key, 0) if shown else None,
                not shown,
            )
        )
    total_hidden = (TOTAL,) in hidden
    lines.append(
        Line(
            "reported_total",
            _("On the IVO list in the year: decisions in all"),
            None if total_hidden else ordered.get((TOTAL,), 0),
            total_hidden,
        )
    )
    # what became of each decision: a partition with its total, suppressed as one table
    year_start = dt.date(stats.year, 1, 1)
    outcome: dict[int, tuple[str, int]] = {}
    for e in found:
        if e.is_open:
            state = "open_at_year_end"
        elif (
            e.resolution in ("executed", "resumed")
            and e.resolved_on
            and e.resolved_on >= year_start
        ):
            state = "executed_late"
        else:
            state = "other"
        if outcome.get(e.decision.pk, ("",))[0] != "open_at_year_end":
            outcome[e.decision.pk] = (state, e.decision.case.client_id)
    o_counts: Counter[tuple[Any]] = Counter()
    o_people: dict[tuple[Any], set[int]] = {}
    for state, client_id in outcome.values():
        for group in ((state,), (TOTAL,)):
            o_counts[group] += 1
            o_people.setdefault(group, set()).add(client_id)
    order = ("executed_late", "open_at_year_end", "other")
    o_keys = [(k,) for k in order if (k,) in o_counts] + ([(TOTAL,)] if o_counts else [])
    o_ordered = {k: o_counts[k] for k in o_keys}
    o_hidden = (
        suppress_groups(
            o_ordered, min_cell=stats.min_cell, persons={k: len(o_people[k]) for k in o_keys}
        )
        if o_ordered
        else set()
    )
    for name, label in (
        ("executed_late", _("Executed after the three-month limit during the year")),
        ("open_at_year_end", _("Still not executed at the year's end (or today)")),
    ):
        hide = (name,) in o_hidden
        lines.append(Line(name, label, None if hide else o_ordered.get((name,), 0), hide))
    return [
        Section(
            "non_executed",
            _("Non-executed decisions (reported to IVO)"),
            lines,
            personal=True,
        )
    ]
