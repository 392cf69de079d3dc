"""Follow-up completion, goal attainment and before/after improvement: hand-built data with
answers worked out by hand (boundary days included), and generated data checked against an
independent pandas computation over the database tables (not the analysis frames)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
import pytest
from django.db.models import F

from insyn.followup.models import Enrollment, Goal, Occasion, Value
from insyn.indicators import computations
from insyn.indicators.computations import Cell
from insyn.indicators.computations._measures import ComputationError
from insyn.indicators.periods import Period, year_period
from insyn.organisations.models import OrgUnit
from tests.analytics.factories import Design, make_programme, populate
from tests.conftest import Tree
from tests.indicators.measures_factories import (
    by_key,
    enrol,
    frame_cache,  # noqa: F401  (fixture)
    goal,
    occasion,
    values,
)

pytestmark = pytest.mark.usefixtures("frame_cache")
D = dt.date
Y2024 = year_period(2024)


def compute(name: str, municipality: OrgUnit, period: Period = Y2024) -> Sequence[Cell]:
    computation = computations.get(name)
    assert computation is not None, name
    return computation.compute(municipality, period)


@pytest.fixture
def world(tree: Tree) -> tuple[Design, dict[str, Enrollment]]:
    """Four enrolments in Växjö and one in Kalmar, occasions around 2024's edges."""
    design = make_programme(tree)
    a = enrol(design, tree.vux_unit, "K")
    b = enrol(design, tree.vux_unit, "M")
    c = enrol(design, tree.bof_unit, "M")
    d = enrol(design, tree.bof_unit, "X")
    e = enrol(design, tree.kalmar_unit, "K")
    occasion(design, a, "before", D(2024, 1, 1), "done")  # first day: in
    occasion(design, a, "after", D(2024, 12, 31), "missed")  # last day: in, non-response
    # recorded "due", window closed long ago: overdue, counts as not done
    occasion(design, b, "before", D(2024, 3, 1), "due", window_end=D(2024, 4, 1))
    occasion(design, b, "after", D(2025, 1, 1), "done")  # the day after: out
    occasion(design, c, "before", D(2023, 12, 31), "done")  # the day before: out
    occasion(design, c, "after", D(2024, 6, 1), "done")
    occasion(design, d, "before", D(2024, 5, 5), "done")
    occasion(design, e, "before", D(2024, 5, 5), "done")  # another municipality
    return design, {"a": a, "b": b, "c": c, "d": d, "e": e}


def test_completion_by_hand_per_unit_and_sex(
    tree: Tree, world: tuple[Design, dict[str, Enrollment]]
) -> None:
    got = by_key(compute("followup_completion", tree.vaxjo))
    vux, bof = tree.vux_unit.pk, tree.bof_unit.pk
    expected = {
        (vux, "T"): (1, 3),
        (vux, "K"): (1, 2),
        (vux, "M"): (0, 1),
        (bof, "T"): (2, 2),
        (bof, "M"): (1, 1),  # the client of sex X counts in T only; no K cell (nobody)
    }
    for unit in (tree.vux, tree.bof):  # departments: the same as their one unit
        child = vux if unit == tree.vux else bof
        for sex in "TKM":
            if (child, sex) in expected:
                expected[(unit.pk, sex)] = expected[(child, sex)]
    for unit in (tree.aov, tree.vaxjo):
        expected |= {(unit.pk, "T"): (3, 5), (unit.pk, "K"): (1, 2), (unit.pk, "M"): (1, 2)}
    assert got == expected


def test_completion_open_window_is_not_yet_due(tree: Tree) -> None:
    design = make_programme(tree)
    today = dt.date.today()
    a = enrol(design, tree.vux_unit, "K")
    b = enrol(design, tree.vux_unit, "K")
    occasion(design, a, "before", today, "due", window_end=today + dt.timedelta(days=20))
    occasion(design, b, "before", today, "done")
    period = Period("rolling12", today - dt.timedelta(days=10), today + dt.timedelta(days=10))
    got = by_key(compute("followup_completion", tree.vaxjo, period))
    assert got[(tree.vaxjo.pk, "T")] == (1, 1)


def test_completion_empty_population_has_no_cells(
    tree: Tree, world: tuple[Design, dict[str, Enrollment]]
) -> None:
    assert compute("followup_completion", tree.vaxjo, year_period(2019)) == []
    assert compute("goal_attainment", tree.vaxjo, year_period(2019)) == []
    assert compute("followup_completion", tree.kalmar, year_period(2019)) == []


