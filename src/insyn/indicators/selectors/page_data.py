"""What each key-figure page shows, built on the compare area's selectors
(`selectors.comparison`: compare, series, tile) and colours: the overview's tiles and the
indicator page. Views only parse input, call one of these and render."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from insyn.indicators import colours
from insyn.indicators.models import ComparisonGroup, Indicator, KoladaKpi
from insyn.indicators.selectors import comparison as cmp
from insyn.indicators.selectors import pages

if TYPE_CHECKING:
    from insyn.accounts.models import User
    from insyn.organisations.models import OrgUnit

RANK = "rank"
HONEST = "honest"
MODES = (RANK, HONEST)
SERIES_YEARS = 8


def fmt(value: float | None, unit: str = "") -> str:
    """A number in the page's (Swedish) format with its unit; an en dash for nothing."""
    if value is None:
        return "–"
    decimals = 0 if unit == Indicator.Unit.COUNT or float(value).is_integer() else 1
    text = number_format(round(value, decimals), decimal_pos=decimals)
    suffix = {"percent": " %", "days": " " + _("days"), "kr": " kr"}.get(unit, "")
    return text + suffix


def colour_text(colour: str, mode: str) -> str:
    """What a colour means, in words (never colour alone)."""
    if mode == HONEST:
        return {
            colours.GREEN: _("Clearly better than the comparison value (outside the funnel)"),
            colours.RED: _("Clearly worse than the comparison value (outside the funnel)"),
            colours.WITHIN: _("No clear difference from the comparison value"),
        }.get(colour, _("No colour: no value or no denominator"))
    return {
        colours.GREEN: _("Best quarter of the group"),
        colours.YELLOW: _("Middle half of the group"),
        colours.RED: _("Worst quarter of the group"),
        colours.GREY: _("No colour: no value"),
    }.get(colour, _("No colour: no better direction, or fewer than four values"))


def member_colour(member: cmp.Member, mode: str) -> str:
    return member.funnel_colour if mode == HONEST else member.colour


def legend(mode: str) -> list[tuple[str, str]]:
    if mode == HONEST:
        shown = [colours.GREEN, colours.WITHIN, colours.RED, colours.NONE]
    else:
        shown = [colours.GREEN, colours.YELLOW, colours.RED, colours.GREY, colours.NONE]
    return [(c, colour_text(c, mode)) for c in shown]


def mode_label(mode: str) -> str:
    return _("Rank quartiles") if mode == RANK else _("Statistically honest (funnel)")


# --- the overview ------------------------------------------------------------------------------


@dataclass
class TileView:
    indicator: Indicator
    year: int
    value: float | None
    previous: float | None
    colour: str
    colour_label: str
    sparkline: str  # a data: address, "" for fewer than two values
    provenance: list[str]
    preliminary: bool
    target: cmp.TargetResult | None
    note: str

    @property
    def value_text(self) -> str:
        return fmt(self.value, self.indicator.unit)

    @property
    def change_text(self) -> str:
        if self.value is None or self.previous is None:
            return _("No value for the year before")
        change = self.value - self.previous
        sign = "+" if change > 0 else ("−" if change < 0 else "±")
        amount = sign + fmt(abs(change), self.indicator.unit)
        direction = self.indicator.direction
        if change == 0:
            verdict = _("unchanged")
        elif direction == Indicator.Direction.NONE:
            verdict = ""
        elif (change > 0) == (direction == Indicator.Direction.HIGHER):
            verdict = _("better")
        else:
            verdict = _("worse")
        label = _("since %(year)s") % {"year": self.year - 1}
        return f"{amount} {label}" + (f" ({verdict})" if verdict else "")


@dataclass
class TileGroup:
    title: str
    tiles: list[TileView] = field(default_factory=list)


def _tile(user: User, indicator: Indicator, code: str, year: int, mode: str) -> TileView:
    from insyn.indicators.selectors.page_tables import data_uri

    try:
        t = cmp.tile(user, indicator, code, year=year)
    except cmp.ComparisonError as exc:
        return TileView(
            indicator, year, None, None, colours.NONE, "", "", [], False, None, str(exc)
        )
    colour = t.colour
    preliminary = False
    if t.value is not None and not t.note:
        c = cmp.compare(user, indicator, code, year=year, against="similar")
        preliminary = c.subject.preliminary
        colour = member_colour(c.subject, mode)
    spark = sparkline(t.sparkline)
    return TileView(
        indicator=indicator,
        year=year,
        value=t.value,
        previous=t.previous,
        colour=colour,
        colour_label=colour_text(colour, mode),
        sparkline=data_uri(spark) if spark else "",
        provenance=t.provenance if t.value is not None else [],
        preliminary=preliminary,
        target=t.target,
        note=t.note,
    )


