"""`aggregate()`: the one path from a question to a suppressed group table.

The web page, the API, the CLI and reports all call it. It validates the request against the
programme's design, reads the frame partitions the caller's scope covers, groups them in
DuckDB on the breakdowns and a few keys (one `GROUP BY`), derives every category of every
group and every margin with NumPy (`tables`), adds means, medians, intervals and Wilcoxon
tests from frequency tables of the values, and hides what suppression says must be hidden.
Nothing leaves it unsuppressed.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb
from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language, gettext, gettext_noop

from insyn.analytics import stats, tables
from insyn.analytics.dimensions import DIMENSIONS, AgeBin, Dimension, parse_age_bins
from insyn.analytics.frames import store
from insyn.analytics.frames.build import ident, lit
from insyn.analytics.plan import GOAL_COLUMNS, Column, Plan, make_plan
from insyn.analytics.scope import Scope
from insyn.analytics.specs import ProgrammeSpec, SpecError, VariableSpec, load_spec
from insyn.core import context
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
ASSESSED = "(goals_achieved + goals_partly + goals_not)"
NOT_SENSITIVE = 2**62  # as many persons as it takes never to be hidden for itself
DEFAULT_AGE_BINS = "0-17,18-24,25-44,45-64,65-"
CAVEAT = gettext_noop(
    "Follow-up describes change among the clients followed up, not the effect of the "
    "intervention: without a comparison group, other causes cannot be ruled out."
)


class AnalysisError(ValueError):
    """A request that cannot be answered, with a message for the person who asked."""


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
    reasons = context.memoised(
        "analytics.nonresponse_codes",
        lambda: list(
            NonResponseReason.objects.order_by("sort_order", "code").values_list("code", flat=True)
        ),
    )
    today = lit(timezone.localdate().isoformat())
    plan = make_plan(variable, stage=stage, compare=request.compare, reasons=reasons, today=today)
    bins = list(request.age_bins)
    frame = store.frame(spec, municipalities)
    memo_key = (
        request,
        scope.paths,
        tuple(frame.files),
        today,
        tuple(reasons),
        settings.INSYN_MIN_CELL,
        spec.fingerprint,
        get_language(),
    )
    remembered = _remembered(memo_key)
    if remembered is not None:
        return remembered
    con = store.reader()
    source = _source(frame.source_sql(), _where(request, scope, unit_paths), dims, bins, plan)
    try:
        counts, values = _query(con, source, plan, len(dims))
    except duckdb.IOException:  # a partition replaced under our feet: read again
        frame = store.frame(spec, municipalities)
        source = _source(frame.source_sql(), _where(request, scope, unit_paths), dims, bins, plan)
        counts, values = _query(con, source, plan, len(dims))
    rows, cells = _rows(plan, counts, values)
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
    _remember(memo_key, (result, cells))
    return result, cells


# Recent results per process: the page, its chart images and downloads ask the same question
# within seconds. Keyed by the frame files, so any change of data is a different key.
_memo: OrderedDict[tuple[Any, ...], tuple[AnalysisResult, Audit]] = OrderedDict()
_memo_lock = threading.Lock()


def _remembered(key: tuple[Any, ...]) -> tuple[AnalysisResult, Audit] | None:
    with _memo_lock:
        found = _memo.get(key)
        if found is not None:
            _memo.move_to_end(key)
        return found


def _remember(key: tuple[Any, ...], value: tuple[AnalysisResult, Audit]) -> None:
    size = settings.INSYN_ANALYTICS_RESULT_CACHE
    if size <= 0:
        return
    with _memo_lock:
        _memo[key] = value
        while len(_memo) > size:
            _memo.popitem(last=False)


def forget_results() -> None:
    with _memo_lock:
        _memo.clear()


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


def _source(parquet: str, where: str, dims: list[Dimension], bins: list[AgeBin], plan: Plan) -> str:
    """The frame rows of the request: breakdowns d0…, the plan's keys, values and goals."""
    select = [f"{d.sql(bins)} AS d{i}" for i, d in enumerate(dims)]
    select += [f"{expr} AS {ident('k_' + alias)}" for alias, expr in plan.keys.items()]
    select += ["client_enrollments"]
    select += [ident(c) for c in GOAL_COLUMNS]
    if plan.value:
        select.append(f"{plan.value} AS v")
    if plan.pair:
        select += [f"{plan.pair[0]} AS a", f"{plan.pair[1]} AS b"]
    return f"SELECT {', '.join(select)} FROM {parquet} WHERE {where}"  # noqa: S608


