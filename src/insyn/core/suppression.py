"""Small-cell suppression with complementary suppression (ARCHITECTURE rule 5).

A group table is a breakdown of individuals by up to a few dimensions, with margins (every
"all values" row), and per group a set of *categories*: its n, how many have a value, how
many chose each option, how many follow-ups were done, and so on. Cells are tied together by
*relations*: a margin is the sum of its row, a group's n is the sum of "with value" and
"without value". A cell about fewer than `min_cell` individuals is hidden (primary
suppression); because the relations would let a reader subtract it back out of what is
shown, more cells are hidden (complementary suppression).

How: every hidden cell is put into a *null pattern*: a signed set of cells that sums to zero
in every relation. Adding it to the true table changes no published number, so no hidden
cell in it can be determined from the published ones; the union of such patterns is safe
too. The patterns are hypercubes: per breakdown dimension the cell's value and one partner
(a sibling with the opposite sign, or the margin with the same sign), times a pattern within
the category system (a sibling category, extended down to the categories it is made of).
Partners are chosen so that as little as possible that is not already hidden gets hidden.

Two levels: first whole groups (a group under the threshold is hidden with all its
categories), then single categories inside the groups that are shown.

This protects against exact recovery through the published totals (the usual criterion of
statistical offices); not against differencing between *different* queries.
`insyn.core.suppression_check.derivable` verifies a result with linear algebra (tests use it).

Surveys and reports use the same functions.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final


class _Total:
    """The margin coordinate of a breakdown dimension ("all values")."""

    _instance: _Total | None = None

    def __new__(cls) -> _Total:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "TOTAL"

    def __reduce__(self) -> str:
        return "TOTAL"


TOTAL: Final = _Total()
_INF = float("inf")
_CANDIDATES_PER_DIM = 3

Key = Any  # any hashable: a group tuple, a category name, or (group, category)
Group = tuple[Any, ...]


@dataclass(frozen=True)
class Relation:
    """`total` equals the sum of `parts` in the published table."""

    total: Any
    parts: tuple[Any, ...]


@dataclass(frozen=True)
class CategorySystem:
    """The categories of one group and how they add up.

    `group_total` is the category that is the group's own count (its n): it is protected at
    the group level, never inside a shown group. Every other category belongs to at least one
    relation (as a part, or as the total of its own tree such as the number of goals).
    """

    categories: tuple[str, ...]
    relations: tuple[Relation, ...]
    group_total: str = "n"
    _patterns: dict[str, list[dict[str, int]]] = field(
        default_factory=dict, compare=False, repr=False
    )
    _indexes: dict[tuple[tuple[str, int], ...], int] = field(
        default_factory=dict, compare=False, repr=False
    )

    def pattern_index(self, pattern: dict[str, int]) -> int:
        """A small integer naming a pattern (for caches keyed by pattern)."""
        key = tuple(sorted(pattern.items()))
        return self._indexes.setdefault(key, len(self._indexes))

    def patterns(self, category: str) -> list[dict[str, int]]:
        """Signed sets of categories through `category` that balance every relation of the
        system and leave the group total alone (cached: the system is fixed)."""
        if category not in self._patterns:
            self._patterns[category] = _category_patterns(self, category)
        return self._patterns[category]


def _category_patterns(system: CategorySystem, start: str) -> list[dict[str, int]]:
    """Candidate patterns: start with a sibling (opposite sign) or, where there is none, the
    total above (same sign), then balance every relation touched, moving to parts first
    (a sibling or the categories below) and up only when nothing below can balance."""
    rels_of: dict[str, list[Relation]] = {c: [] for c in system.categories}
    for rel in system.relations:
        rels_of[rel.total].append(rel)
        for p in rel.parts:
            rels_of[p].append(rel)
    order = {c: i for i, c in enumerate(system.categories)}

    def residual(rel: Relation, v: Mapping[str, int]) -> int:
        return sum(v.get(p, 0) for p in rel.parts) - v.get(rel.total, 0)

    def complete(v: dict[str, int], upward_first: bool) -> dict[str, int] | None:
        pending = deque(r for c in v for r in rels_of[c])
        budget = 200
        while pending:
            rel = pending.popleft()
            r = residual(rel, v)
            if r == 0:
                continue
            budget -= 1
            if budget < 0:
                return None
            moves = [(p, -r, 0) for p in rel.parts if p != start]
            if rel.total not in (start, system.group_total):
                moves.append((rel.total, r, 1))
            moves = [m for m in moves if v.get(m[0], 0) + m[1] != 0]
            if not moves:
                return None

            def rank(move: tuple[str, int, int], rel: Relation = rel) -> tuple[int, int, int]:
                cell, delta, upward = move
                change = 0
                for other in rels_of[cell]:
                    if other is rel:
                        continue
                    before = residual(other, v)
                    after = before + (-delta if other.total == cell else delta)
                    change += abs(after) - abs(before)
                return (change, upward != upward_first, order[cell])

            cell, delta, _up = min(moves, key=rank)
            v[cell] = v.get(cell, 0) + delta
            pending.extend(rels_of[cell])
        if system.group_total in v:
            return None
        return v

    seeds: list[dict[str, int]] = []
    for rel in rels_of[start]:
        if rel.total == start:
            continue
        seeds += [{start: 1, s: -1} for s in rel.parts if s != start]
        if rel.total != system.group_total:
            seeds.append({start: 1, rel.total: 1})
    if not seeds:  # a category that is only a total (e.g. the number of goals)
        seeds = [{start: 1, p: 1} for rel in rels_of[start] for p in rel.parts]
    found: list[dict[str, int]] = []
    for seed in seeds:
        for upward_first in (False, True):
            pattern = complete(dict(seed), upward_first)
            if pattern is not None and pattern not in found:
                found.append(pattern)
    # The greedy completions above always take the same part of a relation (the first in
    # order), so a cell whose only patterns run through other parts would find none when that
    # part is empty, and the caller would then hide the whole table. Branch over every part,
    # within a budget, for the alternatives.
    for seed in seeds:
        for pattern in _branches(system, start, seed, residual):
            if pattern not in found:
                found.append(pattern)
    return found


_BRANCH_DEPTH = 10
_BRANCH_NODES = 400
_BRANCH_RESULTS = 24


def _branches(
    system: CategorySystem,
    start: str,
    seed: dict[str, int],
    residual: Any,
) -> list[dict[str, int]]:
    """Every balanced pattern reachable from `seed` by moving a part (or, failing that, the
    total) of the first unbalanced relation, depth first, within fixed budgets."""
    results: list[dict[str, int]] = []
    nodes = 0

    def visit(v: dict[str, int], depth: int) -> None:
        nonlocal nodes
        nodes += 1
        if nodes > _BRANCH_NODES or len(results) >= _BRANCH_RESULTS:
            return
        rel = next((r for r in system.relations if residual(r, v) != 0), None)
        if rel is None:
            if system.group_total not in v and v not in results:
                results.append(dict(v))
            return
        if depth == 0:
            return
        r = residual(rel, v)
        moves = [(p, -r) for p in rel.parts if p != start]
        if rel.total not in (start, system.group_total):
            moves.append((rel.total, r))
        for cell, delta in moves:
            before = v.get(cell, 0)
            if before + delta == 0:
                continue  # undoing an earlier move only cycles
            v[cell] = before + delta
            visit(v, depth - 1)
            if before:
                v[cell] = before
            else:
                del v[cell]

    visit(dict(seed), _BRANCH_DEPTH)
    return results


def primary_cells(
    counts: Mapping[Key, int], *, min_cell: int, persons: Mapping[Key, int] | None = None
) -> set[Key]:
    """Cells that show something about fewer than `min_cell` individuals.

    `persons` gives a lower bound of the individuals behind a count where it can differ from
    the count (a person with two enrolments counts twice in n); an empty cell reveals nobody.
    """
    hidden = set()
    for key, count in counts.items():
        people = count if persons is None else persons.get(key, count)
        if count > 0 and people < min_cell:
            hidden.add(key)
    return hidden


def _dim_values(groups: Iterable[Group], ndims: int) -> list[list[Any]]:
    values: list[dict[Any, None]] = [{} for _ in range(ndims)]
    for g in groups:
        for d, v in enumerate(g):
            if v is not TOTAL:
                values[d][v] = None
    return [list(v) for v in values]


class _Hypercube:
    """Chooses, per breakdown dimension, the partner of a cell's value so that the hypercube
    of corners hides as little new as possible. `weight(group)` is what hiding the pattern's
    cells in that group costs (0 if already hidden, infinite if the group is empty)."""

    def __init__(self, ndims: int, values: list[list[Any]]) -> None:
        self.ndims = ndims
        self.values = values

    def partners(self, g: Group, d: int, weight: Any) -> list[Any]:
        """Candidate partner values for dimension d, cheapest adjacent corner first; the
        margin is always among them (it exists whenever g does)."""
        a = g[d]
        options = self.values[d] if a is TOTAL else [b for b in self.values[d] if b != a]
        scored = []
        for b in options:
            w = weight((*g[:d], b, *g[d + 1 :]))
            if w < _INF:
                scored.append((w, b))
        scored.sort(key=lambda wb: wb[0])
        best = [b for _w, b in scored[:_CANDIDATES_PER_DIM]]
        if a is not TOTAL:
            best.append(TOTAL)
        return best

    def corners(self, g: Group, choice: Sequence[Any]) -> list[Group]:
        return [
            tuple(combo)
            for combo in itertools.product(*[(g[d], choice[d]) for d in range(self.ndims)])
        ]

    def cheapest(self, g: Group, weight: Any) -> tuple[float, list[Group]]:
        """A cheap hypercube through g: (cost, corner groups). Starts from each dimension's
        cheapest partner, then tries the other candidates one dimension at a time."""
        if self.ndims == 0:
            return weight(g), [g]
        per_dim = [self.partners(g, d, weight) for d in range(self.ndims)]
        if not all(per_dim):
            return _INF, []  # a margin whose every group lacks some cell of the pattern

        def evaluate(choice: Sequence[Any], limit: float) -> tuple[float, list[Group]]:
            corners = self.corners(g, choice)
            total = 0.0
            for corner in corners:
                total += weight(corner)
                if total >= limit:
                    return _INF, corners
            return total, corners

        choice = [options[0] for options in per_dim]
        best_cost, best_corners = evaluate(choice, _INF)
        for d, options in enumerate(per_dim):
            for option in options[1:]:
                trial = [*choice[:d], option, *choice[d + 1 :]]
                cost, corners = evaluate(trial, best_cost)
                if cost < best_cost:
                    best_cost, best_corners, choice = cost, corners, trial
        return best_cost, best_corners


def suppress_groups(
    counts: Mapping[Group, int],
    *,
    min_cell: int,
    persons: Mapping[Group, int] | None = None,
    forced: Iterable[Group] = (),
) -> set[Group]:
    """Level one: which groups (breakdown cells, margins included) to hide.

    `counts` holds every non-empty group and margin keyed by a tuple with `TOTAL` where a
    dimension is summed over (what `GROUP BY CUBE` returns). Absent groups are known zeros.
    The order of `counts` breaks ties, so give it in a canonical order: the same table must
    always hide the same cells, or two runs could together reveal them.
    """
    keys = list(counts)
    ndims = len(keys[0]) if keys else 0
    cube = _Hypercube(ndims, _dim_values(keys, ndims))
    position = {k: i for i, k in enumerate(keys)}
    todo = sorted(
        primary_cells(counts, min_cell=min_cell, persons=persons) | set(forced) & set(counts),
        key=position.__getitem__,
    )
    hidden: set[Group] = set(todo)
    covered: set[Group] = set()

    def weight(key: Group) -> float:
        if key in hidden:
            return 0
        return counts.get(key, _INF)

    for g in todo:
        if g in covered:
            continue
        cost, corners = cube.cheapest(g, weight)
        if cost == _INF:
            return set(keys)  # cannot happen with margins present; hiding all is always safe
        hidden.update(corners)
        covered.update(corners)
    return hidden


def suppress_categories(
    counts: Mapping[tuple[Group, str], int],
    *,
    system: CategorySystem,
    hidden_groups: Iterable[Group],
    min_cell: int,
    persons: Mapping[tuple[Group, str], int] | None = None,
    weights: Mapping[str, float] | None = None,
) -> set[tuple[Group, str]]:
    """Level two: which (group, category) cells to hide inside the groups that are shown.

    Every category of a hidden group is hidden (and free to use as a complement). `weights`
    says what hiding a category costs the reader (e.g. how many shown columns depend on it;
    0 for a category that is never shown itself); by default every category costs alike.
    Among valid patterns the one hiding the least weight, then the smallest counts, wins.
    Returns all hidden cells, those of hidden groups included.
    """
    groups = list(dict.fromkeys(g for g, _c in counts))
    ndims = len(groups[0]) if groups else 0
    cube = _Hypercube(ndims, _dim_values(groups, ndims))
    gone = set(hidden_groups)
    hidden: set[tuple[Group, str]] = {(g, c) for g in gone for c in system.categories}
    primary = primary_cells(counts, min_cell=min_cell, persons=persons)
    todo = [
        (g, c)
        for g in groups
        for c in system.categories
        if (g, c) in primary and g not in gone and c != system.group_total
    ]
    hidden.update(todo)
    covered: set[tuple[Group, str]] = set()
    shown_groups = set(groups) - gone

    def cost(key: tuple[Group, str]) -> float:
        if key in hidden:
            return 0
        if key[1] == system.group_total and key[0] in shown_groups:
            return _INF  # a shown group's n stays shown
        count = counts.get(key)
        if count is None:
            return _INF
        weight = 1.0 if weights is None else weights.get(key[1], 1.0)
        return weight * (1 + count) if weight else count / (1 + count)

    # What hiding a pattern's categories in a group costs, remembered until the group changes.
    memo: dict[Group, dict[int, float]] = {}

    def group_weight(key: Group, index: int, cats: list[str]) -> float:
        known = memo.setdefault(key, {})
        if index not in known:
            known[index] = sum(cost((key, cat)) for cat in cats)
        return known[index]

    for g, c in todo:
        if (g, c) in covered:
            continue
        best_cells: list[tuple[Group, str]] | None = None
        best_cost = _INF
        for pattern in system.patterns(c):
            cats = list(pattern)
            index = system.pattern_index(pattern)

            def weight(key: Group, index: int = index, cats: list[str] = cats) -> float:
                return group_weight(key, index, cats)

            total, corners = cube.cheapest(g, weight)
            if total < best_cost:
                best_cost = total
                best_cells = [(gk, cat) for gk in corners for cat in cats]
        if best_cells is None:
            # No pattern inside the group: hiding every category of every group is safe.
            return {(g2, c2) for g2 in groups for c2 in system.categories}
        hidden.update(best_cells)
        covered.update(best_cells)
        for gk, _cat in best_cells:
            memo.pop(gk, None)
    return hidden


# --- Building relations, and checking a result --------------------------------------------


def cube_relations(keys: Iterable[Group]) -> list[Relation]:
    """Relations of a breakdown table with margins: a key with `TOTAL` in a dimension is the
    sum of the present keys that differ from it only in that dimension."""
    keyset = set(keys)
    members: dict[tuple[Group, int], list[Group]] = {}
    for key in keyset:
        for d, value in enumerate(key):
            if value is TOTAL:
                continue
            parent = (*key[:d], TOTAL, *key[d + 1 :])
            if parent in keyset:
                members.setdefault((parent, d), []).append(key)
    return [Relation(parent, tuple(parts)) for (parent, _d), parts in members.items()]


def product_relations(
    groups: Sequence[Key],
    group_relations: Sequence[Relation],
    categories: Sequence[Key],
    category_relations: Sequence[Relation],
) -> list[Relation]:
    """Relations of a table whose cells are (group, category)."""
    relations = [
        Relation((rel.total, c), tuple((p, c) for p in rel.parts))
        for c in categories
        for rel in group_relations
    ]
    relations += [
        Relation((g, rel.total), tuple((g, p) for p in rel.parts))
        for g in groups
        for rel in category_relations
    ]
    return relations
