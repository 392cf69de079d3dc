"""The tables and charts of the indicator page and the comparison page, built from the same
dataclasses (selectors.comparison) so a chart, its table alternative and the downloads never
disagree. Charts are the compare area's (insyn.indicators.charts), shown as data: images."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from insyn.indicators import charts, colours
from insyn.indicators.models import Indicator, IndicatorValue, KoladaMunicipality
from insyn.indicators.page_exports import Sheet
from insyn.indicators.selectors import comparison as cmp
from insyn.indicators.selectors import pages
from insyn.indicators.selectors.page_data import (
    HONEST,
    RANK,
    IndicatorPage,
    colour_text,
    fmt,
    member_colour,
    mode_label,
)

if TYPE_CHECKING:
    from insyn.accounts.models import User
    from insyn.organisations.models import OrgUnit


AREA_KINDS = (IndicatorValue.Source.KOLADA, IndicatorValue.Source.SYNTHETIC)


def data_uri(svg: str) -> str:
    """An SVG as a data: address for an <img> (the CSP allows data: images, not inline styles)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def unit_label(indicator: Indicator) -> str:
    return str(indicator.get_unit_display())


def page_context(page: IndicatorPage) -> dict[str, Any]:
    """What the indicator template shows beside `page`: the charts and their tables, the
    numbers in the page's format."""
    c = page.comparison
    unit = page.indicator.unit
    funnel = c.funnel
    limits: dict[str, tuple[str, str]] = {}
    if funnel is not None:
        share0 = funnel.p0 / 100
        for m in funnel.points:
            if m.denominator:
                lo, hi = colours.funnel_limits(share0, m.denominator, 0.95)
                lo8, hi8 = colours.funnel_limits(share0, m.denominator, 0.998)
                limits[m.area] = (
                    f"{fmt(100 * lo)}–{fmt(100 * hi)}",
                    f"{fmt(100 * lo8)}–{fmt(100 * hi8)}",
                )
    group_rows = []
    for m in c.members:
        colour = member_colour(m, page.mode)
        group_rows.append(
            {
                "rank": m.rank,
                "name": m.name,
                "is_subject": m.is_subject,
                "preliminary": m.preliminary,
                "value_text": _("Hidden: too few persons.") if m.suppressed else fmt(m.value, unit),
                "denominator_text": fmt(m.denominator, Indicator.Unit.COUNT),
                "limits95": limits.get(m.area, ("–", "–"))[0],
                "limits998": limits.get(m.area, ("–", "–"))[1],
                "colour": colour,
                "colour_label": colour_text(colour, page.mode),
                "provenance": m.provenance,
            }
        )
    subject_colour = member_colour(c.subject, page.mode)
    name = page.municipality.name
    series = charts.series_svg(page.points, title=page.indicator.title, subject=name)
    return {
        "series_chart": data_uri(series) if page.points else "",
        "bar_chart": data_uri(charts.ranked_bar_svg(c)) if c.has_values else "",
        "funnel_chart": data_uri(charts.funnel_svg(c)) if funnel is not None else "",
        "series_rows": [
            {
                "year": p.year,
                "value": fmt(p.value, unit),
                "reference": fmt(p.reference, unit),
                "riket": fmt(p.riket, unit),
                "preliminary": p.preliminary,
                "note": p.note,
            }
            for p in page.points
        ],
        "group_rows": group_rows,
        "value_text": (
            _("Hidden: too few persons.") if c.subject.suppressed else fmt(c.subject.value, unit)
        ),
        "subject_colour": subject_colour,
        "subject_colour_label": colour_text(subject_colour, page.mode),
        "reference_text": fmt(c.reference, unit),
        "riket_text": fmt(c.riket, unit),
        "sex_rows": [(label, fmt(m.value if m else None, unit)) for label, m in page.by_sex],
        "legend": legend_for(page.mode),
        "target_text": fmt(c.target.value, unit) if c.target else "",
    }


def legend_for(mode: str) -> list[tuple[str, str]]:
    from insyn.indicators.selectors.page_data import legend

    return legend(mode)


