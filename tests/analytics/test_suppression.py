"""The suppression algorithm in insyn.core.suppression: primary cells are hidden, and no hidden
cell can be recovered from what is shown (checked by linear algebra, not by the algorithm)."""

from __future__ import annotations

import itertools
from collections import Counter

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from insyn.core.suppression import (
    TOTAL,
    CategorySystem,
    Relation,
    cube_relations,
    primary_cells,
    product_relations,
    suppress_categories,
    suppress_groups,
)
from insyn.core.suppression_check import derivable


def suppress(counts, relations, *, min_cell, persons=None, forced=()):
    """Group tables in these tests: the relations are the cube's own."""
    return suppress_groups(counts, min_cell=min_cell, persons=persons, forced=forced)


def two_level(counts, system, min_cell):
    """Groups first (on their n), then categories inside the groups that are shown."""
    n = {g: v for (g, c), v in counts.items() if c == system.group_total}
    gone = suppress_groups(n, min_cell=min_cell)
    return suppress_categories(counts, system=system, hidden_groups=gone, min_cell=min_cell)


def cube_counts(records: list[tuple]) -> dict[tuple, int]:
    """Counts of every group and every margin, as GROUP BY CUBE would give them."""
    counts: Counter[tuple] = Counter()
    ndims = len(records[0]) if records else 0
    for record in records:
        for mask in itertools.product([False, True], repeat=ndims):
            counts[tuple(TOTAL if m else v for v, m in zip(record, mask, strict=True))] += 1
    return dict(counts)


def exactly_recoverable(counts, relations, hidden) -> set:
    """Independent check: brute-force linear algebra with numpy's lstsq on the hidden cells."""
    return derivable(counts, relations, hidden)


def test_a_single_small_cell_takes_a_sibling_with_it():
    counts = cube_counts([("a",)] * 3 + [("b",)] * 10 + [("c",)] * 12)
    relations = cube_relations(counts)
    hidden = suppress(counts, relations, min_cell=5)
    assert ("a",) in hidden
    assert ("b",) in hidden  # the smallest sibling, so a = total - b - c is not possible
    assert (TOTAL,) not in hidden and ("c",) not in hidden
    assert exactly_recoverable(counts, relations, hidden) == set()


def test_a_lone_cell_hides_its_margin_too():
    counts = cube_counts([("a",)] * 3)
    relations = cube_relations(counts)
    assert suppress(counts, relations, min_cell=5) == {("a",), (TOTAL,)}


def test_two_way_table_hides_a_rectangle():
    records = (
        [("x", "k")] * 2
        + [("x", "m")] * 9
        + [("y", "k")] * 8
        + [("y", "m")] * 7
        + [("z", "k")] * 30
    )
    records += [("z", "m")] * 31
    counts = cube_counts(records)
    relations = cube_relations(counts)
    hidden = suppress(counts, relations, min_cell=5)
    assert ("x", "k") in hidden
    assert exactly_recoverable(counts, relations, hidden) == set()
    # every row and column with a hidden cell hides at least two
    for rel in relations:
        cells = [rel.total, *rel.parts]
        assert sum(c in hidden for c in cells) != 1


def test_naive_two_per_line_is_not_enough_and_the_checker_sees_it():
    """Sanity of the checker itself: a pattern with two hidden cells per line can still leak."""
    counts = {("a",): 3, ("b",): 10, (TOTAL,): 13}
    relations = cube_relations(counts)
    assert exactly_recoverable(counts, relations, {("a",)}) == {("a",)}
    assert exactly_recoverable(counts, relations, {("a",), ("b",)}) == set()


def test_persons_lower_bound_decides_primary_cells():
    counts = {("a",): 6, ("b",): 20}
    assert primary_cells(counts, min_cell=5) == set()
    assert primary_cells(counts, min_cell=5, persons={("a",): 4}) == {("a",)}
    assert primary_cells({("a",): 0}, min_cell=5) == set()


def test_forced_cells_are_protected_like_primary_ones():
    counts = cube_counts([("a",)] * 8 + [("b",)] * 10 + [("c",)] * 12)
    relations = cube_relations(counts)
    hidden = suppress(counts, relations, min_cell=5, forced=[("c",)])
    assert ("c",) in hidden and len(hidden) >= 2
    assert exactly_recoverable(counts, relations, hidden) == set()


def test_groups_times_categories():
    """A group's n splits into categories; the categories add up over the groups."""
    groups_counts = cube_counts([("a",)] * 12 + [("b",)] * 10 + [("c",)] * 11)
    groups = list(groups_counts)
    cats = ["n", "yes", "no"]
    split = {("a",): (2, 10), ("b",): (6, 4), ("c",): (7, 4)}
    counts = {}
    for g in groups:
        if g == (TOTAL,):
            yes = sum(v[0] for v in split.values())
            no = sum(v[1] for v in split.values())
        else:
            yes, no = split[g]
        counts[(g, "n")] = groups_counts[g]
        counts[(g, "yes")] = yes
        counts[(g, "no")] = no
    system = CategorySystem(tuple(cats), (Relation("n", ("yes", "no")),))
    relations = product_relations(groups, cube_relations(groups), cats, system.relations)
    hidden = two_level(counts, system, 5)
    assert {(("a",), "yes"), (("b",), "no"), (("c",), "no")} <= hidden
    assert (("a",), "n") not in hidden  # the groups themselves are large enough
    assert exactly_recoverable(counts, relations, hidden) == set()


