"""Sample-size guidance (issue 15 item 4): every formula against SciPy/statsmodels or a count
over real calendars, the plan's rules, the YAML round trip, the planner page and the history."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest
from django.utils import translation
from scipy import stats
from statsmodels.stats.power import NormalIndPower, TTestPower
from statsmodels.stats.proportion import proportion_confint

from insyn.followup import sample_size as ss


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """The messages are asserted in English (Swedish is the default language)."""
    with translation.override("en"):
        yield


# (p, n) cases: a share observed among n clients
SHARES = [(0.5, 10), (0.3, 20), (0.1, 50), (0.72, 25), (0.05, 200), (0.9, 7)]
# (sd, n) cases: spread of the change among n clients
CHANGES = [(6.0, 5), (2.5, 12), (10.0, 30), (1.0, 100), (4.2, 2)]


@pytest.mark.parametrize(("p", "n"), SHARES)
def test_wilson_half_width_matches_statsmodels(p: float, n: int) -> None:
    k = p * n
    low, high = proportion_confint(k, n, alpha=0.05, method="wilson")
    assert ss.wilson_half_width(p, n) == pytest.approx((high - low) / 2, rel=1e-9)


@pytest.mark.parametrize(("sd", "n"), CHANGES)
def test_t_half_width_matches_scipy(sd: float, n: int) -> None:
    low, high = stats.t.interval(0.95, n - 1, loc=0, scale=sd / math.sqrt(n))
    assert ss.t_half_width(sd, n) == pytest.approx((high - low) / 2, rel=1e-9)


@pytest.mark.parametrize("n", [3, 5, 8, 15, 40, 120])
def test_min_detectable_change_matches_statsmodels(n: int) -> None:
    expected = TTestPower().solve_power(nobs=n, alpha=0.05, power=0.8, alternative="two-sided")
    assert ss.min_detectable_dz(n) == pytest.approx(expected, rel=1e-4)
    # and it has the power it claims
    assert TTestPower().power(effect_size=ss.min_detectable_dz(n), nobs=n, alpha=0.05) == (
        pytest.approx(0.8, abs=1e-6)
    )


@pytest.mark.parametrize(("p", "n"), SHARES)
def test_min_detectable_share_matches_statsmodels(p: float, n: int) -> None:
    h = NormalIndPower().solve_power(nobs1=n, alpha=0.05, power=0.8, ratio=0)
    angle = 2 * math.asin(math.sqrt(p)) + h
    expected = math.sin(angle / 2) ** 2 if angle < math.pi else 1.0
    assert ss.min_detectable_share(p, n) == pytest.approx(expected, abs=2e-4)


def test_clients_for_precision_is_the_smallest_that_reaches_it() -> None:
    for sd, target in [(6.0, 2.0), (1.0, 0.1), (10.0, 4.0)]:
        n = ss.clients_for_precision(lambda m, sd=sd: ss.t_half_width(sd, m), target)
        assert n is not None
        assert ss.t_half_width(sd, n) <= target < ss.t_half_width(sd, n - 1)
    n = ss.clients_for_precision(lambda m: 100 * ss.wilson_half_width(0.4, m), 5.0)
    assert n is not None
    assert 100 * ss.wilson_half_width(0.4, n) <= 5.0 < 100 * ss.wilson_half_width(0.4, n - 1)
    # n for a ±5 pp Wilson interval around 40 % is close to the textbook 1.96² p q / 0.05² = 369
    assert abs(n - 369) <= 5
    assert ss.clients_for_precision(lambda m: 1.0, 0.5) is None  # never reached


def _calendar() -> pd.DatetimeIndex:
    return pd.date_range("2001-01-01", "2400-12-31", freq="D")  # 400 whole years


def test_birth_day_share_equals_a_count_over_400_years() -> None:
    days = _calendar()
    for chosen in ([5, 15, 25], [29], [30, 31], [1, 31]):
        counted = np.isin(days.day, chosen).mean()
        assert ss.birth_day_fraction(chosen) == pytest.approx(counted, rel=1e-12)


def test_even_week_share_equals_a_count_over_400_years() -> None:
    weeks = _calendar().isocalendar().week.to_numpy()
    assert ss.even_week_fraction() == pytest.approx((weeks % 2 == 0).mean(), rel=1e-4)


def _guide(**over: object) -> ss.Guidance:
    args: dict[str, object] = {
        "intake_per_year": 120.0,
        "rule": "all",
        "days": [],
        "date_from": None,
        "date_to": None,
        "measure": "change",
        "share_percent": None,
        "sd": 6.0,
        "completion_percent": 70.0,
        "precision": 2.0,
        "min_cell": 5,
        "groups": 4,
    }
    args.update(over)
    return ss.guidance(**args)  # type: ignore[arg-type]


def test_guidance_for_a_change_measure() -> None:
    g = _guide(rule="birth_days", days=[5, 15, 25])
    sampled = 120 * 36 / 365.2425
    assert g.sampled_per_year == pytest.approx(sampled)
    assert g.n == math.floor(sampled * 0.7)  # 8
    assert g.half_width == pytest.approx(ss.t_half_width(6.0, g.n))
    assert g.min_change == pytest.approx(
        6.0 * TTestPower().solve_power(nobs=g.n, alpha=0.05, power=0.8), rel=1e-4
    )
    assert g.clients_needed is not None and g.years_needed == pytest.approx(
        g.clients_needed / (sampled * 0.7)
    )
    # 8 a year in four groups: two per group, so most groups are hidden
    assert any("most groups will be hidden" in w for w in g.warnings)


def test_guidance_warns_when_a_whole_year_is_hidden_and_when_no_interval_exists() -> None:
    few = _guide(intake_per_year=20, rule="birth_days", days=[5, 15, 25], completion_percent=None)
    assert few.n == 1 and few.half_width is None
    assert any("fewer than two clients" in w for w in few.warnings)
    assert any("a year's results will be hidden" in w for w in few.warnings)
    plenty = _guide(intake_per_year=400, groups=2)
    assert plenty.warnings == []


def test_guidance_for_a_share_and_for_a_period() -> None:
    g = _guide(measure="share", share_percent=40.0, sd=None, completion_percent=None, precision=5)
    assert g.n == 120
    assert g.half_width == pytest.approx(100 * ss.wilson_half_width(0.4, 120))
    assert g.clients_needed is not None and g.clients_needed > 300
    period = _guide(rule="period", date_from=dt.date(2027, 1, 1), date_to=dt.date(2027, 3, 31))
    assert period.period_total == pytest.approx(120 * 0.7 * 90 / 365.2425)
    assert period.n == math.floor(period.period_total)
    assert period.years_needed is None  # a period is one sample, not a yearly intake


@pytest.mark.parametrize(
    ("plan", "field"),
    [
        ({"intake_per_year": 0}, "intake_per_year"),
        ({"intake_per_year": -3}, "intake_per_year"),
        ({"measure": "share"}, "intake_per_year"),
        ({"intake_per_year": 50, "measure": "median"}, "measure"),
        ({"intake_per_year": 50, "share_percent": 0}, "share_percent"),
        ({"intake_per_year": 50, "share_percent": 100}, "share_percent"),
        ({"intake_per_year": 50, "completion_percent": 130}, "completion_percent"),
        ({"intake_per_year": 50, "sd": 0}, "sd"),
        ({"intake_per_year": 50, "precision": -1}, "precision"),
        ({"intake_per_year": 50, "variable": "nope"}, "variable"),
        ({"intake_per_year": "many"}, "intake_per_year"),
        ({"intake_per_year": 50, "colour": "red"}, "planning"),
    ],
)
def test_bad_plans_are_named(plan: dict[str, object], field: str) -> None:
    problems = ss.planning_problems(plan, {"audit"})
    assert field in problems and problems[field][0]


def test_a_good_plan_has_no_problems() -> None:
    plan = {"intake_per_year": 80, "measure": "change", "variable": "audit", "sd": 5}
    assert ss.planning_problems(plan, {"audit"}) == {}
    assert ss.planning_problems({}, set()) == {}
