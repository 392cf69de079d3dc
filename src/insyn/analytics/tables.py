"""From grouped rows to group tables, in NumPy: every breakdown cell and every margin.

DuckDB groups the frame once on the breakdowns plus a few low-cardinality keys; here those
rows are summed into each group of each grouping set (all 2^k combinations of breakdowns
kept or summed over). Counts and persons are additive, so margins are exact sums; means,
medians, standard deviations and Wilcoxon tests come from frequency tables of the values
(value → count per group), which add up the same way.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from insyn.analytics import stats
from insyn.analytics.plan import Plan
from insyn.core.suppression import TOTAL

Group = tuple[Any, ...]


def _encode(column: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, list[Any]]:
    """Integer codes (missing → the last code) and the values they stand for."""
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    encoded = array.dictionary_encode()
    values = [*encoded.dictionary.to_pylist(), None]
    codes = encoded.indices.fill_null(len(values) - 1).to_numpy(zero_copy_only=False)
    return codes.astype(np.int64), values


class GroupSets:
    """The grouping sets of a table's breakdown columns d0, d1, …"""

    def __init__(self, table: pa.Table, ndims: int) -> None:
        self.ndims = ndims
        self.rows = table.num_rows
        encoded = [_encode(table.column(f"d{i}")) for i in range(ndims)]
        self.codes = [c for c, _v in encoded]
        self.values = [v for _c, v in encoded]

    def sets(self) -> Iterator[tuple[np.ndarray, list[Group]]]:
        """For each grouping set: each row's group index, and the groups' keys."""
        for kept in itertools.product([True, False], repeat=self.ndims):
            combined = np.zeros(self.rows, dtype=np.int64)
            dims = [d for d in range(self.ndims) if kept[d]]
            for d in dims:
                combined = combined * len(self.values[d]) + self.codes[d]
            unique, inverse = np.unique(combined, return_inverse=True)
            keys = []
            for code in unique.tolist():
                parts: dict[int, Any] = {}
                for d in reversed(dims):
                    size = len(self.values[d])
                    parts[d] = self.values[d][code % size]
                    code //= size
                keys.append(tuple(parts[d] if kept[d] else TOTAL for d in range(self.ndims)))
            yield inverse.reshape(-1), keys


@dataclass
class Counts:
    """Per group: every category's count and a lower bound of the persons behind it."""

    counts: dict[Group, dict[str, int]]
    persons: dict[Group, dict[str, int]]


def _column(table: pa.Table, name: str) -> np.ndarray:
    return table.column(name).to_numpy(zero_copy_only=False)


def category_counts(table: pa.Table, plan: Plan, ndims: int) -> Counts:
    """Counts of the plan's categories for every group, from the grouped frame rows.

    A person with several enrolments can appear in several rows, so persons are bounded from
    below: enrolments of clients with one enrolment count fully, the others as
    ceil(count / most enrolments of one client).
    """
    table = table.combine_chunks()
    keys = {a: np.array(table.column(a).to_pylist(), dtype=object) for a in plan.keys}
    for alias, derive in plan.derived.items():
        keys[alias] = derive(keys)
    rows = _column(table, "rows").astype(np.int64)
    multi = _column(table, "multi").astype(bool)
    kmax = _column(table, "kmax").astype(np.int64)
    names = [c.name for c in plan.categories]
    value = np.empty((len(rows), len(names)), dtype=np.int64)
    people = np.empty_like(value)
    for j, category in enumerate(plan.categories):
        if category.goal is not None:
            value[:, j] = _column(table, f"g_{category.goal}")
            people[:, j] = _column(table, f"a_{category.goal}")
        else:
            mask = np.ones(len(rows), dtype=bool) if category.test is None else category.test(keys)
            value[:, j] = rows * mask
            people[:, j] = value[:, j]
    single = people * ~multi[:, None]
    several = people * multi[:, None]
    counts: dict[Group, dict[str, int]] = {}
    persons: dict[Group, dict[str, int]] = {}
    for inverse, groups in GroupSets(table, ndims).sets():
        order = np.argsort(inverse, kind="stable")
        starts = np.concatenate([[0], np.flatnonzero(np.diff(inverse[order])) + 1])
        if len(order) == 0:
            continue
        total = np.add.reduceat(value[order], starts, axis=0)
        lone = np.add.reduceat(single[order], starts, axis=0)
        shared = np.add.reduceat(several[order], starts, axis=0)
        most = np.maximum(np.maximum.reduceat(kmax[order], starts), 2)
        bound = lone + np.ceil(shared / most[:, None]).astype(np.int64)
        for i, group in enumerate(groups):
            counts[group] = dict(zip(names, total[i].tolist(), strict=True))
            persons[group] = dict(zip(names, bound[i].tolist(), strict=True))
    return Counts(counts, persons)