def _query(
    con: duckdb.DuckDBPyConnection, source: str, plan: Plan, ndims: int
) -> tuple[tables.Counts, dict[tuple[Any, ...], dict[str, Any]]]:
    dims = [f"d{i}" for i in range(ndims)]
    keys = [f"{ident('k_' + alias)} AS {ident(alias)}" for alias in plan.keys]
    goals = []
    # Sums as BIGINT: DuckDB's default HUGEINT would reach NumPy as slow Python decimals.
    for column, expr in [*((c, ident(c)) for c in GOAL_COLUMNS), ("goals_assessed", ASSESSED)]:
        goals.append(f"CAST(sum({expr}) AS BIGINT) AS {ident('g_' + column)}")
        goals.append(f"CAST(sum(CAST({expr} > 0 AS INTEGER)) AS BIGINT) AS {ident('a_' + column)}")
    head = ", ".join([*dims, *keys, "client_enrollments > 1 AS multi"])
    fine = con.sql(
        f"WITH f AS ({source}) SELECT {head}, count(*) AS rows, "  # noqa: S608
        f"max(client_enrollments) AS kmax, {', '.join(goals)} FROM f GROUP BY ALL"
    ).to_arrow_table()
    counts = tables.category_counts(fine, plan, ndims)
    values: dict[tuple[Any, ...], dict[str, Any]] = {}
    lead = ", ".join(dims) + (", " if dims else "")
    if plan.value:
        frequencies = con.sql(
            f"WITH f AS ({source}) SELECT {lead}v, count(*) AS c FROM f "  # noqa: S608
            "WHERE v IS NOT NULL GROUP BY ALL"
        ).to_arrow_table()
        values = tables.value_stats(frequencies, ndims)
    elif plan.pair:
        frequencies = con.sql(
            f"WITH f AS ({source}) SELECT {lead}a, b, count(*) AS c FROM f "  # noqa: S608
            "WHERE a IS NOT NULL AND b IS NOT NULL GROUP BY ALL"
        ).to_arrow_table()
        values = tables.paired_stats(frequencies, ndims)
    return counts, values


def _rows(
    plan: Plan,
    counts: tables.Counts,
    values: dict[tuple[Any, ...], dict[str, Any]],
) -> tuple[list[Row], Audit]:
    min_cell = settings.INSYN_MIN_CELL
    # A canonical order: suppression must not depend on the order groups came in, or two
    # runs of one query could hide different cells and together reveal them.
    keys = sorted(counts.counts, key=_group_order)
    n = {key: counts.counts[key]["n"] for key in keys}
    hidden_groups = suppress_groups(
        n, min_cell=min_cell, persons={key: counts.persons[key]["n"] for key in keys}
    )
    system = CategorySystem(tuple(c.name for c in plan.categories), tuple(plan.relations))
    sensitive = {c.name: c.sensitive for c in plan.categories}
    cells: dict[tuple[tuple[Any, ...], str], int] = {}
    cell_persons: dict[tuple[tuple[Any, ...], str], int] = {}
    for key in keys:
        for name, count in counts.counts[key].items():
            cells[(key, name)] = count
            cell_persons[(key, name)] = (
                counts.persons[key][name] if sensitive[name] else NOT_SENSITIVE
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
    for key in keys:
        if key in hidden_groups:
            rows.append(Row(key, {c.key: None for c in plan.columns}, True))
            continue
        shown = {
            name: (None if (key, name) in hidden else v) for name, v in counts.counts[key].items()
        }
        row_values = _measures(plan, shown, values.get(key, {}))
        for column in plan.columns:
            if column.category is not None and shown.get(column.category) is None:
                row_values[column.key] = None
        rows.append(Row(key, {c.key: row_values.get(c.key) for c in plan.columns}, False))
    return rows, Audit(cells, keys, system, hidden)


def _measures(plan: Plan, shown: dict[str, int | None], values: dict[str, Any]) -> dict[str, Any]:
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
        elif column.key in values:
            v[column.key] = values[column.key]
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
