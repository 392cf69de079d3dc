"""Reads of comparison groups. Kolada's data is public: no org restriction applies here.
User-defined groups (owner set) must be read through a restricted selector once built."""

from __future__ import annotations

from django.db.models import QuerySet

from insyn.core import context
from insyn.indicators.models import ComparisonGroup, KoladaMunicipality


class NoGroupForYear(LookupError):
    """There is no group of that kind for that municipality and year (message says which
    years there are); never silently fall back to another year's group."""


def similar_group(municipality: str, year: int, area: str = "IFO") -> ComparisonGroup:
    """The "Liknande kommuner <area>, <kommun>, <year>" group chosen for `municipality`
    (a Kolada id such as 0780) for exactly `year`. Looked up once per request (the overview
    asks for it on every tile)."""
    found = context.memoised(
        ("indicators.similar_group", municipality, year, area),
        lambda: _similar_group(municipality, year, area),
    )
    if isinstance(found, str):
        raise NoGroupForYear(found)
    return found


def _similar_group(municipality: str, year: int, area: str) -> ComparisonGroup | str:
    """The group, or why there is none."""
    groups = ComparisonGroup.objects.filter(
        kind=ComparisonGroup.Kind.SIMILAR, area=area, subject_id=municipality
    )
    found = groups.filter(year=year).first()
    if found is not None:
        return found
    years = sorted(y for y in groups.values_list("year", flat=True) if y is not None)
    name = KoladaMunicipality.objects.filter(pk=municipality).values_list("title", flat=True)
    label = name.first() or municipality
    if years:
        return (
            f'Det finns ingen grupp "Liknande kommuner {area}" för {label} år {year} '
            f"(det finns för {', '.join(str(y) for y in years)})."
        )
    return f'Det finns ingen grupp "Liknande kommuner {area}" för {label}.'


def skr_group(municipality: str) -> ComparisonGroup | None:
    """The SKR kommungrupp (one of G92786–G92794) the municipality belongs to."""
    return context.memoised(
        ("indicators.skr_group", municipality),
        lambda: ComparisonGroup.objects.filter(
            kind=ComparisonGroup.Kind.SKR, members=municipality
        ).first(),
    )


def county_group(municipality: str) -> ComparisonGroup | None:
    key = f"county-00{municipality[:2]}"
    return context.memoised(
        ("indicators.group", key), lambda: ComparisonGroup.objects.filter(key=key).first()
    )


def riket_group() -> ComparisonGroup | None:
    return context.memoised(
        ("indicators.group", "riket"), lambda: ComparisonGroup.objects.filter(key="riket").first()
    )


def members(group: ComparisonGroup) -> QuerySet[KoladaMunicipality]:
    return group.members.order_by("id")
