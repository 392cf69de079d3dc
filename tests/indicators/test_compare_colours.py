"""Rank-quartile colours and funnel limits against independent computations: numpy's
percentiles (the same definition as Excel's KVARTIL), hand-built lists with known colours
(ties, missing values, direction lower, small groups), and SciPy's normal and binomial
distributions for the funnel."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from scipy import stats

from insyn.indicators import colours


def numpy_colours(values: dict[str, float | None], direction: str) -> dict[str, str]:
    """The rule written independently with numpy (and `None` → grey)."""
    present = np.array([v for v in values.values() if v is not None], dtype=float)
    if direction == "none" or len(present) < 4:
        return {a: ("grey" if v is None else "none") for a, v in values.items()}
    q1, q3 = np.percentile(present, [25, 75])
    out = {}
    for area, v in values.items():
        if v is None:
            out[area] = "grey"
            continue
        good, bad = (v >= q3, v <= q1) if direction == "higher" else (v <= q1, v >= q3)
        out[area] = "yellow" if good == bad else ("green" if good else "red")
    return out


def test_eight_distinct_values_two_green_two_red() -> None:
    values = {f"a{i}": float(i) for i in range(1, 9)}  # 1..8, higher is better
    got = colours.quartile_colours(values, "higher")
    assert [got[f"a{i}"] for i in range(1, 9)] == ["red"] * 2 + ["yellow"] * 4 + ["green"] * 2
    lower = colours.quartile_colours(values, "lower")
    assert [lower[f"a{i}"] for i in range(1, 9)] == ["green"] * 2 + ["yellow"] * 4 + ["red"] * 2


def test_missing_values_are_grey_and_do_not_count() -> None:
    values: dict[str, float | None] = {"a": 10, "b": 20, "c": None, "d": 30, "e": 40, "f": None}
    got = colours.quartile_colours(values, "higher")
    # four values: Q1 = 17.5, Q3 = 32.5 → 10 red, 40 green, 20 and 30 yellow
    assert got == {
        "a": "red",
        "b": "yellow",
        "c": "grey",
        "d": "yellow",
        "e": "green",
        "f": "grey",
    }


def test_ties_share_a_colour() -> None:
    values = {"a": 5.0, "b": 5.0, "c": 5.0, "d": 1.0, "e": 9.0}
    got = colours.quartile_colours(values, "higher")
    # Q1 = 5 and Q3 = 5: every 5 is at both quartiles → yellow; 1 red, 9 green
    assert got == {"a": "yellow", "b": "yellow", "c": "yellow", "d": "red", "e": "green"}
    tied_top = {"a": 8.0, "b": 8.0, "c": 3.0, "d": 2.0, "e": 1.0}
    got = colours.quartile_colours(tied_top, "higher")
    assert got["a"] == got["b"] == "green"  # Q3 = 8: both at it


def test_all_equal_is_yellow_and_small_groups_get_no_colour() -> None:
    assert set(colours.quartile_colours({c: 3.0 for c in "abcdef"}, "higher").values()) == {
        "yellow"
    }
    small = colours.quartile_colours({"a": 1.0, "b": 2.0, "c": 3.0, "d": None}, "higher")
    assert small == {"a": "none", "b": "none", "c": "none", "d": "grey"}


def test_direction_none_gives_no_rank_colour() -> None:
    got = colours.quartile_colours({"a": 1.0, "b": 2.0, "c": 3.0, "d": 4.0, "e": None}, "none")
    assert got == {"a": "none", "b": "none", "c": "none", "d": "none", "e": "grey"}


@pytest.mark.parametrize("direction", ["higher", "lower", "none"])
@pytest.mark.parametrize("seed", range(40))
def test_matches_numpy_percentiles(direction: str, seed: int) -> None:
    rng = random.Random(seed)
    n = rng.randint(1, 30)
    values: dict[str, float | None] = {}
    for i in range(n):
        roll = rng.random()
        # small integers make ties common; some missing
        values[f"m{i}"] = None if roll < 0.15 else float(rng.randint(0, 8))
    assert colours.quartile_colours(values, direction) == numpy_colours(values, direction)


def test_matches_fewer_than_a_quarter_better_for_distinct_values() -> None:
    """Kolada's wording ("the best quarter") equals the percentile rule for distinct values."""
    for n in range(4, 40):
        values = {f"m{i}": float(i) for i in range(n)}
        got = colours.quartile_colours(values, "higher")
        for i in range(n):
            better, worse = n - 1 - i, i
            expected = "green" if better < n / 4 else "red" if worse < n / 4 else "yellow"
            assert got[f"m{i}"] == expected, (n, i)


