"""How many clients a sampling rule gives, and what that number buys (issue 15, item 4).

Socialstyrelsen's guide asks the planner to choose a sampling rule that gives "a representative
picture" but gives no way to tell whether it will. This module answers with the figures a
statistician would give: the expected number of clients per year under the rule, the width of
the 95% interval the main measure will get (Wilson for a share, as the analysis shows it; t for
a mean before/after change), the smallest change a paired t-test detects with 80% power, and
how many years of intake a chosen precision needs. Tests check every formula against SciPy and
statsmodels. Pure functions: the selectors feed them the programme's own history.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from scipy import optimize, stats

ALPHA = 0.05
POWER = 0.80
Z95 = float(stats.norm.ppf(1 - ALPHA / 2))
YEAR_DAYS = 365.2425  # the Gregorian year: exact over the 400-year cycle
MAX_N = 1_000_000  # the search for "how many clients" stops here

MEASURE_SHARE = "share"
MEASURE_CHANGE = "change"
PLANNING_KEYS = (
    "intake_per_year",
    "measure",
    "variable",
    "share_percent",
    "sd",
    "completion_percent",
    "precision",
)


# --- the sampling rule -------------------------------------------------------------------------


def birth_day_fraction(days: list[int]) -> float:
    """Share of people born on one of the given days of the month.

    Days 1–28 occur 12 times a year, 29 eleven times plus 29 February in 97 years of 400, 30
    eleven times and 31 seven times (births assumed even over the year).
    """
    per_year = {29: 11.2425, 30: 11.0, 31: 7.0}
    return sum(per_year.get(int(d), 12.0) for d in set(days) if 1 <= int(d) <= 31) / YEAR_DAYS


def even_week_fraction() -> float:
    """Share of intake days in even ISO weeks: every ISO year has 26 even weeks (week 53, when
    there is one, is odd), 182 days of an average 365.2425."""
    return 26 * 7 / YEAR_DAYS


def period_days(date_from: dt.date | None, date_to: dt.date | None) -> float | None:
    """Length of an intake period in days, both ends included; None when it is open."""
    if date_from is None or date_to is None or date_to < date_from:
        return None
    return float((date_to - date_from).days + 1)


def sampled_fraction(rule: str, days: list[int]) -> float:
    """The share of the intake the rule takes (for a period: all of the intake within it)."""
    if rule == "birth_days":
        return birth_day_fraction(days)
    if rule == "even_weeks":
        return even_week_fraction()
    return 1.0


# --- intervals and power ---------------------------------------------------------------------


def wilson_half_width(p: float, n: float, z: float = Z95) -> float:
    """Half the width of the 95% Wilson interval for a share p observed among n."""
    return z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)


def t_half_width(sd: float, n: int) -> float:
    """Half the width of the 95% t interval for a mean change with standard deviation sd."""
    return float(stats.t.ppf(1 - ALPHA / 2, n - 1)) * sd / math.sqrt(n)


def paired_power(dz: float, n: int, alpha: float = ALPHA) -> float:
    """Power of the two-sided paired (one-sample) t-test for standardised effect dz (noncentral
    t, as statsmodels' TTestPower computes it)."""
    df = n - 1
    crit = float(stats.t.ppf(1 - alpha / 2, df))
    nc = dz * math.sqrt(n)
    upper = float(stats.nct.sf(crit, df, nc))
    lower = float(stats.nct.cdf(-crit, df, nc))  # NaN when it underflows far in the tail
    return upper + (0.0 if math.isnan(lower) else lower)


def min_detectable_dz(n: int, power: float = POWER, alpha: float = ALPHA) -> float:
    """Smallest standardised change (mean change / sd) a paired t-test finds with this power."""
    high = 1.0
    while paired_power(high, n, alpha) < power:  # widen until the root is bracketed
        high *= 2
    return float(optimize.brentq(lambda d: paired_power(d, n, alpha) - power, 1e-9, high))


def min_detectable_share(p: float, n: int, power: float = POWER, alpha: float = ALPHA) -> float:
    """Smallest share above p that a test of "the share is p" detects with this power.

    Uses Cohen's arcsine effect size h (statsmodels' proportion_effectsize) and the normal
    approximation (its NormalIndPower with one sample): h = (z_α/2 + z_β) / √n.
    """
    h = (Z95 + float(stats.norm.ppf(power))) / math.sqrt(n)
    angle = 2 * math.asin(math.sqrt(p)) + h
    return 1.0 if angle >= math.pi else math.sin(angle / 2) ** 2


def clients_for_precision(half_width_of: Any, target: float, start: int = 2) -> int | None:
    """Smallest n whose half-width is at most target (half-widths fall as n grows)."""
    if half_width_of(MAX_N) > target:
        return None
    low, high = start, MAX_N
    if half_width_of(low) <= target:
        return low
    while high - low > 1:
        mid = (low + high) // 2
        if half_width_of(mid) <= target:
            high = mid
        else:
            low = mid
    return high


# --- the whole guidance ----------------------------------------------------------------------


@dataclass
class Guidance:
    """What the planner sees: every figure with the input it came from."""

    intake_per_year: float
    fraction: float
    sampled_per_year: float
    analysable_per_year: float
    measure: str
    period_total: float | None = None  # a period rule: the whole sample, not per year
    n: int = 0  # analysable clients in one year's results (or the period's)
    half_width: float | None = None  # in percentage points for a share
    min_change: float | None = None  # mean change (units), or the share it detects (percent)
    clients_needed: int | None = None
    years_needed: float | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def fraction_percent(self) -> float:
        return 100 * self.fraction


def guidance(
    *,
    intake_per_year: float,
    rule: str,
    days: list[int],
    date_from: dt.date | None,
    date_to: dt.date | None,
    measure: str,
    share_percent: float | None,
    sd: float | None,
    completion_percent: float | None,
    precision: float | None,
    min_cell: int,
    groups: int,
) -> Guidance:
    """The figures for one plan. Inputs are checked by `planning_problems` first."""
    fraction = sampled_fraction(rule, days)
    sampled = intake_per_year * fraction
    completion = (completion_percent if completion_percent is not None else 100.0) / 100
    analysable = sampled * completion
    g = Guidance(
        intake_per_year=intake_per_year,
        fraction=fraction,
        sampled_per_year=sampled,
        analysable_per_year=analysable,
        measure=measure,
    )
    length = period_days(date_from, date_to) if rule == "period" else None
    g.n = math.floor(analysable * length / YEAR_DAYS if length is not None else analysable)
    if length is not None:
        g.period_total = analysable * length / YEAR_DAYS
    if g.n < 2:
        g.warnings.append(
            _(
                "The rule gives fewer than two clients with a complete follow-up: no interval "
                "can be computed."
            )
        )
    elif measure == MEASURE_SHARE and share_percent is not None:
        p = share_percent / 100
        g.half_width = 100 * wilson_half_width(p, g.n)
        g.min_change = 100 * min_detectable_share(p, g.n)
        if precision:
            g.clients_needed = clients_for_precision(
                lambda n: 100 * wilson_half_width(p, n), precision
            )
    elif measure == MEASURE_CHANGE and sd:
        g.half_width = t_half_width(sd, g.n)
        g.min_change = min_detectable_dz(g.n) * sd
        if precision:
            g.clients_needed = clients_for_precision(lambda n: t_half_width(sd, n), precision)
    if g.clients_needed is not None and analysable > 0 and length is None:
        g.years_needed = g.clients_needed / analysable
    _suppression_warnings(g, min_cell=min_cell, groups=groups)
    return g


def _suppression_warnings(g: Guidance, *, min_cell: int, groups: int) -> None:
    if g.n < min_cell:
        g.warnings.append(
            _(
                "Fewer than %(min)s clients a year: a year's results will be hidden as a small "
                "group; only several years together can be shown."
            )
            % {"min": min_cell}
        )
    elif groups > 1 and g.n / groups < min_cell:
        g.warnings.append(
            _(
                "About %(per)s clients per group when broken down into %(groups)s groups (units "
                "× sex): most groups will be hidden as smaller than %(min)s."
            )
            % {"per": f"{g.n / groups:.1f}", "groups": groups, "min": min_cell}
        )


def planning_problems(planning: dict[str, Any], variables: set[str]) -> dict[str, list[str]]:
    """Field → messages for a plan; empty when it can be computed (an empty plan is fine)."""
    problems: dict[str, list[str]] = {}
    if not planning:
        return problems
    unknown = set(planning) - set(PLANNING_KEYS)
    if unknown:
        problems["planning"] = [
            _("Unknown planning fields: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        ]

    def number(name: str, low: float, high: float | None, message: str) -> None:
        value = planning.get(name)
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int | float):
            problems[name] = [_("Expected a number.")]
        elif value <= low or (high is not None and value > high):
            problems[name] = [message]

    intake = planning.get("intake_per_year")
    if intake is None:
        problems["intake_per_year"] = [_("Give the expected number of clients per year.")]
    number(
        "intake_per_year", 0, None, _("The expected number of clients per year must be above 0.")
    )
    measure = planning.get("measure", MEASURE_SHARE)
    if measure not in (MEASURE_SHARE, MEASURE_CHANGE):
        problems["measure"] = [_("The main measure is a share or a change.")]
    number("share_percent", 0, 100, _("A share is above 0 and at most 100 percent."))
    number("completion_percent", 0, 100, _("A share is above 0 and at most 100 percent."))
    number("sd", 0, None, _("The standard deviation must be above 0."))
    number("precision", 0, None, _("The precision must be above 0."))
    if (planning.get("share_percent") or 0) >= 100 and "share_percent" not in problems:
        problems["share_percent"] = [_("A share of 100 percent has no interval to plan for.")]
    variable = planning.get("variable")
    if variable and variable not in variables:
        problems["variable"] = [_("No variable %(key)s in the programme.") % {"key": variable}]
    return problems