def test_goal_attainment_by_hand(tree: Tree, world: tuple[Design, dict[str, Enrollment]]) -> None:
    _design, e = world
    goal(e["a"], Goal.Outcome.ACHIEVED, D(2024, 12, 31))
    goal(e["a"], Goal.Outcome.NOT, D(2024, 6, 1))
    goal(e["a"], Goal.Outcome.UNKNOWN, D(2024, 6, 1))  # not assessed
    goal(e["a"], Goal.Outcome.ACHIEVED, D(2025, 1, 1))  # next year
    goal(e["c"], Goal.Outcome.PARTLY, D(2024, 1, 1))
    goal(e["c"], Goal.Outcome.ACHIEVED, None)  # no assessment date: not counted
    goal(e["b"], "", None)  # not assessed
    goal(e["e"], Goal.Outcome.ACHIEVED, D(2024, 5, 1))  # Kalmar
    got = by_key(compute("goal_attainment", tree.vaxjo))
    assert got[(tree.vux_unit.pk, "T")] == (1, 2)
    assert got[(tree.vux_unit.pk, "K")] == (1, 2)
    assert (tree.vux_unit.pk, "M") not in got
    assert got[(tree.bof_unit.pk, "M")] == (0, 1)
    assert got[(tree.vaxjo.pk, "T")] == (1, 3)
    assert by_key(compute("goal_attainment", tree.kalmar))[(tree.kalmar.pk, "T")] == (1, 1)


@pytest.fixture
def pairs(tree: Tree) -> Design:
    design = make_programme(tree)

    def pair(
        unit: OrgUnit,
        sex: str,
        before: float,
        after: float | None,
        done_on: dt.date | None,
        **extra: tuple[float, float],
    ) -> None:
        enrollment = enrol(design, unit, sex)
        first = occasion(design, enrollment, "before", D(2023, 1, 1), "done")
        values(design, first, days=before, **{k: v[0] for k, v in extra.items()})
        if after is not None:
            assert done_on is not None
            second = occasion(design, enrollment, "after", done_on, "done", done_on=done_on)
            values(design, second, days=after, **{k: v[1] for k, v in extra.items()})

    pair(tree.vux_unit, "K", 10, 5, D(2024, 5, 1), wellbeing=(2, 6))  # improved (lower)
    pair(tree.vux_unit, "M", 5, 5, D(2024, 12, 31), wellbeing=(6, 3))  # unchanged, last day
    pair(tree.bof_unit, "K", 3, 8, D(2024, 1, 1))  # worsened, first day
    pair(tree.bof_unit, "M", 8, 2, D(2025, 1, 1))  # improved, the day after: out
    pair(tree.vux_unit, "K", 9, None, None)  # no after value: no pair
    pair(tree.kalmar_unit, "K", 9, 1, D(2024, 5, 1))  # Kalmar
    return design


def test_before_after_by_hand(tree: Tree, pairs: Design) -> None:
    got = by_key(compute("before_after_improvement:vux:days", tree.vaxjo))
    assert got[(tree.vaxjo.pk, "T")] == (1, 3)
    assert got[(tree.vaxjo.pk, "K")] == (1, 2)
    assert got[(tree.vaxjo.pk, "M")] == (0, 1)
    assert got[(tree.vux_unit.pk, "T")] == (1, 2)
    assert got[(tree.bof_unit.pk, "T")] == (0, 1)
    assert (tree.bof_unit.pk, "M") not in got
    higher = by_key(compute("before_after_improvement:vux:wellbeing", tree.vaxjo))
    assert higher[(tree.vaxjo.pk, "T")] == (1, 2)  # higher is better: 2→6 up, 6→3 down
    assert compute("before_after_improvement:vux:days", tree.vaxjo, year_period(2019)) == []


def test_before_after_errors_are_clear_in_swedish(tree: Tree, pairs: Design) -> None:
    with pytest.raises(ComputationError, match="det finns inget uppföljningsprogram med nyckeln"):
        compute("before_after_improvement:nope", tree.vaxjo)


