"""Reads behind the key-figure pages (overview, indicator page, comparison page): which
municipalities the user may choose, the catalogue with its filters, and the municipality's own
series of a figure. Kolada values are public; a municipality's own (computed, manual) figures go
through `figures.own_figures`, restricted and suppressed. Comparisons, colours and charts are the
compare area's (`selectors.comparison`, `colours`, `charts`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from insyn.core.roles import Action
from insyn.core.scoping import granted_paths
from insyn.indicators.models import (
    ComparisonGroup,
    Indicator,
    IndicatorValue,
    KoladaKpi,
    KoladaMunicipality,
    QualityDimension,
)
from insyn.indicators.selectors.figures import Figure, own_figures
from insyn.indicators.selectors.figures import own_unit as figures_own_unit
from insyn.indicators.selectors.groups import NoGroupForYear, similar_group
from insyn.organisations.models import OrgUnit

if TYPE_CHECKING:
    from insyn.accounts.models import User

MIN_YEAR = 2000
ACTION = Action.VIEW_AGGREGATE
# Kolada's own value first; a synthetic demo value only where Kolada has none.
AREA_SOURCES = (IndicatorValue.Source.KOLADA, IndicatorValue.Source.SYNTHETIC)


class PageInputError(ValueError):
    """Input the page cannot use; the message is shown to the user."""


def max_year() -> int:
    return timezone.localdate().year


def parse_year(raw: str | None, default: int) -> tuple[int, str]:
    """The year asked for, or `default` with a message saying why the input was not used."""
    text = (raw or "").strip()
    if not text:
        return default, ""
    if not (len(text) == 4 and text.isascii() and text.isdigit()):
        return default, _("Give the year as four digits, e.g. 2024.")
    year = int(text)
    if not MIN_YEAR <= year <= max_year():
        return default, _("The year must be between %(low)s and %(high)s.") % {
            "low": MIN_YEAR,
            "high": max_year(),
        }
    return year, ""


# --- municipalities ----------------------------------------------------------------------------


def municipalities_for(user: User) -> list[OrgUnit]:
    """Municipalities in which the user sees aggregates somewhere (the chooser's options)."""
    paths = granted_paths(user, ACTION)
    units = OrgUnit.objects.filter(kind=OrgUnit.Kind.MUNICIPALITY).order_by("name")
    return [m for m in units if any(m.path.startswith(p) or p.startswith(m.path) for p in paths)]


def choose_municipality(user: User, code: str | None) -> OrgUnit | None:
    """The municipality with `code` among the user's, the first of them without a code; None
    when the user has none. An unknown or foreign code raises OrgUnit.DoesNotExist (→ 404)."""
    options = municipalities_for(user)
    if not code:
        return options[0] if options else None
    found = next((m for m in options if m.code == code), None)
    if found is None:
        raise OrgUnit.DoesNotExist
    return found


def own_unit(user: User, municipality: OrgUnit) -> OrgUnit | None:
    """The unit whose own figures the user sees for `municipality` (figures.own_unit)."""
    return figures_own_unit(user, municipality, ACTION)


def kolada_area(municipality: OrgUnit) -> KoladaMunicipality | None:
    return KoladaMunicipality.objects.filter(pk=municipality.code).first()


def kolada_areas(codes: list[str]) -> list[KoladaMunicipality]:
    """Kolada areas by id, in the order asked; an unknown id raises PageInputError."""
    found = {a.id: a for a in KoladaMunicipality.objects.filter(pk__in=codes)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise PageInputError(
            _("Unknown municipality or region: %(codes)s.") % {"codes": ", ".join(missing)}
        )
    return [found[c] for c in codes]


# --- the catalogue -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogueFilter:
    area: str = ""
    type: str = ""
    source: str = ""
    group_by: str = "dimension"  # or "area"


def catalogue(filters: CatalogueFilter | None = None) -> QuerySet[Indicator]:
    rows = Indicator.objects.filter(in_catalogue=True, active=True).select_related("dimension")
    if filters is not None:
        if filters.area:
            rows = rows.filter(operating_area=filters.area)
        if filters.type:
            rows = rows.filter(type=filters.type)
        if filters.source:
            rows = rows.filter(source=filters.source)
    return rows.order_by("sort_order", "key")


def operating_areas() -> list[str]:
    return sorted({a for a in catalogue().values_list("operating_area", flat=True).distinct() if a})


def dimensions() -> QuerySet[QualityDimension]:
    return QualityDimension.objects.order_by("sort_order", "code")


def indicator_by_key(key: str) -> Indicator:
    """An indicator shown in the pages (raises Indicator.DoesNotExist otherwise)."""
    return Indicator.objects.select_related("dimension").get(key=key, active=True)


def kpi_for(indicator: Indicator) -> KoladaKpi | None:
    if not indicator.kolada_kpi:
        return None
    return KoladaKpi.objects.filter(pk=indicator.kolada_kpi).first()


# --- series --------------------------------------------------------------------------------------


def areas_series(
    indicator: Indicator,
    areas: list[KoladaMunicipality],
    *,
    sex: str = "T",
    year: int | None = None,
) -> dict[str, list[Figure]]:
    """Published values of Kolada areas (one query), oldest first per area: Kolada's value, or
    a synthetic demo value (labelled as such) for a year Kolada has none."""
    names = {a.id: a.title for a in areas}
    rows = IndicatorValue.objects.filter(
        indicator=indicator,
        municipality_id__in=list(names),
        sex=sex,
        period_kind=IndicatorValue.PeriodKind.YEAR,
        source__in=AREA_SOURCES,
    ).order_by("municipality_id", "year")
    if year is not None:
        rows = rows.filter(year=year)
    chosen: dict[tuple[str, int], IndicatorValue] = {}
    for row in rows:
        key = (str(row.municipality_id), row.year)
        if key not in chosen or row.source == IndicatorValue.Source.KOLADA:
            chosen[key] = row
    out: dict[str, list[Figure]] = {a: [] for a in names}
    for (area, _year), row in sorted(chosen.items()):
        out[area].append(
            Figure(
                indicator_key=indicator.key,
                area=area,
                area_name=names[area],
                year=row.year,
                period_kind=row.period_kind,
                period_label=str(row.year),
                sex=row.sex,
                value=row.value,
                numerator=row.numerator,
                denominator=row.denominator,
                source=row.source,
                provenance=row.provenance,
                preliminary=row.preliminary,
            )
        )
    return out


def area_series(indicator: Indicator, area: KoladaMunicipality, *, sex: str = "T") -> list[Figure]:
    return areas_series(indicator, [area], sex=sex)[area.id]


def own_series(
    user: User, indicator: Indicator, municipality: OrgUnit, *, sex: str = "T"
) -> list[Figure]:
    """The municipality's series of one indicator as the user may see it: Kolada's published
    values for a Kolada indicator, the restricted and suppressed own figures otherwise."""
    if indicator.source == Indicator.Source.KOLADA:
        area = kolada_area(municipality)
        return area_series(indicator, area, sex=sex) if area is not None else []
    unit = own_unit(user, municipality)
    if unit is None:
        return []
    try:
        return own_figures(user, indicator, unit, sex=sex, action=ACTION)
    except OrgUnit.DoesNotExist:
        return []


def latest_year(user: User, municipality: OrgUnit) -> int:
    """The year the overview opens on: the newest calendar year with published comparison
    values for the municipality (so tiles have colours), else the newest year of its own
    yearly figures (a rolling twelve months never decides it), else last year."""
    area = kolada_area(municipality)
    newest = max_year()
    area_year = (
        IndicatorValue.objects.filter(
            municipality=area,
            indicator__in_catalogue=True,
            period_kind=IndicatorValue.PeriodKind.YEAR,
            year__lte=newest,
        )
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    if area_year is not None:
        return area_year
    unit = own_unit(user, municipality)
    if unit is not None:
        own_year = (
            IndicatorValue.objects.filter(
                org_unit=unit, period_kind=IndicatorValue.PeriodKind.YEAR, year__lte=newest
            )
            .order_by("-year")
            .values_list("year", flat=True)
            .first()
        )
        if own_year is not None:
            return own_year
    return newest - 1


def similar_group_or_none(municipality: OrgUnit | None, year: int) -> ComparisonGroup | None:
    """The year's "Liknande kommuner IFO" group of the municipality, if there is one."""
    if municipality is None:
        return None
    try:
        return similar_group(municipality.code, year)
    except NoGroupForYear:
        return None