def indicator_sheets(page: IndicatorPage) -> list[Sheet]:
    """The page's figures: the series and the group, one tidy table, and where they come from."""
    ind = page.indicator
    c = page.comparison
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
    yes, no = _("yes"), _("no")
    unit = unit_label(ind)
    rows: list[list[Any]] = []
    for p in page.points:
        for area, code, value, prov, prel in (
            (
                page.municipality.name,
                page.municipality.code,
                p.value,
                p.value_provenance,
                p.preliminary,
            ),
            (p.reference_label, p.group_key, p.reference, p.reference_provenance, False),
            ("Riket", cmp.RIKET, p.riket, p.riket_provenance, False),
        ):
            if value is None:
                continue
            row = [_("Series"), area, code, p.year, page.sex, value, None, None, unit]
            rows.append([*row, None, "", yes if prel else no, prov])
    for m in c.members:
        colour = member_colour(m, page.mode)
        rows.append(
            [
                c.group_title,
                m.name,
                m.area,
                c.year,
                c.sex,
                None if m.suppressed else m.value,
                m.numerator,
                m.denominator,
                unit,
                m.rank,
                colour_text(colour, page.mode),
                yes if m.preliminary else no,
                m.provenance,
            ]
        )
    about = [
        (_("Indicator"), f"{ind.key} {ind.title}"),
        (_("Municipality"), page.municipality.name),
        (_("Period"), str(page.year)),
        (_("Colour mode"), mode_label(page.mode)),
        (_("Source"), "; ".join(page.sources)),
    ]
    return [Sheet(_("Figures"), header, rows, about)]


# --- the comparison page ----------------------------------------------------------------------


@dataclass
class Cell:
    value: float | None
    text: str
    colour: str
    colour_label: str
    provenance: str
    preliminary: bool
    source: str = ""


@dataclass
class ComparisonTable:
    year: int
    mode: str
    indicators: list[Indicator]
    areas: list[KoladaMunicipality]
    rows: list[tuple[KoladaMunicipality, list[Cell]]]
    provenance: list[str]


def _cells(
    user: User,
    indicator: Indicator,
    areas: list[KoladaMunicipality],
    year: int,
    mode: str,
    own: OrgUnit | None,
) -> dict[str, Cell]:
    series = pages.areas_series(indicator, areas, year=year)
    figures = {a: (line[0] if line else None) for a, line in series.items()}
    if own is not None and own.code in figures and indicator.source != Indicator.Source.KOLADA:
        mine = [f for f in pages.own_series(user, indicator, own) if f.year == year]
        figures[own.code] = mine[0] if mine else None
    values = {a: (f.value if f else None) for a, f in figures.items()}
    if mode == HONEST:
        known = [f for f in figures.values() if f and f.value is not None]
        pooled = [f for f in known if f.numerator is not None and f.denominator]
        found: dict[str, str] = {}
        if indicator.unit == Indicator.Unit.PERCENT and pooled and len(pooled) == len(known):
            p0 = sum(f.numerator or 0 for f in pooled) / sum(f.denominator or 0 for f in pooled)
            for f in pooled:
                found[f.area] = colours.funnel_colour(
                    (f.value or 0) / 100, f.denominator or 0, p0, indicator.direction
                )
        colour_of = {a: found.get(a, colours.NONE) for a in figures}
    else:
        colour_of = colours.quartile_colours(values, indicator.direction)
    return {
        a: Cell(
            f.value if f else None,
            fmt(f.value if f else None, indicator.unit),
            colour_of[a],
            colour_text(colour_of[a], mode),
            f.provenance if f else "",
            bool(f and f.preliminary),
            f.source if f else "",
        )
        for a, f in figures.items()
    }


def comparison_table(
    user: User,
    indicators: list[Indicator],
    areas: list[KoladaMunicipality],
    year: int,
    municipality: OrgUnit | None,
    *,
    mode: str = RANK,
) -> ComparisonTable:
    """Each area's value of each indicator for `year`, coloured among the chosen areas (a
    Kolada value as published; the user's own municipality's own figure where it is one)."""
    by_indicator = [_cells(user, ind, areas, year, mode, municipality) for ind in indicators]
    cells = [c for found in by_indicator for c in found.values() if c.value is not None]
    lines = sorted({c.provenance for c in cells if c.provenance})
    kinds = [c.source for c in cells if c.source in AREA_KINDS]
    return ComparisonTable(
        year=year,
        mode=mode,
        indicators=indicators,
        areas=areas,
        rows=[(a, [cells[a.id] for cells in by_indicator]) for a in areas],
        provenance=[*lines, cmp.derived_provenance(kinds)] if kinds else lines,
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
