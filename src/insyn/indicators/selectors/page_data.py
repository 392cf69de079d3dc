"""What each key-figure page shows, assembled from the series (selectors.pages) and the
comparisons (selectors.page_compare): the overview's tiles, the indicator page and the
comparison table. Views only parse input, call one of these and render."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from insyn.core.scoping import granted_paths
from insyn.indicators.models import (
    PROVENANCE_KOLADA_DERIVED,
    Indicator,
    IndicatorTarget,
    KoladaKpi,
    KoladaMunicipality,
)
from insyn.indicators.selectors import page_compare as pc
from insyn.indicators.selectors import pages
from insyn.indicators.selectors.figures import Figure

if TYPE_CHECKING:
    from insyn.accounts.models import User
    from insyn.organisations.models import OrgUnit


def sexes() -> list[tuple[str, str]]:
    return [("T", _("Total")), ("K", _("Women")), ("M", _("Men"))]


def fmt(value: float | None, unit: str = "") -> str:
    """A number in the page's (Swedish) format with its unit; an en dash for nothing."""
    if value is None:
        return "–"
    decimals = 0 if unit == Indicator.Unit.COUNT or float(value).is_integer() else 1
    text = number_format(round(value, decimals), decimal_pos=decimals)
    suffix = {"percent": " %", "days": " " + _("days"), "kr": " kr"}.get(unit, "")
    return text + suffix


@dataclass
class Tile:
    indicator: Indicator
    year: int
    figure: Figure | None
    previous: Figure | None
    series: list[Figure]
    colour: str
    colour_label: str
    group_title: str
    sparkline: str
    provenance: list[str]

    @property
    def value_text(self) -> str:
        if self.figure is not None and self.figure.suppressed:
            return _("Hidden: too few persons.")
        return fmt(self.figure.value if self.figure else None, self.indicator.unit)

    @property
    def change(self) -> float | None:
        if self.figure is None or self.previous is None:
            return None
        if self.figure.value is None or self.previous.value is None:
            return None
        return self.figure.value - self.previous.value

    @property
    def change_text(self) -> str:
        change = self.change
        if change is None:
            return _("No value for the year before")
        sign = "+" if change > 0 else ("−" if change < 0 else "±")
        amount = sign + fmt(abs(change), self.indicator.unit)
        direction = self.indicator.direction
        if change == 0 or direction == Indicator.Direction.NONE:
            verdict = _("unchanged") if change == 0 else ""
        elif (change > 0) == (direction == Indicator.Direction.HIGHER):
            verdict = _("better")
        else:
            verdict = _("worse")
        label = _("since %(year)s") % {"year": self.year - 1}
        return f"{amount} {label}" + (f" ({verdict})" if verdict else "")


@dataclass
class TileGroup:
    title: str
    tiles: list[Tile] = field(default_factory=list)


def _year_of(series: list[Figure], year: int) -> Figure | None:
    return next((f for f in series if f.year == year), None)


def overview(
    user: User,
    municipality: OrgUnit,
    year: int,
    filters: pages.CatalogueFilter,
    mode: str = pc.RANK,
) -> list[TileGroup]:
    """Tiles per catalogue indicator for `municipality` and `year`, grouped by quality
    dimension (or operating area). Colours: rank quartiles in the year's similar IFO group."""
    from insyn.indicators.page_charts import data_uri, sparkline_svg

    area = pages.kolada_area(municipality)
    group = pc.default_group(area, year)
    groups: dict[str, TileGroup] = {}
    for indicator in pages.catalogue(filters):
        series = [f for f in pages.own_series(user, indicator, municipality) if f.year <= year]
        figure = _year_of(series, year)
        previous = _year_of(series, year - 1)
        colour, label, group_title = pc.GREY, pc.colour_text(pc.GREY, mode), ""
        provenance = sorted({f.provenance for f in ([figure] if figure else [])})
        if group is not None and figure is not None and figure.value is not None:
            comparison = pc.compare_in_group(indicator, group, area, figure, year, mode=mode)
            subject = comparison.subject
            if subject is not None:
                colour, label = subject.colour, subject.colour_label
                group_title = comparison.title
                provenance.append(PROVENANCE_KOLADA_DERIVED)
        spark = sparkline_svg([f.value for f in series[-8:]])
        if filters.group_by == "area":
            heading = indicator.operating_area or _("Other")
        else:
            heading = indicator.dimension.name if indicator.dimension else _("Other")
        groups.setdefault(heading, TileGroup(heading)).tiles.append(
            Tile(
                indicator=indicator,
                year=year,
                figure=figure,
                previous=previous,
                series=series,
                colour=colour,
                colour_label=label,
                group_title=group_title,
                sparkline=data_uri(spark) if spark else "",
                provenance=provenance,
            )
        )
    return list(groups.values())


