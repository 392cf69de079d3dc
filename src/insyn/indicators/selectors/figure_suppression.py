"""The suppression rule for computed key figures of org units (ARCHITECTURE rule 5), through
`insyn.core.suppression.suppress_groups`, the rule every group table of the house uses.

The table of one indicator and one period is a tree: the municipality, each unit below it
that has a value, and per unit the sexes. It is tied together by two kinds of relation on the
denominators (the persons or cases behind each figure):

- sex: T = K + M + X, where X (sex "other / not stated") is counted in T only and never
  published, so X is an *unpublished residual* T − K − M;
- units: a unit's figure counts every case of its subtree, so a unit = the sum of its child
  units + the cases registered directly on the unit itself (again an unpublished residual).

For each unit that has child units (and always for the top unit) the rule builds the table
child × sex with its margins (the unit's own T/K/M) and the two residuals, and asks
`suppress_groups` which cells to hide: a figure whose denominator is 1 to `min_cell − 1` is
hidden (primary), and complementary cells are hidden so that none can be recovered from the
published ones (K hidden with T shown hides M too, unless an unpublished residual of at least
`min_cell` already protects it; a hidden unit hides a sibling, or its parent's total when
there is no better partner). The tables share cells (a unit is a row of its parent's table
and the margin of its own), so the tables are run again, each cell hidden elsewhere forced,
until nothing more is hidden. A residual under `min_cell` is itself protected (it could
be computed); a residual of `min_cell` or more is a free partner, as it is never shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from insyn.core.suppression import TOTAL, suppress_groups

Key = tuple[int, str]  # (org unit id, sex T/K/M)
DIRECT = "direct"  # the cases registered on the unit itself (an unpublished residual)
OTHER = "X"  # sex other / not stated (an unpublished residual)
_SEXES: tuple[Any, ...] = ("K", "M", OTHER, TOTAL)


def _nearest_parents(paths: Mapping[int, str]) -> dict[int, int | None]:
    """Each unit's nearest ancestor among `paths` (None for the top)."""
    by_id = dict(paths)
    parents: dict[int, int | None] = {}
    for unit, path in paths.items():
        ids = [int(p) for p in path.strip("/").split("/") if p][:-1]
        parents[unit] = next((a for a in reversed(ids) if a in by_id), None)
    return parents


def hidden_cells(
    denominators: Mapping[Key, float | None], paths: Mapping[int, str], *, min_cell: int
) -> set[Key]:
    """Which (unit, sex) figures of one indicator and period to hide. `denominators` holds
    every stored figure (a missing key is a known zero: nobody behind it); a figure without
    a denominator is hidden, as nothing says how many it is about. `paths` gives each unit's
    OrgUnit.path."""
    units = sorted({u for u, _s in denominators})
    parents = _nearest_parents({u: paths[u] for u in units})
    children: dict[int, list[int]] = {u: [] for u in units}
    for unit, parent in parents.items():
        if parent is not None:
            children[parent].append(unit)
    tops = [u for u in units if parents[u] is None]
    heads = [u for u in units if children[u] or u in tops]
    hidden: set[Key] = {k for k, d in denominators.items() if d is None}

    def n(unit: int, sex: str) -> int:
        d = denominators.get((unit, sex))
        return max(0, round(d)) if d is not None else 0

    while True:
        before = len(hidden)
        for head in heads:
            hidden |= _table(head, children[head], n, hidden, min_cell=min_cell)
        if len(hidden) == before:
            return hidden


def _table(head: int, kids: list[int], n: Any, hidden: set[Key], *, min_cell: int) -> set[Key]:
    """One table: rows = the child units and DIRECT (or no row dimension for a unit without
    child units), columns = K, M, X; margins TOTAL. Returns the published cells to hide."""

    def value(row: Any, sex: Any) -> int:
        if row is DIRECT:
            return max(0, value(TOTAL, sex) - sum(value(k, sex) for k in kids))
        unit = head if row is TOTAL else row
        if sex is TOTAL:
            return int(n(unit, "T"))
        if sex == OTHER:
            return max(0, n(unit, "T") - n(unit, "K") - n(unit, "M"))
        return int(n(unit, sex))

    def published(row: Any, sex: Any) -> Key | None:
        if row is DIRECT or sex == OTHER:
            return None
        return (head if row is TOTAL else row, "T" if sex is TOTAL else sex)

    rows: list[Any] = [*sorted(kids), DIRECT, TOTAL] if kids else [TOTAL]
    counts: dict[tuple[Any, ...], int] = {}
    keys: dict[tuple[Any, ...], Key] = {}
    for row in rows:
        for sex in _SEXES:
            v = value(row, sex)
            if v <= 0:
                continue
            key = (row, sex) if kids else (sex,)
            cell = published(row, sex)
            if cell is None:
                counts[key] = v if v < min_cell else 0  # a large residual is a free partner
            else:
                counts[key] = v
                keys[key] = cell
    forced = [key for key, cell in keys.items() if cell in hidden]
    found = suppress_groups(counts, min_cell=min_cell, forced=forced)
    return {keys[key] for key in found if key in keys}