def test_a_small_total_of_options_finds_the_option_that_holds_it():
    """Three of ten have a value, all three under option b: the pattern must run through b.
    The first search only tried option a (empty), found nothing and hid the whole table."""
    system = CategorySystem(
        ("n", "value", "novalue", "opt:a", "opt:b"),
        (Relation("n", ("value", "novalue")), Relation("value", ("opt:a", "opt:b"))),
    )
    groups = [("x",), ("y",), (TOTAL,)]
    split = {("x",): (3, 7, 0, 3), ("y",): (12, 3, 6, 6), (TOTAL,): (15, 10, 6, 9)}
    counts = {}
    for g in groups:
        value, novalue, a, b = split[g]
        counts.update({(g, "n"): value + novalue, (g, "value"): value, (g, "novalue"): novalue})
        counts.update({(g, "opt:a"): a, (g, "opt:b"): b})
    counts = {k: v for k, v in counts.items() if v}
    hidden = two_level(counts, system, 5)
    assert not any(c == "n" for _g, c in hidden)  # no group is lost
    assert {(("x",), "value"), (("x",), "opt:b")} <= hidden
    relations = product_relations(
        groups, cube_relations(groups), system.categories, system.relations
    )
    assert exactly_recoverable(counts, relations, hidden) == set()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.sampled_from("abcd"), st.sampled_from("kmx"), st.sampled_from("pq")),
        min_size=1,
        max_size=80,
    ),
    st.integers(min_value=2, max_value=6),
    st.integers(min_value=1, max_value=3),
)
def test_no_hidden_cell_is_ever_recoverable(records, min_cell, ndims):
    records = [r[:ndims] for r in records]
    counts = cube_counts(records)
    relations = cube_relations(counts)
    hidden = suppress(counts, relations, min_cell=min_cell)
    assert primary_cells(counts, min_cell=min_cell) <= hidden
    assert exactly_recoverable(counts, relations, hidden) == set()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.sampled_from("abc"), st.sampled_from("km"), st.sampled_from(["r", "s", "t"])),
        min_size=1,
        max_size=60,
    )
)
def test_linked_category_tree_is_protected(records):
    """n -> (answered -> options r, s), unanswered t: a two-level category tree per group."""
    groups_counts = cube_counts([r[:2] for r in records])
    groups = list(groups_counts)
    counts = {}
    for g in groups:
        rows = [
            r
            for r in records
            if all(gv is TOTAL or gv == rv for gv, rv in zip(g, r[:2], strict=True))
        ]
        c = Counter(r[2] for r in rows)
        counts[(g, "n")] = len(rows)
        counts[(g, "answered")] = c["r"] + c["s"]
        counts[(g, "r")], counts[(g, "s")], counts[(g, "t")] = c["r"], c["s"], c["t"]
    system = CategorySystem(
        ("n", "answered", "r", "s", "t"),
        (Relation("n", ("answered", "t")), Relation("answered", ("r", "s"))),
    )
    relations = product_relations(
        groups, cube_relations(groups), system.categories, system.relations
    )
    hidden = two_level(counts, system, 3)
    assert primary_cells(counts, min_cell=3) <= hidden
    assert exactly_recoverable(counts, relations, hidden) == set()


def _determined_by_rank(counts, relations, hidden) -> set:
    """Independent of suppression_check: a hidden cell is determined by the shown numbers
    when its unit vector lies in the row space of the relations restricted to hidden cells
    (adding it does not raise the rank)."""
    hidden = list(hidden)
    index = {cell: i for i, cell in enumerate(hidden)}
    rows = []
    for relation in relations:
        row = np.zeros(len(hidden))
        for part in relation.parts:
            if part in index:
                row[index[part]] += 1
        if relation.total in index:
            row[index[relation.total]] -= 1
        if row.any():
            rows.append(row)
    if not rows:
        return set()
    a = np.array(rows)
    rank = np.linalg.matrix_rank(a)
    out = set()
    for cell, i in index.items():
        unit = np.zeros(len(hidden))
        unit[i] = 1
        if np.linalg.matrix_rank(np.vstack([a, unit])) == rank:
            out.add(cell)
    return out


def test_derivable_on_hand_built_hidden_sets():
    """a + b + c = total: one hidden cell is determined, two are not, and a hidden total with
    one hidden part is determined again only through the parts that are shown."""
    counts = {("a",): 3, ("b",): 10, ("c",): 4, (TOTAL,): 17}
    relations = cube_relations(counts)
    cases = {
        (("a",),): {("a",)},
        (("a",), ("c",)): set(),
        (("a",), ("b",), ("c",)): set(),
        (("a",), (TOTAL,)): set(),
        (("a",), ("b",), ("c",), (TOTAL,)): set(),
    }
    for hidden, want in cases.items():
        assert derivable(counts, relations, list(hidden)) == want, hidden
        assert _determined_by_rank(counts, relations, hidden) == want, hidden


def test_derivable_agrees_with_an_independent_rank_test_on_a_two_way_table():
    records = [("x", "k")] * 2 + [("x", "m")] * 9 + [("y", "k")] * 8 + [("y", "m")] * 7
    counts = cube_counts(records)
    relations = cube_relations(counts)
    cells = sorted(counts, key=repr)
    for size in (1, 2, 3, 4):
        for hidden in itertools.combinations(cells, size):
            assert derivable(counts, relations, list(hidden)) == _determined_by_rank(
                counts, relations, hidden
            ), hidden


def test_same_input_order_same_output():
    """Callers pass a canonical order; with it the result never varies between runs."""
    records = [("a", "k")] * 2 + [("b", "k")] * 7 + [("b", "m")] * 3 + [("c", "m")] * 9
    counts = cube_counts(records)
    first = suppress_groups(counts, min_cell=5)
    for _ in range(5):
        assert suppress_groups(dict(counts), min_cell=5) == first
