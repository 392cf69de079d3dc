"""Detection of non-executed decisions (ej verkställda beslut): one pure computation over the
decisions in clients/, as of any day, so the daily job, the pages, the exports, the CLI, the
API and the yearly statistics all give the same answer, for today or any past quarter.

The three-month rule, precisely. The clock starts on the decision date (or, for an
interruption, the interruption date). The *deadline* is the same day number three calendar
months later; when that month is shorter, its last day (31 March -> 30 June, 30 November ->
28/29 February). Execution on or before the deadline is in time. A decision still not
executed (or resumed) at the end of the deadline day is reportable from the next day,
`deadline + 1`, "day 90" in everyday speech (89 to 92 days, by the months). Day counts
(day 60, day 80 warnings) are plain days since the clock start.

A decision counts only under a legal basis flagged `reportable_non_executed` in the catalogue
(SoL 4 kap. 1 § and its 2025 successor, LSS 9 §): any other basis never reaches the list.

Kinds (NonExecutedDecision.Kind):
- not_executed: from the decision date; resolved by execution or by the decision ending
  without execution (ended_unexecuted_on).
- interrupted: from the interruption date; resolved by resumption or the decision ending.
- partly: executed, but executed_extent < granted_extent, from the decision date; resolved
  only when the decision ends (the decision holds the current extents, not their history, so
  a past quarter uses today's extents: a known limitation).

As of a day, anything dated after it has not happened yet, so a past quarter is computed from
live data as IVO would have seen it on the quarter's last day.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from insyn.clients.models import Decision
from insyn.core.dates import add_months
from insyn.quality.models import NonExecutedDecision

Kind = NonExecutedDecision.Kind

WARNING_DAYS = (60, 80)
APPROACHING_FROM_DAY = WARNING_DAYS[0]
# days since the clock start; a listed decision has waited at least 90 days
DAY_BANDS = ((90, 179), (180, 364), (365, 729), (730, None))


class QuarterError(ValueError):
    """A quarter the computation cannot answer for, with a message for the asker."""


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> dt.date:
        month = 3 * self.number
        return dt.date(self.year, month, calendar.monthrange(self.year, month)[1])

    def __str__(self) -> str:
        return self.label


_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*[QqKk]([1-4])\s*$")


def parse_quarter(raw: object) -> Quarter:
    """ "2026Q3" (also 2026-Q3, 2026K3) -> Quarter; anything else a clear QuarterError."""
    match = _QUARTER.match(str(raw or ""))
    if not match:
        raise QuarterError(
            _("%(value)s is not a quarter: write the year and the quarter, e.g. 2026Q3.")
            % {"value": raw}
        )
    year, number = int(match.group(1)), int(match.group(2))
    if not 2000 <= year <= 2100:
        raise QuarterError(_("The year must be between 2000 and 2100."))
    return Quarter(year, number)


def quarter_of(day: dt.date) -> Quarter:
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def deadline_for(clock_from: dt.date) -> dt.date:
    """The last day on which execution is still within three months."""
    return add_months(clock_from, 3)


@dataclass(frozen=True)
class Episode:
    """One decision's period of non-execution as of `as_of` (computed, not stored)."""

    decision: Decision
    kind: str
    clock_from: dt.date
    as_of: dt.date
    resolved_on: dt.date | None  # executed / resumed / ended, on or before as_of
    resolution: str  # "executed", "resumed", "ended" or ""

    @property
    def deadline(self) -> dt.date:
        return deadline_for(self.clock_from)

    @property
    def reportable_from(self) -> dt.date:
        return self.deadline + dt.timedelta(days=1)

    @property
    def days(self) -> int:
        """Days since the clock start, to the resolution or to as_of."""
        return ((self.resolved_on or self.as_of) - self.clock_from).days

    @property
    def is_open(self) -> bool:
        return self.resolved_on is None

    @property
    def is_reportable(self) -> bool:
        """On the IVO list as of `as_of`: past the deadline and still open."""
        return self.is_open and self.as_of >= self.reportable_from

    @property
    def key(self) -> tuple[int, str, dt.date]:
        return (self.decision.pk, self.kind, self.clock_from)

    @property
    def kind_label(self) -> str:
        return str(Kind(self.kind).label)

    @property
    def end_reason(self) -> str:
        return self.decision.ended_unexecuted_reason if self.resolution == "ended" else ""


def _on(day: dt.date | None, as_of: dt.date) -> dt.date | None:
    return day if day is not None and day <= as_of else None