def _slices(inverse: np.ndarray, order: np.ndarray) -> Iterator[tuple[int, np.ndarray]]:
    """(group index, row indices) for each group, rows in `order`."""
    ordered = inverse[order]
    if len(ordered) == 0:
        return
    starts = np.flatnonzero(np.diff(ordered)) + 1
    for chunk in np.split(order, starts):
        yield int(inverse[chunk[0]]), chunk


def value_stats(table: pa.Table, ndims: int) -> dict[Group, dict[str, Any]]:
    """Mean, median and standard deviation per group from (breakdowns, v, c) rows."""
    out: dict[Group, dict[str, Any]] = {}
    if table.num_rows == 0:
        return out
    table = table.combine_chunks()
    v = _column(table, "v").astype(float)
    c = _column(table, "c").astype(np.int64)
    for inverse, groups in GroupSets(table, ndims).sets():
        order = np.lexsort((v, inverse))
        for g, idx in _slices(inverse, order):
            values, counts = v[idx], c[idx]
            n = int(counts.sum())
            mean = float((values * counts).sum() / n)
            sd = (
                math.sqrt(float((counts * (values - mean) ** 2).sum()) / (n - 1)) if n > 1 else None
            )
            cumulative = np.cumsum(counts)
            low = values[np.searchsorted(cumulative, (n + 1) // 2)]
            high = values[np.searchsorted(cumulative, n // 2 + 1)]
            out[groups[g]] = {"mean": mean, "sd": sd, "median": float((low + high) / 2)}
    return out


def paired_stats(table: pa.Table, ndims: int) -> dict[Group, dict[str, Any]]:
    """Means before/after, mean change with its t interval and Wilcoxon p per group, from
    (breakdowns, a, b, c) rows of the pairs."""
    out: dict[Group, dict[str, Any]] = {}
    if table.num_rows == 0:
        return out
    table = table.combine_chunks()
    a = _column(table, "a").astype(float)
    b = _column(table, "b").astype(float)
    c = _column(table, "c").astype(np.int64)
    d = b - a
    for inverse, groups in GroupSets(table, ndims).sets():
        order = np.argsort(inverse, kind="stable")
        for g, idx in _slices(inverse, order):
            counts, diff = c[idx], d[idx]
            n = int(counts.sum())
            change = float((diff * counts).sum() / n)
            sd = (
                math.sqrt(float((counts * (diff - change) ** 2).sum()) / (n - 1)) if n > 1 else None
            )
            low, high = stats.t_interval(change, sd, n)
            magnitude = np.abs(diff)
            distinct, where = np.unique(magnitude, return_inverse=True)
            where = where.reshape(-1)
            positive = np.bincount(where, weights=counts * (diff > 0), minlength=len(distinct))
            negative = np.bincount(where, weights=counts * (diff < 0), minlength=len(distinct))
            zeros = int(counts[diff == 0].sum())
            nonzero = distinct != 0
            out[groups[g]] = {
                "mean_before": float((a[idx] * counts).sum() / n),
                "mean_after": float((b[idx] * counts).sum() / n),
                "mean_change": change,
                "change_ci_low": low,
                "change_ci_high": high,
                "wilcoxon_p": stats.wilcoxon_p(
                    distinct[nonzero], positive[nonzero], negative[nonzero], zeros
                ),
            }
    return out