def test_ranks_follow_the_direction_with_shared_ties() -> None:
    values: dict[str, float | None] = {"a": 3.0, "b": 7.0, "c": 7.0, "d": None, "e": 1.0}
    assert colours.ranks(values, "higher") == {"a": 3, "b": 1, "c": 1, "d": None, "e": 4}
    assert colours.ranks(values, "lower") == {"a": 2, "b": 3, "c": 3, "d": None, "e": 1}


@pytest.mark.parametrize("level", [0.95, 0.998])
@pytest.mark.parametrize(("p0", "n"), [(0.5, 10), (0.8, 40), (0.1, 250), (0.97, 1000), (0.3, 3)])
def test_funnel_limits_match_scipy_normal(level: float, p0: float, n: float) -> None:
    z = stats.norm.ppf(1 - (1 - level) / 2)
    half = z * math.sqrt(p0 * (1 - p0) / n)
    lo, hi = colours.funnel_limits(p0, n, level)
    assert lo == pytest.approx(max(0.0, p0 - half), abs=1e-12)
    assert hi == pytest.approx(min(1.0, p0 + half), abs=1e-12)


def test_z_values() -> None:
    assert colours.z_value(0.95) == pytest.approx(1.959964, abs=1e-6)
    assert colours.z_value(0.998) == pytest.approx(3.090232, abs=1e-6)


@pytest.mark.parametrize("level", [0.95, 0.998])
def test_funnel_limits_approach_the_exact_binomial_for_large_n(level: float) -> None:
    p0, n = 0.75, 4000
    lo, hi = colours.funnel_limits(p0, n, level)
    alpha = (1 - level) / 2
    exact_lo = stats.binom.ppf(alpha, n, p0) / n
    exact_hi = stats.binom.ppf(1 - alpha, n, p0) / n
    assert lo == pytest.approx(exact_lo, abs=1.5 / n + 1e-3)
    assert hi == pytest.approx(exact_hi, abs=1.5 / n + 1e-3)
    covered = stats.binom.cdf(math.floor(hi * n), n, p0) - stats.binom.cdf(
        math.ceil(lo * n) - 1, n, p0
    )
    assert covered == pytest.approx(level, abs=0.01)


def test_funnel_limits_are_clipped_and_refuse_nonsense() -> None:
    assert colours.funnel_limits(0.99, 5, 0.998)[1] == 1.0
    assert colours.funnel_limits(0.01, 5, 0.998)[0] == 0.0
    assert colours.funnel_limits(0.0, 50, 0.95) == (0.0, 0.0)
    with pytest.raises(ValueError, match="denominator"):
        colours.funnel_limits(0.5, 0, 0.95)
    with pytest.raises(ValueError, match="proportion"):
        colours.funnel_limits(50, 10, 0.95)  # a percent, not a proportion


def test_funnel_position_and_colour() -> None:
    p0, n = 0.8, 100  # sd 0.04: 95 % ± 0.0784, 99.8 % ± 0.1236
    assert colours.funnel_position(0.80, n, p0) == "within"
    assert colours.funnel_position(0.89, n, p0) == "above_95"
    assert colours.funnel_position(0.93, n, p0) == "above_998"
    assert colours.funnel_position(0.71, n, p0) == "below_95"
    assert colours.funnel_position(0.66, n, p0) == "below_998"
    assert colours.funnel_colour(0.89, n, p0, "higher") == "green"
    assert colours.funnel_colour(0.89, n, p0, "lower") == "red"
    assert colours.funnel_colour(0.71, n, p0, "higher") == "red"
    assert colours.funnel_colour(0.71, n, p0, "lower") == "green"
    assert colours.funnel_colour(0.89, n, p0, "none") == "none"
    assert colours.funnel_colour(0.85, n, p0, "higher") == "within"
    assert colours.funnel_colour(0.89, n, p0, "higher", level=0.998) == "within"
    # the same share over a small denominator is within the limits: chance explains it
    assert colours.funnel_colour(0.89, 20, p0, "higher") == "within"
