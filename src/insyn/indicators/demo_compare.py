"""Demo comparison values: the shipped Kolada copy holds values only for a few population
KPIs (N00945, N03702, N03703), none for the catalogue's IFO KPIs and none, of course, for
insyn's computed indicators. So that the comparison pages, the funnel plot and the CLI have
something to show, Växjö (0780), the members of its "Liknande kommuner IFO" group and Riket
get SYNTHETIC values for those indicators, 2019–2024, by sex: deterministic (seeded by
indicator, area, year and sex), in plausible ranges, with numerator and denominator for
shares so the funnel works. They are stored with source `synthetic` and print
"Syntetiskt jämförelsevärde (demo), inte från Kolada"; a cell Kolada has a value for is
never given one (services.comparison_values)."""

from __future__ import annotations

import random
from typing import TextIO

from insyn.indicators.models import Indicator, IndicatorValue
from insyn.indicators.selectors import groups
from insyn.indicators.services.comparison_values import SyntheticCell, store_synthetic_values

SUBJECT = "0780"
RIKET = "0000"
YEARS = range(2019, 2025)
IFO = "Individ- och familjeomsorg"

# Inhabitants in thousands (rounded, 2024): scales the denominators.
POPULATION = {
    "0780": 97,
    "0123": 85,
    "0126": 115,
    "0184": 86,
    "1281": 129,
    "1380": 106,
    "1780": 96,
    "2281": 100,
    RIKET: 10_550,
}

# key → (low, high, persons in the denominator per 1,000 inhabitants or None)
PROFILES: dict[str, tuple[float, float, float | None]] = {
    "U31462": (68, 88, 4.0),
    "U31463": (5, 35, 3.0),
    "U31402": (6, 24, None),
    "U31403": (4, 18, None),
    "U33401": (85, 140, None),
    "U33402": (75, 130, None),
    "U35400": (40, 95, None),
    "U35401": (35, 85, None),
    "reaktualisering_barn_0_12": (72, 92, 0.6),
    "reaktualisering_unga_13_20": (65, 88, 0.5),
    "reaktualisering_vuxna_missbruk": (60, 85, 0.4),
    "utredningstid_median": (70, 130, None),
    "utredningstid_over_4_man": (10, 40, 2.5),
    "utredningstid_over_4_man_utan_forlangning": (2, 15, 2.5),
    "vantetid_beslut_verkstallighet_median": (5, 40, None),
    "ej_verkstallda_beslut": (0, 3, None),  # per 10,000 inhabitants, a count
    "uppfoljning_genomford_andel": (50, 90, 2.0),
    "maluppfyllelse_andel": (40, 80, 2.0),
    "klagomal_besvarade_inom_mal": (60, 95, 0.3),
}
USER_ASSESSMENT = (74, 95, 0.4)  # "Brukarbedömning …": respondents per 1,000 inhabitants


def _profile(indicator: Indicator) -> tuple[float, float, float | None] | None:
    if indicator.key in PROFILES:
        return PROFILES[indicator.key]
    if indicator.title.startswith("Brukarbedömning"):
        return USER_ASSESSMENT
    return None


def cells_for(indicator: Indicator, areas: list[str]) -> list[SyntheticCell]:
    """Deterministic values: each area has its own level and drift; each year some noise."""
    profile = _profile(indicator)
    if profile is None:
        return []
    low, high, per_thousand = profile
    cells: list[SyntheticCell] = []
    for area in areas:
        level_rng = random.Random(f"insyn-demo-compare:{indicator.key}:{area}")  # noqa: S311
        level = low + (high - low) * (0.25 + 0.5 * level_rng.random())
        drift = (high - low) * level_rng.uniform(-0.03, 0.03)
        for year in YEARS:
            rng = random.Random(f"insyn-demo-compare:{indicator.key}:{area}:{year}")  # noqa: S311
            base = level + drift * (year - YEARS[0])
            cells += _year_cells(indicator, area, year, base, (low, high), per_thousand, rng)
    return cells


def _year_cells(
    indicator: Indicator,
    area: str,
    year: int,
    base: float,
    bounds: tuple[float, float],
    per_thousand: float | None,
    rng: random.Random,
) -> list[SyntheticCell]:
    low, high = bounds
    out: list[SyntheticCell] = []
    if indicator.unit == Indicator.Unit.PERCENT and per_thousand is not None:
        total_n = max(8, round(POPULATION[area] * per_thousand * rng.uniform(0.8, 1.2)))
        n_women = round(total_n * rng.uniform(0.4, 0.6))
        nums = {}
        for sex, n in (("K", n_women), ("M", total_n - n_women)):
            share = min(99.0, max(1.0, base + rng.gauss(0, (high - low) / 12))) / 100
            spread = (n * share * (1 - share)) ** 0.5  # binomial sd, normal approximation
            nums[sex] = (min(n, max(0, round(n * share + rng.gauss(0, spread)))), n)
        nums["T"] = (nums["K"][0] + nums["M"][0], total_n)
        for sex, (num, den) in nums.items():
            if den:
                out.append(SyntheticCell(area, year, sex, round(100 * num / den, 1), num, den))
        return out
    if indicator.unit == Indicator.Unit.COUNT:
        k = max(0, round(base * POPULATION[area] / 20 * rng.uniform(0.6, 1.4)))
        m = max(0, round(base * POPULATION[area] / 20 * rng.uniform(0.6, 1.4)))
        return [
            SyntheticCell(area, year, "K", k),
            SyntheticCell(area, year, "M", m),
            SyntheticCell(area, year, "T", k + m),
        ]
    k_value = max(low * 0.8, base + rng.gauss(0, (high - low) / 10))
    m_value = max(low * 0.8, base + rng.gauss(0, (high - low) / 10))
    return [
        SyntheticCell(area, year, "K", round(k_value, 1)),
        SyntheticCell(area, year, "M", round(m_value, 1)),
        SyntheticCell(area, year, "T", round((k_value + m_value) / 2, 1)),
    ]


def demo_indicators() -> list[Indicator]:
    """The catalogue's IFO KPIs without any Kolada value in the database, and the computed
    indicators."""
    have_kolada = set(
        IndicatorValue.objects.filter(source=IndicatorValue.Source.KOLADA)
        .values_list("indicator_id", flat=True)
        .distinct()
    )
    rows = Indicator.objects.filter(in_catalogue=True, active=True)
    out = []
    for ind in rows:
        if ind.source == Indicator.Source.COMPUTED or (
            ind.source == Indicator.Source.KOLADA
            and ind.operating_area == IFO
            and ind.pk not in have_kolada
        ):
            out.append(ind)
    return out


def load(stdout: TextIO) -> list[tuple[str, str, str]]:
    try:
        group = groups.similar_group(SUBJECT, max(YEARS))
    except groups.NoGroupForYear as exc:
        stdout.write(f"Comparison values: skipped ({exc})\n")
        return []
    areas = [SUBJECT, *group.members.values_list("id", flat=True), RIKET]
    areas = [a for a in areas if a in POPULATION]
    written = 0
    indicators = demo_indicators()
    for indicator in indicators:
        written += store_synthetic_values(indicator=indicator, cells=cells_for(indicator, areas))
    stdout.write(
        f"Comparison values: {written} SYNTHETIC values (not Kolada) for {len(indicators)} "
        f"indicators, {len(areas)} areas, {min(YEARS)}–{max(YEARS)}\n"
    )
    return []
