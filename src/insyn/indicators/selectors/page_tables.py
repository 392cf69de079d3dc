"""The tables and charts of the indicator page and the comparison page, built from one set of
numbers so a chart and its table alternative (and the downloads) never disagree."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from insyn.indicators import page_charts as pch
from insyn.indicators.models import PROVENANCE_KOLADA_DERIVED, Indicator, KoladaMunicipality
from insyn.indicators.page_exports import Sheet
from insyn.indicators.selectors import page_compare as pc
from insyn.indicators.selectors import pages
from insyn.indicators.selectors.page_data import IndicatorPage, fmt

if TYPE_CHECKING:
    from insyn.accounts.models import User
    from insyn.organisations.models import OrgUnit


def unit_label(indicator: Indicator) -> str:
    return str(indicator.get_unit_display())


def series_data(page: IndicatorPage) -> list[dict[str, Any]]:
    lines = [(page.municipality.name, page.series), *page.group_series]
    return [
        {"year": f.year, "series": name, "value": f.value}
        for name, line in lines
        for f in line
        if f.value is not None
    ]


def bar_data(page: IndicatorPage) -> list[dict[str, Any]]:
    if page.comparison is None:
        return []
    return [
        {
            "name": ("▶ " if r.is_subject else "") + r.name,
            "value": r.value,
            "colour": r.colour,
        }
        for r in page.comparison.rows
        if r.value is not None
    ]


def funnel_data(page: IndicatorPage) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    comparison = page.comparison
    if comparison is None or not comparison.funnel or comparison.group_value is None:
        return [], []
    points = [
        {
            "name": r.name,
            "denominator": r.denominator,
            "value": r.value,
            "colour": r.colour,
            "subject": _("This municipality") if r.is_subject else _("The group"),
        }
        for r in comparison.rows
        if r.value is not None and r.denominator
    ]
    share = comparison.group_value / 100.0
    z = pc.Z[comparison.level]
    top = max(float(r.denominator or 0) for r in comparison.rows) * 1.1
    limits = []
    steps = 40
    for i in range(1, steps + 1):
        n = max(1.0, top * i / steps)
        se = (share * (1 - share) / n) ** 0.5
        limits.append(
            {
                "denominator": n,
                "lower": max(0.0, 100 * (share - z * se)),
                "upper": min(100.0, 100 * (share + z * se)),
            }
        )
    return points, limits


def charts(page: IndicatorPage) -> dict[str, Any]:
    """Data addresses of the page's SVG charts (empty when there is nothing to draw)."""
    unit = unit_label(page.indicator)
    out: dict[str, Any] = {"series_chart": "", "bar_chart": "", "funnel_chart": ""}
    series = series_data(page)
    if series:
        out["series_chart"] = pch.data_uri(pch.series_svg(series, unit))
    bars = bar_data(page)
    if bars:
        out["bar_chart"] = pch.data_uri(pch.ranked_bar_svg(bars, unit))
    points, limits = funnel_data(page)
    if points and page.comparison and page.comparison.group_value is not None:
        out["funnel_chart"] = pch.data_uri(
            pch.funnel_svg(points, limits, page.comparison.group_value)
        )
    return out


def indicator_sheets(page: IndicatorPage) -> list[Sheet]:
    """The page's figures: one tidy table (series, comparison group, by sex) and the about."""
    ind = page.indicator
    header = [
        _("Table"),
        _("Area"),
        _("Code"),
        _("Year"),
        _("Sex"),
        _("Value"),
        _("Numerator"),
        _("Denominator"),
        _("Unit"),
        _("Rank"),
        _("Colour"),
        _("Preliminary"),
        _("Source"),
    ]
    rows: list[list[Any]] = []
    yes, no = _("yes"), _("no")
    for name, line in [(page.municipality.name, page.series), *page.group_series]:
        for f in line:
            rows.append(
                [
                    _("Series"),
                    name,
                    f.area,
                    f.year,
                    f.sex,
                    f.value,
                    f.numerator,
                    f.denominator,
                    unit_label(ind),
                    None,
                    "",
                    yes if f.preliminary else no,
                    f.provenance,
                ]
            )
    if page.comparison is not None:
        for r in page.comparison.rows:
            rows.append(
                [
                    page.comparison.title,
                    r.name,
                    r.area,
                    page.year,
                    page.sex,
                    r.value,
                    r.numerator,
                    r.denominator,
                    unit_label(ind),
                    r.rank,
                    r.colour_label,
                    yes if r.preliminary else no,
                    r.provenance,
                ]
            )
    about = [
        (_("Indicator"), f"{ind.key} {ind.title}"),
        (_("Municipality"), page.municipality.name),
        (_("Period"), str(page.year)),
        (_("Source"), "; ".join(_sources(page))),
    ]
    if page.comparison is not None:
        about.append((_("Colour mode"), mode_label(page.comparison.mode)))
    return [Sheet(_("Figures"), header, rows, about)]


def _sources(page: IndicatorPage) -> list[str]:
    found = {f.provenance for f in page.series}
    for _name, line in page.group_series:
        found |= {f.provenance for f in line}
    if page.comparison is not None:
        found |= set(page.comparison.provenance)
    return sorted(s for s in found if s)