def test_before_after_errors_are_clear(tree: Tree, pairs: Design, english: None) -> None:
    with pytest.raises(ComputationError, match="no programme with the key nope"):
        compute("before_after_improvement:nope", tree.vaxjo)
    # the test programme has two main measures (days, AUDIT): name one
    with pytest.raises(ComputationError, match="2 main measures"):
        compute("before_after_improvement:vux", tree.vaxjo)
    with pytest.raises(ComputationError, match="housing is not a numeric variable"):
        compute("before_after_improvement:vux:housing", tree.vaxjo)
    with pytest.raises(ComputationError, match="needs a parameter"):
        compute("before_after_improvement:", tree.vaxjo)
    assert computations.get("no_such_computation") is None
    assert computations.get("no_such_family:x") is None


def test_before_after_single_main_measure_needs_no_variable(tree: Tree, pairs: Design) -> None:
    pairs.variables["audit"].is_main_measure = False
    pairs.variables["audit"].save(update_fields=["is_main_measure"])
    assert by_key(compute("before_after_improvement:vux", tree.vaxjo)) == by_key(
        compute("before_after_improvement:vux:days", tree.vaxjo)
    )


# --- Generated data against pandas over the database tables -------------------------------


def _ancestors(tree: Tree) -> dict[int, list[int]]:
    """Unit id → the Växjö units from the municipality down to it."""
    units = {u.pk: u for u in OrgUnit.objects.filter(path__startswith=tree.vaxjo.path)}
    return {
        pk: [v.pk for v in units.values() if u.path.startswith(v.path)] for pk, u in units.items()
    }


def _expected(df: pd.DataFrame, tree: Tree, hit: str) -> dict[tuple[int, str], tuple[float, float]]:
    ups = _ancestors(tree)
    rows = []
    for r in df.itertuples():
        if r.unit_id not in ups:
            continue
        for unit in ups[r.unit_id]:
            for sex in ["T", *([r.sex] if r.sex in ("K", "M") else [])]:
                rows.append((unit, sex, float(getattr(r, hit))))
    if not rows:
        return {}
    long = pd.DataFrame(rows, columns=["unit", "sex", "hit"])
    agg = long.groupby(["unit", "sex"])["hit"].agg(["sum", "count"])
    return {(int(u), s): (float(n), float(d)) for (u, s), (n, d) in agg.iterrows()}


def test_completion_matches_pandas_on_generated_data(tree: Tree) -> None:
    design = make_programme(tree)
    populate(tree, design, n=240, seed=11)
    today = dt.date.today()
    df = pd.DataFrame(
        Occasion.objects.values(
            "status",
            "due_on",
            "window_end",
            unit_id=F("enrollment__unit_id"),
            sex=F("enrollment__client__sex"),
        )
    )
    # done and missed as recorded; an open occasion is overdue once its window has closed
    df["effective"] = [
        s if s in ("done", "missed") else ("overdue" if we < today else "open")
        for s, we in zip(df.status, df.window_end, strict=True)
    ]
    df = df[df.effective != "open"].assign(done=lambda f: f.effective == "done")
    for year in (2023, 2024, 2025):
        in_year = df[(df.due_on >= D(year, 1, 1)) & (df.due_on <= D(year, 12, 31))]
        expected = _expected(in_year, tree, "done")
        assert expected  # the data reaches the period
        assert by_key(compute("followup_completion", tree.vaxjo, year_period(year))) == expected


@pytest.mark.parametrize("variable", ["days", "wellbeing"])
def test_before_after_matches_pandas_on_generated_data(tree: Tree, variable: str) -> None:
    design = make_programme(tree)
    populate(tree, design, n=240, seed=5)
    vals = pd.DataFrame(
        Value.objects.filter(variable__key=variable).values(
            "number",
            stage=F("occasion__stage__key"),
            enrollment=F("occasion__enrollment_id"),
            done_on=F("occasion__done_on"),
            unit_id=F("occasion__enrollment__unit_id"),
            sex=F("occasion__enrollment__client__sex"),
        )
    )
    before = vals[vals.stage == "before"].set_index("enrollment")
    after = vals[vals.stage == "after"].set_index("enrollment")
    paired = after.merge(
        before[["number"]], left_index=True, right_index=True, suffixes=("", "_before")
    )
    lower = variable == "days"
    paired["better"] = (
        paired.number < paired.number_before if lower else paired.number > paired.number_before
    )
    for year in (2023, 2024, 2025):
        in_year = paired[(paired.done_on >= D(year, 1, 1)) & (paired.done_on <= D(year, 12, 31))]
        expected = _expected(in_year, tree, "better")
        got = by_key(
            compute(f"before_after_improvement:vux:{variable}", tree.vaxjo, year_period(year))
        )
        assert got == expected
