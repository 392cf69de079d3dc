"""The two colour modes of a comparison.

**Rank quartiles** (as Kolada and KKiK colour): among the areas compared that have a value,
the best quarter is green, the worst quarter red, the middle half yellow; an area without a
value is grey. "Best" follows the indicator's direction (insyn's judgement: Kolada has no
such field); an indicator whose direction is `none` gets no rank colour at all ("none").
Kolada itself warns that the colour is relative and says nothing about whether a result is
good or bad: the best quarter of a poor field is still green.

The rule, exactly (so a page can explain it and a spreadsheet can redo it):

- the quartiles are the 25th and 75th percentiles of the values with linear interpolation
  between ranks (Excel's KVARTIL / QUARTILE.INC, numpy's default);
- higher is better: green when the value is at or above the upper quartile, red when at or
  below the lower quartile; lower is better: the other way round; otherwise yellow;
- ties: equal values always get the same colour (the rule looks at values, not positions);
  a value that is at both quartiles (e.g. all values equal) is yellow — nothing separates it;
- small groups: fewer than `MIN_AREAS` (4) areas with a value give no quartiles — every
  area is "none" (a quarter of three areas is not an area). For distinct values the rule is
  the same as "green when fewer than a quarter of the areas are better", which is how
  Kolada describes its colouring.

**Statistically honest** (funnel plot), for shares with a known denominator: the comparison
value p0 and, for each denominator n, the limits within which a share would fall by chance
alone if the area's true share were p0. Limits use the normal (score-test) approximation to
the binomial, p0 ± z·√(p0(1−p0)/n), clipped to [0, 1], at 95 % (z ≈ 1.96) and 99.8 %
(z ≈ 3.09) — Spiegelhalter's funnel plot. An area outside the limits is coloured by the
direction (above the upper limit with higher-is-better: green); inside them it is "within",
no colour. Medians, means and days have no denominator of persons a binomial applies to:
they get no funnel and no funnel colour.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from statistics import NormalDist

GREEN = "green"
YELLOW = "yellow"
RED = "red"
GREY = "grey"  # no value
NONE = "none"  # no colour: direction none, or too few areas
WITHIN = "within"  # funnel: inside the limits

MIN_AREAS = 4
LEVELS = (0.95, 0.998)

# Funnel positions (`funnel_position`).
ABOVE_998 = "above_998"
ABOVE_95 = "above_95"
BELOW_95 = "below_95"
BELOW_998 = "below_998"
NO_FUNNEL = "none"


def percentile(sorted_values: list[float], q: float) -> float:
    """Percentile q (0–1) with linear interpolation between ranks (QUARTILE.INC)."""
    if not sorted_values:
        raise ValueError("no values")
    pos = q * (len(sorted_values) - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


def quartile_colours(values: Mapping[str, float | None], direction: str) -> dict[str, str]:
    """Area → "green" / "yellow" / "red" / "grey" (no value) / "none" (no colour)."""
    present = sorted(v for v in values.values() if v is not None)
    if direction not in ("higher", "lower") or len(present) < MIN_AREAS:
        return {a: (GREY if v is None else NONE) for a, v in values.items()}
    q1 = percentile(present, 0.25)
    q3 = percentile(present, 0.75)
    out: dict[str, str] = {}
    for area, value in values.items():
        if value is None:
            out[area] = GREY
            continue
        top, bottom = value >= q3, value <= q1
        if top == bottom:  # neither, or both (all tied): nothing separates it
            out[area] = YELLOW
        elif (top and direction == "higher") or (bottom and direction == "lower"):
            out[area] = GREEN
        else:
            out[area] = RED
    return out


def ranks(values: Mapping[str, float | None], direction: str) -> dict[str, int | None]:
    """Competition rank (1 = best; ties share the better rank; None without a value). With
    direction none the order is highest first (a position, not a verdict)."""
    present = [v for v in values.values() if v is not None]
    lower = direction == "lower"
    out: dict[str, int | None] = {}
    for area, value in values.items():
        if value is None:
            out[area] = None
        else:
            better = sum(1 for v in present if (v < value if lower else v > value))
            out[area] = better + 1
    return out


def z_value(level: float) -> float:
    """Two-sided normal quantile: 0.95 → 1.95996…, 0.998 → 3.0902…"""
    return NormalDist().inv_cdf(1 - (1 - level) / 2)


def funnel_limits(p0: float, n: float, level: float) -> tuple[float, float]:
    """Lower and upper limit (proportions 0–1) for a share over `n` around `p0` (0–1),
    normal/score approximation, clipped to [0, 1]."""
    if n <= 0:
        raise ValueError("the denominator must be positive")
    if not 0 <= p0 <= 1:
        raise ValueError("p0 is a proportion between 0 and 1")
    half = z_value(level) * math.sqrt(p0 * (1 - p0) / n)
    return max(0.0, p0 - half), min(1.0, p0 + half)


def funnel_position(p: float, n: float, p0: float) -> str:
    """Where a share p (0–1) over n lies against the 95 % and 99.8 % limits around p0."""
    lo95, hi95 = funnel_limits(p0, n, 0.95)
    lo998, hi998 = funnel_limits(p0, n, 0.998)
    if p > hi998:
        return ABOVE_998
    if p > hi95:
        return ABOVE_95
    if p < lo998:
        return BELOW_998
    if p < lo95:
        return BELOW_95
    return WITHIN


def funnel_colour(p: float, n: float, p0: float, direction: str, level: float = 0.95) -> str:
    """Colour by the funnel: outside the `level` limits above/below → green or red by the
    direction (direction none → "none"); inside → "within" (no colour)."""
    lo, hi = funnel_limits(p0, n, level)
    if lo <= p <= hi:
        return WITHIN
    if direction not in ("higher", "lower"):
        return NONE
    above = p > hi
    return GREEN if above == (direction == "higher") else RED