def sparkline(points: list[tuple[int, float]], width: int = 120, height: int = 32) -> str:
    """A small line of the series as plain SVG (no axes: the tile states the numbers). Drawn
    here rather than with charts.sparkline_svg: one vl-convert render per tile made the
    overview take seconds."""
    if len(points) < 2:
        return ""
    values = [v for _y, v in points]
    low, span = min(values), (max(values) - min(values)) or 1.0
    step = (width - 8) / (len(points) - 1)
    xy = [
        (4 + i * step, height - 4 - (v - low) / span * (height - 8)) for i, v in enumerate(values)
    ]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><polyline fill="none" stroke="#1d4e89" '
        f'stroke-width="2" points="{line}"/><circle cx="{xy[-1][0]:.1f}" cy="{xy[-1][1]:.1f}" '
        f'r="3" fill="#1d4e89"/></svg>'
    )


def overview(
    user: User, municipality: OrgUnit, year: int, filters: pages.CatalogueFilter, mode: str = RANK
) -> list[TileGroup]:
    """Tiles per catalogue indicator for `municipality` and `year`, grouped by quality
    dimension (or operating area); colours against the year's similar IFO group."""
    groups: dict[str, TileGroup] = {}
    for indicator in pages.catalogue(filters):
        if filters.group_by == "area":
            heading = indicator.operating_area or _("Other")
        else:
            heading = indicator.dimension.name if indicator.dimension else _("Other")
        tile = _tile(user, indicator, municipality.code, year, mode)
        groups.setdefault(heading, TileGroup(heading)).tiles.append(tile)
    return list(groups.values())


# --- the indicator page ------------------------------------------------------------------------


@dataclass
class IndicatorPage:
    indicator: Indicator
    kpi: KoladaKpi | None
    municipality: OrgUnit
    year: int
    sex: str
    mode: str
    against: str
    choices: list[tuple[str, str]]
    comparison: cmp.Comparison
    points: list[cmp.SeriesPoint]
    by_sex: list[tuple[str, cmp.Member | None]]

    @property
    def sources(self) -> list[str]:
        lines = list(self.comparison.provenance)
        for p in self.points:
            for line in (p.value_provenance, p.reference_provenance, p.riket_provenance):
                if line and line not in lines:
                    lines.append(line)
        return lines


def against_choices(user: User, area_code: str, year: int) -> list[tuple[str, str]]:
    """(against, label) of the comparisons offered: the year's similar IFO group, the SKR
    kommungrupp, the county, Riket and the user groups the user may see."""
    from insyn.indicators.selectors import groups as group_selectors

    out: list[tuple[str, str]] = []
    with contextlib.suppress(group_selectors.NoGroupForYear):
        out.append(("similar", group_selectors.similar_group(area_code, year).title))
    skr = group_selectors.skr_group(area_code)
    if skr is not None:
        out.append(("skr", skr.title))
    county = group_selectors.county_group(area_code)
    if county is not None:
        out.append(("county", county.title))
    out.append(("riket", _("Riket")))
    users = ComparisonGroup.objects.filter(cmp.visible_groups(user), kind="user")
    out += [(f"group:{g.key}", g.title) for g in users.order_by("title")]
    return out


def indicator_page(
    user: User,
    indicator: Indicator,
    municipality: OrgUnit,
    year: int,
    *,
    against: str = "",
    mode: str = RANK,
    sex: str = "T",
) -> IndicatorPage:
    """Everything the indicator page shows; raises cmp.ComparisonError (a Swedish message)
    for a comparison that cannot be made (unknown group, a group of another year)."""
    code = municipality.code
    choices = against_choices(user, code, year)
    if not against:
        against = choices[0][0] if choices else "riket"
    comparison = cmp.compare(user, indicator, code, year=year, against=against, sex=sex)
    points = cmp.series(
        user,
        indicator,
        code,
        years=range(year - SERIES_YEARS + 1, year + 1),
        against=against,
        sex=sex,
    )
    points = [p for p in points if p.value is not None or p.reference is not None or p.riket]
    by_sex: list[tuple[str, cmp.Member | None]] = []
    for s, label in (("T", _("Total")), ("K", _("Women")), ("M", _("Men"))):
        member = (
            comparison.subject
            if s == sex
            else cmp.compare(user, indicator, code, year=year, against=against, sex=s).subject
        )
        by_sex.append((label, member))
    return IndicatorPage(
        indicator=indicator,
        kpi=pages.kpi_for(indicator),
        municipality=municipality,
        year=year,
        sex=sex,
        mode=mode,
        against=against,
        choices=choices,
        comparison=comparison,
        points=points,
        by_sex=by_sex,
    )
