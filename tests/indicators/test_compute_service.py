"""The compute service and `insyn indicators compute`: stored values replace the previous ones
(stale cells removed), a cell without a value is never stored, bad input changes nothing."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from insyn.core.models import ChangeEntry
from insyn.indicators import computations
from insyn.indicators.computations import Cell
from insyn.indicators.models import Indicator, IndicatorValue
from insyn.indicators.periods import Period, rolling_period, year_period
from insyn.indicators.services.compute import ComputeError, compute_indicators
from insyn.organisations.models import OrgUnit
from tests.indicators import compute_factories as f

pytestmark = pytest.mark.usefixtures("catalogues", "english")

D = dt.date
KEY = "reaktualisering_barn_0_12"
TODAY = D(2026, 11, 29)


def rows(**filters: Any) -> dict[tuple[str, str], float]:
    qs = IndicatorValue.objects.filter(source=IndicatorValue.Source.COMPUTED, **filters)
    return {(r.org_unit.code, r.sex): r.value for r in qs.select_related("org_unit") if r.org_unit}


def test_recompute_replaces_and_removes_stale_values(tree: Any) -> None:
    girl = f.child_with_intervention(
        tree.bof_unit, born=D(2014, 1, 1), sex="K", ended_on=D(2024, 5, 2)
    )
    first = compute_indicators(
        municipality=tree.vaxjo, period=year_period(2025), keys=[KEY], today=TODAY
    )
    assert (first.added, first.removed) == (8, 0)  # 4 units (unit … municipality) × T, K
    assert rows(year=2025, period_kind="year") == {
        (u, s): 100.0 for u in ("BOF-UTR", "BOF", "AOV", "0780") for s in "TK"
    }
    compute_indicators(
        municipality=tree.vaxjo, period=rolling_period(D(2025, 12, 31)), keys=[KEY], today=TODAY
    )
    again = compute_indicators(
        municipality=tree.vaxjo, period=year_period(2025), keys=[KEY], today=TODAY
    )
    assert (again.added, again.changed, again.removed, again.unchanged) == (0, 0, 0, 8)
    # the case moves to the adults' unit: its old units' cells are removed, not left behind
    girl.cases.update(unit=tree.vux_unit)
    moved = compute_indicators(
        municipality=tree.vaxjo, period=year_period(2025), keys=[KEY], today=TODAY
    )
    assert (moved.added, moved.removed, moved.unchanged) == (4, 4, 4)
    assert set(rows(year=2025, period_kind="year")) == {
        (u, s) for u in ("VUX-OPV", "VUX", "AOV", "0780") for s in "TK"
    }
    # a new return makes the person "back": the value changes in place
    f.case(girl, D(2024, 12, 1))
    changed = compute_indicators(
        municipality=tree.vaxjo, period=year_period(2025), keys=[KEY], today=TODAY
    )
    assert changed.changed == 8 and set(rows(year=2025, period_kind="year").values()) == {0.0}
    # the rolling period's values were not touched by the year's runs
    assert rows(period_kind="rolling12")
    # nothing left: every computed value of the scope goes
    girl.cases.update(reason=f.case(girl, D(2024, 12, 2), reason="financial_need").reason)
    gone = compute_indicators(
        municipality=tree.vaxjo, period=year_period(2025), keys=[KEY], today=TODAY
    )
    assert gone.removed == 8 and rows(year=2025, period_kind="year") == {}
    entry = ChangeEntry.objects.filter(action="compute_indicators").latest("pk")
    assert entry.after is not None and entry.after["removed"] == 8


class _Fake:
    name = "test_fake_computation"

    def __init__(self, tree: Any) -> None:
        self.tree = tree

    def compute(self, municipality: OrgUnit, period: Period) -> list[Cell]:
        t = self.tree
        return [
            Cell(t.vaxjo.pk, "T", None, None, 0.0),  # no value: never stored
            Cell(t.vaxjo.pk, "K", 50.0, 1.0, 2.0),
            Cell(t.kalmar_unit.pk, "T", 1.0, 1.0, 1.0),  # another municipality's unit: ignored
        ]


def test_a_cell_without_a_value_is_never_stored(tree: Any) -> None:
    computations.register(_Fake(tree))
    Indicator.objects.create(
        key="test_fake", title="Fake", source="computed", computation=_Fake.name
    )
    summary = compute_indicators(
        municipality=tree.vaxjo, period=year_period(2025), keys=["test_fake"], today=TODAY
    )
    assert summary.added == 1
    assert rows(indicator__key="test_fake") == {("0780", "K"): 50.0}


def test_bad_input_is_refused(tree: Any) -> None:
    with pytest.raises(ComputeError, match="not over yet"):
        compute_indicators(municipality=tree.vaxjo, period=year_period(2026), today=TODAY)
    with pytest.raises(ComputeError, match="not over yet"):
        compute_indicators(municipality=tree.vaxjo, period=year_period(2031), today=TODAY)
    with pytest.raises(ComputeError, match="after today"):
        compute_indicators(
            municipality=tree.vaxjo, period=rolling_period(D(2026, 11, 30)), today=TODAY
        )
    with pytest.raises(ComputeError, match="nope"):
        compute_indicators(
            municipality=tree.vaxjo, period=year_period(2025), keys=["nope"], today=TODAY
        )
    with pytest.raises(ComputeError, match="U31462"):  # a Kolada indicator is not computed
        compute_indicators(
            municipality=tree.vaxjo, period=year_period(2025), keys=["U31462"], today=TODAY
        )
    with pytest.raises(ComputeError, match="not a municipality"):
        compute_indicators(municipality=tree.aov, period=year_period(2025), today=TODAY)
    assert not IndicatorValue.objects.exists()


def test_cli_compute(tree: Any) -> None:
    f.child_with_intervention(tree.bof_unit, born=D(2014, 1, 1), sex="M", ended_on=D(2024, 5, 2))
    out = StringIO()
    call_command(
        "indicators",
        "compute",
        "--year",
        "2025",
        "--municipality",
        "0780",
        "--indicator",
        KEY,
        stdout=out,
    )
    assert "0780 2025: 1 indicators, 8 values added" in out.getvalue()
    assert rows(year=2025, period_kind="year")[("0780", "T")] == 100.0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "2099"], "in the future"),
        (["--year", "2025", "--municipality", "9999"], "No municipality with the code 9999"),
        (["--year", "2025", "--indicator", "nope"], "nope"),
        (["--rolling", "29-11-2026"], "YYYY-MM-DD"),
        (["--rolling", "2099-01-01"], "after today"),
        ([], "--year"),
    ],
)
def test_cli_bad_input(tree: Any, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("indicators", "compute", *args, stdout=StringIO())
    assert not IndicatorValue.objects.exists()