def _first(*days: dt.date | None) -> tuple[dt.date | None, int]:
    found = [(d, i) for i, d in enumerate(days) if d is not None]
    return min(found) if found else (None, -1)


def decision_episodes(decision: Decision, as_of: dt.date) -> list[Episode]:
    """Every episode of `decision` whose clock has started by `as_of` and that was not
    resolved within its three months (open ones still inside the deadline included: those are
    the "approaching" ones). The caller has checked the legal basis."""
    if decision.decided_on > as_of:
        return []
    executed = _on(decision.executed_on, as_of)
    ended = _on(decision.ended_unexecuted_on, as_of)
    found: list[Episode] = []

    def add(
        kind: str, start: dt.date, ends: tuple[dt.date | None, ...], names: tuple[str, ...]
    ) -> None:
        day, which = _first(*ends)
        if day is not None and day <= deadline_for(start):
            return  # resolved in time: not an episode
        found.append(Episode(decision, kind, start, as_of, day, names[which] if day else ""))

    add(Kind.NOT_EXECUTED, decision.decided_on, (executed, ended), ("executed", "ended"))
    interrupted = _on(decision.interrupted_on, as_of)
    if interrupted is not None:
        resumed = _on(decision.resumed_on, as_of)
        ended_after = ended if ended is not None and ended >= interrupted else None
        add(Kind.INTERRUPTED, interrupted, (resumed, ended_after), ("resumed", "ended"))
    granted, done = decision.granted_extent, decision.executed_extent
    if executed is not None and granted is not None and done is not None and done < granted:
        add(Kind.PARTLY, decision.decided_on, (ended,), ("ended",))
    return found


def reportable_decisions(queryset: QuerySet[Decision] | None = None) -> QuerySet[Decision]:
    """Decisions under a reportable legal basis (the only ones ever considered)."""
    qs = Decision.objects.all() if queryset is None else queryset
    return qs.filter(legal_basis__reportable_non_executed=True).select_related(
        "legal_basis",
        "intervention_type",
        "case__client",
        "case__unit",
        "case__case_worker",
        "case__municipality",
    )


def episodes(decisions: Iterable[Decision], as_of: dt.date) -> list[Episode]:
    """Episodes of `decisions` as of `as_of`, reportable basis enforced here too."""
    out = []
    for decision in decisions:
        if decision.legal_basis.reportable_non_executed:
            out += decision_episodes(decision, as_of)
    return sorted(out, key=lambda e: (e.clock_from, e.decision.pk, e.kind))


def approaching(decisions: Iterable[Decision], as_of: dt.date) -> list[Episode]:
    """Open, not yet reportable, at day 60 or more: the ones to act on now."""
    return [
        e
        for e in episodes(decisions, as_of)
        if e.is_open and not e.is_reportable and e.days >= APPROACHING_FROM_DAY
    ]


def reportable_now(decisions: Iterable[Decision], as_of: dt.date) -> list[Episode]:
    return [e for e in episodes(decisions, as_of) if e.is_reportable]


def quarter_list(decisions: Iterable[Decision], quarter: Quarter) -> list[Episode]:
    """What IVO takes for `quarter`, as of its last day: every episode reportable on or
    before that day and not resolved before the quarter began. Those executed, resumed or
    ended during the quarter are on it with that date (or the end reason); the open ones are
    reported again every quarter until resolved."""
    return [
        e
        for e in episodes(decisions, quarter.end)
        if e.reportable_from <= quarter.end
        and (e.resolved_on is None or e.resolved_on >= quarter.start)
    ]


def day_band(days: int) -> str:
    for low, high in DAY_BANDS:
        if days >= low and (high is None or days <= high):
            return f"{low}-" if high is None else f"{low}-{high}"
    return f"-{DAY_BANDS[0][0] - 1}"


def day_band_labels() -> list[str]:
    return [f"{low}-" if high is None else f"{low}-{high}" for low, high in DAY_BANDS]


def stored_episodes(
    found: Iterable[Episode],
) -> dict[tuple[int, str, dt.date], NonExecutedDecision]:
    """The stored episode rows (texts, offers, report records) of computed episodes."""
    found = list(found)
    if not found:
        return {}
    rows = NonExecutedDecision.objects.filter(
        decision_id__in={e.decision.pk for e in found}
    ).prefetch_related("offers", "reports")
    return {(r.decision_id, r.kind, r.clock_from): r for r in rows}
