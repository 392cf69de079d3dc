"""Small-cell suppression of survey results (ARCHITECTURE rule 5), on `insyn.core.suppression`.

A results table is, per question, the total and one row per group; every row holds n and the
distribution of answers. Two levels, as in analytics: groups with fewer than `INSYN_MIN_CELL`
answers are hidden with a complement among their siblings (the total is the sum of the
groups); inside the rows that are shown, every answer count under the threshold is hidden
with complementary counts, so nothing hidden can be subtracted back out.

What a shown row publishes beside its counts, and why it stays safe:

* share positive is positives / n, so it is the count of 4-5 (or of "yes") in disguise, and of
  1-3 (n minus that): both are categories and the share goes when either is hidden;
* on a yes/no question the mean *is* that share, so it goes with it;
* on the five-point scale the mean is one more equation over the counts (the weighted sum).
  A row that hides only counts among 1-3 and keeps its share hides all three: n minus the
  positives and the mean then leave (+1, -2, +1) free, so none is determined. Otherwise it hides
  all five, and (+1, -2, +1, 0, 0), (+1, -1, 0, -1, +1) and, without the share,
  (+1, -1, -1, +1, 0) change no published number. So the mean can always stay.

Like analytics, this protects one table against exact recovery, not differencing between
different queries (docs/surveys.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings

from insyn.core.suppression import (
    TOTAL,
    CategorySystem,
    Relation,
    suppress_categories,
    suppress_groups,
)
from insyn.surveys.models import Question
from insyn.surveys.result_cells import Cell, RateRow

SCALE_VALUES = ("1", "2", "3", "4", "5")
_POSITIVE = "positive"
_NOT_POSITIVE = "not_positive"
_N = "n"


def min_cell() -> int:
    return int(settings.INSYN_MIN_CELL)


def is_small(n: int) -> bool:
    return n < min_cell()


_LOW, _HIGH = ("1", "2", "3"), ("4", "5")


def _system(question_type: str, codes: Sequence[str]) -> CategorySystem | None:
    """How the counts of one row add up; None where a row has no distribution (numbers)."""
    if question_type == Question.Type.SCALE:
        return CategorySystem(
            (_N, *SCALE_VALUES, _NOT_POSITIVE, _POSITIVE),
            (
                Relation(_N, (_NOT_POSITIVE, _POSITIVE)),
                Relation(_NOT_POSITIVE, _LOW),
                Relation(_POSITIVE, _HIGH),
            ),
        )
    if question_type == Question.Type.YES_NO:
        return CategorySystem((_N, "yes", "no"), (Relation(_N, ("yes", "no")),))
    if question_type == Question.Type.SINGLE and len(codes) > 1:
        return CategorySystem((_N, *codes), (Relation(_N, tuple(codes)),))
    return None


def _categories(cell: Cell, question_type: str) -> dict[str, int]:
    counts = {_N: cell.n, **{k: v or 0 for k, v in cell.distribution.items()}}
    if question_type == Question.Type.SCALE:
        counts[_POSITIVE] = cell.positive or 0
        counts[_NOT_POSITIVE] = cell.n - counts[_POSITIVE]
    return counts


def protect_question(question_type: str, total: Cell, groups: list[Cell]) -> None:
    """Hide, in place, what the threshold forbids in one question's total and groups."""
    threshold = min_cell()
    if is_small(total.n):
        for cell in [total, *groups]:
            cell.hide()
        return
    # Keys for the core algorithm: one breakdown dimension (the groups in their shown order)
    # with the total as its margin; without a breakdown the total is the only row.
    table: dict[tuple[Any, ...], Cell] = (
        {**{(i,): c for i, c in enumerate(groups)}, (TOTAL,): total} if groups else {(): total}
    )
    hidden_groups: set[tuple[Any, ...]] = set()
    if groups:
        hidden_groups = suppress_groups(
            {k: c.n for k, c in table.items() if c.n > 0}, min_cell=threshold
        )
    for key in hidden_groups:
        table[key].hide()
    for cell in table.values():
        if cell.unknown and 0 < cell.unknown < threshold and not cell.suppressed:
            cell.unknown = None
    codes = sorted({code for c in table.values() for code in c.distribution})
    system = _system(question_type, codes)
    if system is None:
        return
    counts = {
        (key, name): count
        for key, cell in table.items()
        for name, count in _categories(cell, question_type).items()
        if count > 0
    }
    hidden = suppress_categories(
        counts,
        system=system,
        hidden_groups=hidden_groups,
        min_cell=threshold,
        # What the reader loses: a share and its interval (positives, n minus them, yes, no);
        # every count (4 and 5 take the whole distribution, 1-3 only the lower half).
        weights={_POSITIVE: 4.0, _NOT_POSITIVE: 4.0, "yes": 4.0, "no": 4.0, "4": 2.0, "5": 2.0},
    )
    for key, cell in table.items():
        if key in hidden_groups:
            continue
        gone = {name for (k, name) in hidden if k == key}
        if not gone:
            continue
        if question_type == Question.Type.SCALE and gone & set(SCALE_VALUES):
            # See the module docstring: what keeps the mean from giving them away.
            share_kept = not gone & {_POSITIVE, _NOT_POSITIVE}
            gone |= set(_LOW) if share_kept and gone <= set(_LOW) else set(SCALE_VALUES)
        cell.distribution = {k: (None if k in gone else v) for k, v in cell.distribution.items()}
        if gone & {_POSITIVE, _NOT_POSITIVE, "yes", "no"}:
            cell.positive = cell.share_positive = cell.ci_low = cell.ci_high = None
            if question_type == Question.Type.YES_NO:
                cell.mean = None


def protect_rate(row: RateRow) -> None:
    """One response-rate row: hidden whole when few were expected, else its small counts
    (answered, non-response, waiting and each reason) with complements."""
    threshold = min_cell()
    if is_small(row.expected):
        row.suppressed = True
        row.answered = row.non_response = row.waiting = None
        row.reasons, row.rate = {}, None
        return
    # One reason alone is the non-response count itself: it goes with it.
    reasons = (
        {f"reason:{code}": n or 0 for code, n in row.reasons.items()}
        if len(row.reasons) > 1
        else {}
    )
    relations = [Relation("expected", ("answered", "non_response", "waiting"))]
    if reasons:
        relations.append(Relation("non_response", tuple(reasons)))
    system = CategorySystem(
        ("expected", "answered", "non_response", "waiting", *reasons),
        tuple(relations),
        group_total="expected",
    )
    counts: dict[str, int] = {
        "expected": row.expected,
        "answered": row.answered or 0,
        "non_response": row.non_response or 0,
        "waiting": row.waiting or 0,
        **reasons,
    }
    hidden = {
        name
        for _key, name in suppress_categories(
            {((), name): n for name, n in counts.items() if n > 0},
            system=system,
            hidden_groups=(),
            min_cell=threshold,
            weights={"answered": 3.0},  # hiding it costs the response rate
        )
    }
    if "answered" in hidden:
        row.answered, row.rate = None, None
    if "non_response" in hidden:
        row.non_response = None
    if "waiting" in hidden:
        row.waiting = None
    row.reasons = {
        code: (
            None if f"reason:{code}" in hidden or (not reasons and "non_response" in hidden) else n
        )
        for code, n in row.reasons.items()
    }


def share_is_safe(positive: int, n: int) -> bool:
    """A share of n reveals its count and the rest: both must be empty or large enough."""
    return all(k == 0 or not is_small(k) for k in (positive, n - positive))