# --- the indicator page -----------------------------------------------------------------------


@dataclass
class TargetResult:
    value: float
    comparison: str
    decision: str
    met: bool | None


@dataclass
class IndicatorPage:
    indicator: Indicator
    kpi: KoladaKpi | None
    municipality: OrgUnit
    area: KoladaMunicipality | None
    year: int
    sex: str
    series: list[Figure]
    figure: Figure | None
    comparison: pc.GroupComparison | None
    group_series: list[tuple[str, list[Figure]]]  # other lines in the series chart
    by_sex: list[tuple[str, Figure | None]]
    target: TargetResult | None
    choices: list[tuple[str, str]]
    group_key: str
    notice: str = ""

    @property
    def years(self) -> list[int]:
        found = {f.year for f in self.series}
        for _name, line in self.group_series:
            found |= {f.year for f in line}
        return sorted(found)

    def series_table(self) -> list[tuple[int, list[str]]]:
        """The series chart's numbers: per year, the municipality then each comparison line."""
        lines = [self.series] + [line for _n, line in self.group_series]
        return [
            (
                y,
                [
                    fmt(f.value if (f := _year_of(line, y)) else None, self.indicator.unit)
                    for line in lines
                ],
            )
            for y in self.years
        ]


def _target(
    user: User, indicator: Indicator, municipality: OrgUnit, year: int, figure: Figure | None
) -> TargetResult | None:
    unit = pages.own_unit(user, municipality)
    if unit is None:
        return None
    target = (
        IndicatorTarget.objects.filter(indicator=indicator, org_unit=unit)
        .filter(Q(year=year) | Q(year__isnull=True))
        .order_by("year")  # a target for the year (not null) before the standing one
        .first()
    )
    if target is None:
        return None
    met = None
    if figure is not None and figure.value is not None:
        met = target.met(figure.value)
    return TargetResult(target.value, target.get_comparison_display(), target.decision, met)


def indicator_page(
    user: User,
    indicator: Indicator,
    municipality: OrgUnit,
    year: int,
    *,
    group_key: str = "",
    mode: str = pc.RANK,
    level: str = "95",
    sex: str = "T",
) -> IndicatorPage:
    """Everything the indicator page shows. A group key that is not among this year's choices
    raises PageInputError with the reason."""
    area = pages.kolada_area(municipality)
    series = pages.own_series(user, indicator, municipality, sex=sex)
    figure = _year_of(series, year)
    choices = pc.group_choices(area, year, granted_paths(user, pages.ACTION))
    group = None
    if group_key:
        group = pc.group_for(group_key, area, year, choices)
    elif choices:
        group = pc.group_for(choices[0][0], area, year, choices)
    comparison = None
    group_series: list[tuple[str, list[Figure]]] = []
    if group is not None:
        comparison = pc.compare_in_group(
            indicator, group, area, figure, year, mode=mode, level=level, sex=sex
        )
        group_series.append(
            (
                _("%(group)s (group value)") % {"group": group.title},
                pc.group_value_series(indicator, group, area, sex, mode),
            )
        )
    riket = KoladaMunicipality.objects.filter(pk="0000").first()
    if riket is not None and (group is None or group.key != "riket"):
        line = pages.area_series(indicator, riket, sex=sex)
        if line:
            group_series.append((riket.title, line))
    by_sex = [
        (label, _year_of(pages.own_series(user, indicator, municipality, sex=code), year))
        for code, label in sexes()
    ]
    return IndicatorPage(
        indicator=indicator,
        kpi=pages.kpi_for(indicator),
        municipality=municipality,
        area=area,
        year=year,
        sex=sex,
        series=series,
        figure=figure,
        comparison=comparison,
        group_series=group_series,
        by_sex=by_sex,
        target=_target(user, indicator, municipality, year, figure),
        choices=choices,
        group_key=group.key if group is not None else "",
    )
