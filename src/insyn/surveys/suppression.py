"""Small-cell suppression for survey tables (ARCHITECTURE rule 5).

Written here because `insyn.core.suppression` was not on main when the surveys app was built;
every survey output calls `suppress_counts`, so swapping in the shared implementation is a
one-line change.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings


def min_cell() -> int:
    return int(settings.INSYN_MIN_CELL)


def suppress_counts(counts: Sequence[int], threshold: int | None = None) -> list[bool]:
    """Which cells of a group to hide, when the group's total is published.

    Primary: every cell with 0 < n < threshold. Complementary: if exactly one cell is hidden,
    also hide the smallest other non-empty cell, so the hidden one cannot be recovered as the
    total minus the shown cells. Empty cells (n = 0) stay visible: they disclose nobody.
    """
    threshold = min_cell() if threshold is None else threshold
    hidden = [0 < n < threshold for n in counts]
    if sum(hidden) == 1:
        candidates = [(n, i) for i, n in enumerate(counts) if not hidden[i] and n > 0]
        if candidates:
            hidden[min(candidates)[1]] = True
    return hidden


def is_small(n: int, threshold: int | None = None) -> bool:
    return n < (min_cell() if threshold is None else threshold)