def mode_label(mode: str) -> str:
    return _("Rank quartiles") if mode == pc.RANK else _("Statistically honest (funnel)")


# --- the comparison page ----------------------------------------------------------------------


@dataclass
class Cell:
    value: float | None
    text: str
    colour: str
    colour_label: str
    provenance: str
    preliminary: bool


@dataclass
class ComparisonTable:
    year: int
    mode: str
    indicators: list[Indicator]
    areas: list[KoladaMunicipality]
    rows: list[tuple[KoladaMunicipality, list[Cell]]]
    provenance: list[str]


def comparison_table(
    user: User,
    indicators: list[Indicator],
    areas: list[KoladaMunicipality],
    year: int,
    municipality: OrgUnit | None,
    *,
    mode: str = pc.RANK,
) -> ComparisonTable:
    """Each area's value of each indicator for `year`, coloured by rank among the chosen areas
    (a Kolada value as published; the user's own municipality's figure where it is own)."""
    own_area = pages.kolada_area(municipality) if municipality is not None else None
    cells: dict[str, list[Cell]] = {a.id: [] for a in areas}
    sources: set[str] = set()
    for indicator in indicators:
        own = None
        if own_area is not None and own_area in areas and municipality is not None:
            own = next(
                (f for f in pages.own_series(user, indicator, municipality) if f.year == year),
                None,
            )
        group = pc.ComparisonSet(areas)
        comparison = pc.compare_in_group(indicator, group, own_area, own, year, mode=mode)
        by_area = {r.area: r for r in comparison.rows}
        for area in areas:
            r = by_area[area.id]
            sources |= {r.provenance} if r.provenance else set()
            cells[area.id].append(
                Cell(
                    r.value,
                    fmt(r.value, indicator.unit),
                    r.colour,
                    r.colour_label,
                    r.provenance,
                    r.preliminary,
                )
            )
    return ComparisonTable(
        year=year,
        mode=mode,
        indicators=indicators,
        areas=areas,
        rows=[(a, cells[a.id]) for a in areas],
        provenance=[*sorted(sources), PROVENANCE_KOLADA_DERIVED],
    )


def comparison_sheet(table: ComparisonTable) -> Sheet:
    header = [_("Area"), _("Code")]
    for ind in table.indicators:
        header += [f"{ind.key} {ind.title}", f"{ind.key} {_('Colour')}"]
    rows = []
    for area, cells in table.rows:
        row: list[Any] = [area.title, area.id]
        for cell in cells:
            row += [cell.value, cell.colour_label]
        rows.append(row)
    about = [
        (_("Period"), str(table.year)),
        (_("Colour mode"), mode_label(table.mode)),
        (_("Source"), "; ".join(table.provenance)),
    ]
    return Sheet(_("Comparison"), header, rows, about)


def area_options() -> list[KoladaMunicipality]:
    return list(KoladaMunicipality.objects.order_by("type", "title"))


def unknown_indicator_message(keys: list[str]) -> str:
    known = set(Indicator.objects.filter(key__in=keys, active=True).values_list("key", flat=True))
    missing = [k for k in keys if k not in known]
    return _("Unknown indicator: %(keys)s.") % {"keys": ", ".join(missing)}


def legend(mode: str) -> list[tuple[str, str]]:
    colours = (
        [pc.GREEN, pc.NEUTRAL, pc.RED, pc.GREY]
        if mode == pc.HONEST
        else [pc.GREEN, pc.YELLOW, pc.RED, pc.GREY]
    )
    return [(c, pc.colour_text(c, mode)) for c in colours]


def page_context(page: IndicatorPage) -> dict[str, Any]:
    """What the indicator template shows beside `page`: texts in the page's number format
    and the charts; the tables' numbers are the charts' numbers."""
    unit = page.indicator.unit
    comparison = page.comparison
    group_rows = []
    if comparison is not None:
        for r in comparison.rows:
            group_rows.append(
                {
                    "rank": r.rank,
                    "name": r.name,
                    "is_subject": r.is_subject,
                    "preliminary": r.preliminary,
                    "value_text": fmt(r.value, unit),
                    "denominator_text": fmt(r.denominator, Indicator.Unit.COUNT),
                    "lower_text": fmt(r.lower, unit),
                    "upper_text": fmt(r.upper, unit),
                    "colour": r.colour,
                    "colour_label": r.colour_label,
                    "provenance": r.provenance,
                }
            )
    return {
        **charts(page),
        "group_rows": group_rows,
        "value_text": (
            _("Hidden: too few persons.")
            if page.figure is not None and page.figure.suppressed
            else fmt(page.figure.value if page.figure else None, unit)
        ),
        "group_value_text": fmt(comparison.group_value if comparison else None, unit),
        "series_rows": page.series_table(),
        "sex_rows": [(label, fmt(f.value if f else None, unit)) for label, f in page.by_sex],
        "provenance": _sources(page),
        "legend": legend(comparison.mode if comparison else pc.RANK),
    }
