"""`aggregate()`: the one path from a question to a suppressed group table.

The web page, the API, the CLI and reports all call it. It validates the request against the
programme's design, reads the frame partitions the caller's scope covers, counts every
category of every group (breakdown cells and all margins) in one DuckDB `GROUP BY CUBE`,
adds medians and Wilcoxon tests from per-group frequency tables, computes intervals, and
hides what suppression says must be hidden. Nothing leaves it unsuppressed.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from insyn.analytics import stats
from insyn.analytics.dimensions import DIMENSIONS, AgeBin, Dimension, parse_age_bins
from insyn.analytics.frames import store
from insyn.analytics.frames.build import ident, lit
from insyn.analytics.plan import Column, Plan, category_values, make_plan, rows_and_stats
from insyn.analytics.specs import ProgrammeSpec, SpecError, VariableSpec, load_spec
from insyn.core.roles import Action
from insyn.core.scoping import granted_paths
from insyn.core.suppression import (
    TOTAL,
    CategorySystem,
    Relation,
    cube_relations,
    product_relations,
    suppress_categories,
    suppress_groups,
)
from insyn.followup.models import NonResponseReason, Variable

T = Variable.Type
MAX_DIMENSIONS = 3
NOT_SENSITIVE = 2**62  # as many persons as it takes never to be hidden for itself
DEFAULT_AGE_BINS = "0-17,18-24,25-44,45-64,65-"
CAVEAT = gettext_noop(
    "Follow-up describes change among the clients followed up, not the effect of the "
    "intervention: without a comparison group, other causes cannot be ruled out."
)


class AnalysisError(ValueError):
    """A request that cannot be answered, with a message for the person who asked."""


@dataclass(frozen=True)
class Scope:
    """Whose data: org paths (subtrees), or None for the system itself (CLI, reports)."""

    paths: tuple[str, ...] | None

    @classmethod
    def system(cls) -> Scope:
        return cls(None)

    @classmethod
    def for_user(cls, user: Any, action: Action = Action.VIEW_AGGREGATE) -> Scope:
        return cls(tuple(granted_paths(user, action)))

    def municipality_ids(self) -> set[int] | None:
        if self.paths is None:
            return None
        from insyn.organisations.models import OrgUnit

        return {
            pk
            for pk, path in OrgUnit.objects.filter(kind=OrgUnit.Kind.MUNICIPALITY).values_list(
                "pk", "path"
            )
            if any(path.startswith(p) or p.startswith(path) for p in self.paths)
        }


@dataclass(frozen=True)
class AnalysisRequest:
    programme: str
    variable: str
    stage: str | None = None
    compare: tuple[str, str] | None = None
    by: tuple[str, ...] = ()
    age_bins: tuple[AgeBin, ...] = tuple(parse_age_bins(DEFAULT_AGE_BINS))
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    units: tuple[int, ...] = ()  # org unit ids: their subtrees
    versions: tuple[int, ...] = ()


@dataclass
class Row:
    group: tuple[Any, ...]
    values: dict[str, Any]
    suppressed: bool

    @property
    def is_leaf(self) -> bool:
        return all(v is not TOTAL for v in self.group)


@dataclass
class AnalysisResult:
    request: AnalysisRequest
    programme: ProgrammeSpec
    variable: VariableSpec
    dimensions: list[Dimension]
    columns: list[Column]
    rows: list[Row]
    mode: str
    min_cell: int
    notes: list[str] = field(default_factory=list)

    @property
    def caveat(self) -> str:
        return gettext(CAVEAT)

    def total(self) -> Row | None:
        return next((r for r in self.rows if all(v is TOTAL for v in r.group)), None)


# --- Validation ---------------------------------------------------------------------------


def validate(request: AnalysisRequest) -> None:
    """Raise AnalysisError if the request cannot be answered (without answering it)."""
    _validate(request)


def _validate(request: AnalysisRequest) -> tuple[ProgrammeSpec, VariableSpec, str | None]:
    try:
        spec = load_spec(request.programme)
    except SpecError as exc:
        raise AnalysisError(str(exc)) from exc
    if spec is None:
        raise AnalysisError(
            gettext("There is no programme with the key %(key)s.") % {"key": request.programme}
        )
    variable = spec.variable(request.variable)
    if variable is None:
        raise AnalysisError(
            gettext("The programme %(p)s has no variable %(v)s. Variables: %(all)s.")
            % {
                "p": spec.key,
                "v": request.variable,
                "all": ", ".join(v.key for v in spec.variables if v.type != T.DATE),
            }
        )
    if variable.type == T.DATE:
        raise AnalysisError(
            gettext("%(v)s is a date; dates are not summarised (export the frame instead).")
            % {"v": variable.key}
        )
    stages = list(variable.stages)
    stage = request.stage
    if request.compare and request.stage:
        raise AnalysisError(gettext("Give either a stage or two stages to compare, not both."))
    if request.compare:
        if not variable.is_numeric:
            raise AnalysisError(
                gettext("Before and after can only be compared for a numeric variable.")
            )
        for key in request.compare:
            if key not in stages:
                raise AnalysisError(
                    gettext("%(v)s is not measured at the stage %(s)s. Stages: %(all)s.")
                    % {"v": variable.key, "s": key, "all": ", ".join(stages)}
                )
        if request.compare[0] == request.compare[1]:
            raise AnalysisError(gettext("Compare two different stages."))
        stage = None
    else:
        if stage is None:
            if not stages:
                raise AnalysisError(
                    gettext("%(v)s is not measured at any stage.") % {"v": variable.key}
                )
            stage = stages[0]
        elif stage not in stages:
            raise AnalysisError(
                gettext("%(v)s is not measured at the stage %(s)s. Stages: %(all)s.")
                % {"v": variable.key, "s": stage, "all": ", ".join(stages)}
            )
    if len(request.by) > MAX_DIMENSIONS:
        raise AnalysisError(gettext("At most three breakdowns."))
    for key in request.by:
        if key not in DIMENSIONS:
            raise AnalysisError(
                gettext("Unknown breakdown %(d)s. Breakdowns: %(all)s.")
                % {"d": key, "all": ", ".join(DIMENSIONS)}
            )
    if len(set(request.by)) != len(request.by):
        raise AnalysisError(gettext("Each breakdown can be chosen once."))
    if request.date_from and request.date_to and request.date_from > request.date_to:
        raise AnalysisError(gettext("The period ends before it starts."))
    unknown = set(request.versions) - set(spec.versions.values())
    if unknown:
        raise AnalysisError(
            gettext("The programme has no version %(v)s.")
            % {"v": ", ".join(str(v) for v in sorted(unknown))}
        )
    return spec, variable, stage


# --- The query ----------------------------------------------------------------------------


def _where(request: AnalysisRequest, scope: Scope, unit_paths: Sequence[str]) -> str:
    clauses = []
    if scope.paths is not None:
        clauses.append(
            "(" + " OR ".join(f"starts_with(unit_path, {lit(p)})" for p in scope.paths) + ")"
            if scope.paths
            else "FALSE"
        )
    if unit_paths:
        clauses.append(
            "(" + " OR ".join(f"starts_with(unit_path, {lit(p)})" for p in unit_paths) + ")"
        )
    if request.versions:
        clauses.append(f"programme_version IN ({', '.join(str(int(v)) for v in request.versions)})")
    if request.date_from:
        clauses.append(f"start_date >= DATE {lit(request.date_from.isoformat())}")
    if request.date_to:
        clauses.append(f"start_date <= DATE {lit(request.date_to.isoformat())}")
    return " AND ".join(clauses) or "TRUE"


def _grouping(ndims: int) -> tuple[str, str]:
    dims = [f"d{i}" for i in range(ndims)]
    if not dims:
        return "0 AS g", ""
    return (
        f"GROUPING({', '.join(dims)}) AS g, {', '.join(dims)}",
        f"GROUP BY CUBE ({', '.join(dims)})",
    )


def _grouping_sets(ndims: int, extra: str) -> str:
    dims = [f"d{i}" for i in range(ndims)]
    sets = []
    for size in range(ndims, -1, -1):
        for subset in itertools.combinations(dims, size):
            sets.append("(" + ", ".join([*subset, extra]) + ")")
    return "GROUP BY GROUPING SETS (" + ", ".join(sets) + ")"


def _key(ndims: int, g: int, values: Sequence[Any]) -> tuple[Any, ...]:
    return tuple(TOTAL if g & (1 << (ndims - 1 - i)) else values[i] for i in range(ndims))


@dataclass
class Audit:
    """Every cell of a result (shown or not), how they add up, and which are hidden: for
    verifying suppression (tests, audits). Never rendered."""

    counts: dict[tuple[tuple[Any, ...], str], int]
    groups: list[tuple[Any, ...]]
    system: CategorySystem
    hidden: set[tuple[tuple[Any, ...], str]]

    @property
    def relations(self) -> list[Relation]:
        return product_relations(
            self.groups, cube_relations(self.groups), self.system.categories, self.system.relations
        )


def aggregate(request: AnalysisRequest, *, scope: Scope) -> AnalysisResult:
    """Answer `request` for `scope`, suppressed. Raises AnalysisError for a bad request."""
    return _run(request, scope)[0]


def audit(request: AnalysisRequest, *, scope: Scope) -> tuple[AnalysisResult, Audit]:
    """The result and its full cell table, for checking that nothing hidden is derivable."""
    return _run(request, scope)


def _run(request: AnalysisRequest, scope: Scope) -> tuple[AnalysisResult, Audit]:
    spec, variable, stage = _validate(request)
    dims = [DIMENSIONS[key] for key in request.by]
    unit_paths, unit_municipalities = _units(request.units)
    municipalities = scope.municipality_ids()
    if unit_municipalities is not None:
        municipalities = (
            unit_municipalities if municipalities is None else municipalities & unit_municipalities
        )
    reasons = list(
        NonResponseReason.objects.order_by("sort_order", "code").values_list("code", flat=True)
    )
    today = lit(timezone.localdate().isoformat())
    plan = make_plan(variable, stage=stage, compare=request.compare, reasons=reasons, today=today)
    bins = list(request.age_bins)
    select = [f"{d.sql(bins)} AS d{i}" for i, d in enumerate(dims)]
    select += [f"{expr} AS {alias}" for alias, expr in plan.inputs.items()]
    frame = store.frame(spec, municipalities)
    source = (
        f"SELECT *, {', '.join(select)} FROM {frame.source_sql()} "  # noqa: S608
        f"WHERE {_where(request, scope, unit_paths)}"
        if select
        else f"SELECT * FROM {frame.source_sql()} WHERE {_where(request, scope, unit_paths)}"  # noqa: S608
    )
    con = store.reader()
    records = _cube(con, source, plan, len(dims))
    extras = _frequencies(con, source, plan, len(dims))
    rows, cells = _rows(plan, records, extras, len(dims))
    notes = []
    if plan.mode == "compare" and variable.direction not in ("lower", "higher"):
        notes.append(gettext("The variable has no direction, so improved/worsened are not shown."))
    result = AnalysisResult(
        request=request,
        programme=spec,
        variable=variable,
        dimensions=dims,
        columns=plan.columns,
        rows=_sorted(rows),
        mode=plan.mode,
        min_cell=settings.INSYN_MIN_CELL,
        notes=notes,
    )
    return result, cells


def _units(unit_ids: Sequence[int]) -> tuple[list[str], set[int] | None]:
    if not unit_ids:
        return [], None
    from insyn.organisations.models import OrgUnit

    units = list(OrgUnit.objects.filter(pk__in=unit_ids))
    if len(units) != len(set(unit_ids)):
        raise AnalysisError(gettext("Unknown unit."))
    paths = [u.path for u in units]
    municipalities = {
        pk
        for pk, path in OrgUnit.objects.filter(kind=OrgUnit.Kind.MUNICIPALITY).values_list(
            "pk", "path"
        )
        if any(path.startswith(p) or p.startswith(path) for p in paths)
    }
    return paths, municipalities


def _execute(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[list[str], list[tuple]]:
    relation = con.sql(sql)
    return relation.columns, relation.fetchall()


def _cube(con: duckdb.DuckDBPyConnection, source: str, plan: Plan, ndims: int) -> list[dict]:
    heads, group_by = _grouping(ndims)
    aggregates = [
        *rows_and_stats(plan),
        ("single", "count(*) FILTER (WHERE client_enrollments <= 1)"),
        ("multi", "count(*) FILTER (WHERE client_enrollments > 1)"),
        ("kmax", "max(client_enrollments)"),
    ]
    body = ", ".join(f"{sql} AS {ident(alias)}" for alias, sql in aggregates)
    sql = f"WITH f AS ({source}) SELECT {heads}, {body} FROM f {group_by}"  # noqa: S608
    try:
        columns, rows = _execute(con, sql)
    except duckdb.IOException:  # a partition replaced under our feet: read again
        columns, rows = _execute(con, sql)
    return [dict(zip(columns, row, strict=True)) for row in rows]


def _frequencies(
    con: duckdb.DuckDBPyConnection, source: str, plan: Plan, ndims: int
) -> dict[tuple[Any, ...], dict[str, Any]]:
    """Medians (one stage) or Wilcoxon p (compare) per group, from frequency tables."""
    dims = ", ".join(f"d{i}" for i in range(ndims))
    grouping = f"GROUPING({dims})" if ndims else "0"
    head = f"{grouping} AS g{', ' + dims if ndims else ''}"
    out: dict[tuple[Any, ...], dict[str, Any]] = {}
    if plan.mode == "stage" and "mean" in plan.stats:
        sql = (
            f"WITH f AS ({source}) SELECT {head}, x AS v, count(*) AS c FROM f "  # noqa: S608
            f"WHERE x IS NOT NULL {_grouping_sets(ndims, 'x')}"
        )
        data = con.sql(sql).fetchnumpy()
        for key, idx in _groups(data, ndims):
            values, counts = data["v"][idx], data["c"][idx]
            out.setdefault(key, {})["median"] = _median(values, counts)
    elif plan.mode == "compare":
        sql = (
            f"WITH f AS ({source}), p AS (SELECT *, abs(xb - xa) AS m FROM f WHERE pair) "  # noqa: S608
            f"SELECT {head}, m, count(*) FILTER (WHERE xb > xa) AS pos, "
            f"count(*) FILTER (WHERE xb < xa) AS neg, count(*) FILTER (WHERE xb = xa) AS z "
            f"FROM p {_grouping_sets(ndims, 'm')}"
        )
        data = con.sql(sql).fetchnumpy()
        for key, idx in _groups(data, ndims):
            m, pos, neg, z = data["m"][idx], data["pos"][idx], data["neg"][idx], data["z"][idx]
            nonzero = m != 0
            out.setdefault(key, {})["wilcoxon_p"] = stats.wilcoxon_p(
                m[nonzero], pos[nonzero], neg[nonzero], int(z.sum())
            )
    return out


def _groups(data: dict[str, Any], ndims: int) -> list[tuple[tuple[Any, ...], np.ndarray]]:
    g = np.asarray(data["g"])
    if len(g) == 0:
        return []
    columns = [list(np.asarray(data[f"d{i}"], dtype=object)) for i in range(ndims)]
    masks = [np.ma.getmaskarray(data[f"d{i}"]) for i in range(ndims)]
    buckets: dict[tuple[Any, ...], list[int]] = {}
    for row in range(len(g)):
        values = [None if masks[i][row] else _plain(columns[i][row]) for i in range(ndims)]
        buckets.setdefault(_key(ndims, int(g[row]), values), []).append(row)
    return [(k, np.asarray(v)) for k, v in buckets.items()]


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return value


def _median(values: np.ndarray, counts: np.ndarray) -> float | None:
    order = np.argsort(values, kind="stable")
    values = np.asarray(values, dtype=float)[order]
    counts = np.asarray(counts, dtype=np.int64)[order]
    total = int(counts.sum())
    if total == 0:
        return None
    cumulative = np.cumsum(counts)
    low = values[np.searchsorted(cumulative, (total + 1) // 2)]
    high = values[np.searchsorted(cumulative, total // 2 + 1)]
    return float((low + high) / 2)


def _number(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _rows(
    plan: Plan,
    records: list[dict],
    extras: dict[tuple[Any, ...], dict[str, Any]],
    ndims: int,
) -> tuple[list[Row], Audit]:
    min_cell = settings.INSYN_MIN_CELL
    by_key: dict[tuple[Any, ...], dict] = {}
    for record in records:
        key = _key(ndims, int(record["g"]), [record.get(f"d{i}") for i in range(ndims)])
        by_key[key] = record
    # A canonical order: suppression must not depend on the order DuckDB returned groups in,
    # or two runs of one query could hide different cells and together reveal them.
    by_key = {k: by_key[k] for k in sorted(by_key, key=_group_order)}
    persons: dict[tuple[Any, ...], int] = {}
    for key, r in by_key.items():
        multi, kmax = int(r["multi"]), max(int(r["kmax"] or 1), 2)
        persons[key] = int(r["single"]) + math.ceil(multi / kmax)
    n = {key: int(r["c0"]) for key, r in by_key.items()}
    hidden_groups = suppress_groups(n, min_cell=min_cell, persons=persons)
    system = CategorySystem(tuple(c.name for c in plan.categories), tuple(plan.relations))
    cells: dict[tuple[tuple[Any, ...], str], int] = {}
    cell_persons: dict[tuple[tuple[Any, ...], str], int] = {}
    for key, r in by_key.items():
        duplicates = n[key] - persons[key]
        for i, category in enumerate(plan.categories):
            count = int(r[f"c{i}"] or 0)
            cells[(key, category.name)] = count
            behind = int(r[f"p{i}"] or 0) if category.persons_sql else count
            cell_persons[(key, category.name)] = (
                max(0, behind - duplicates) if category.sensitive else NOT_SENSITIVE
            )
    hidden = suppress_categories(
        cells,
        system=system,
        hidden_groups=hidden_groups,
        min_cell=min_cell,
        persons=cell_persons,
        weights=plan.weights(),
    )
    rows = []
    for key, r in by_key.items():
        if key in hidden_groups:
            rows.append(Row(key, {c.key: None for c in plan.columns}, True))
            continue
        counts = category_values(plan, r)
        shown = {name: (None if (key, name) in hidden else v) for name, v in counts.items()}
        values = _measures(plan, r, shown, extras.get(key, {}))
        for column in plan.columns:
            if column.category is not None and shown.get(column.category) is None:
                values[column.key] = None
        rows.append(Row(key, {c.key: values.get(c.key) for c in plan.columns}, False))
    return rows, Audit(cells, list(by_key), system, hidden)


def _measures(
    plan: Plan, r: dict, shown: dict[str, int | None], extra: dict[str, Any]
) -> dict[str, Any]:
    v: dict[str, Any] = {}
    for column in plan.columns:
        k = shown.get(column.category) if column.category else None
        base = shown.get(column.base) if column.base else None
        if column.kind == "count":
            v[column.key] = k
        elif column.kind == "share":
            v[column.key] = stats.share(k, base)
        elif column.kind == "share_low":
            v[column.key] = stats.wilson(k, base)[0]
        elif column.kind == "share_high":
            v[column.key] = stats.wilson(k, base)[1]
    if plan.mode == "stage" and "mean" in plan.stats:
        v["mean"] = _number(r.get("s_mean"))
        v["sd"] = _number(r.get("s_sd"))
        v["median"] = extra.get("median")
    if plan.mode == "compare":
        for name in ("mean_before", "mean_after", "mean_change"):
            v[name] = _number(r.get(f"s_{name}"))
        low, high = stats.t_interval(
            v["mean_change"], _number(r.get("s_sd_change")), shown["pairs"]
        )
        v["change_ci_low"], v["change_ci_high"] = low, high
        v["wilcoxon_p"] = extra.get("wilcoxon_p")
    return v


def _sort_value(value: Any) -> tuple[int, Any]:
    if value is TOTAL:
        return (2, "")
    if value is None:
        return (1, "")
    return (0, value if isinstance(value, int | float) else str(value))


def _group_order(group: tuple[Any, ...]) -> tuple[tuple[int, Any], ...]:
    return tuple(_sort_value(v) for v in group)


def _sorted(rows: list[Row]) -> list[Row]:
    return sorted(rows, key=lambda r: _group_order(r.group))
