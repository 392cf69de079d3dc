"""Built data for the key-figure page tests: Kolada areas, a similar group, an indicator with
values (and denominators) per area and year, an own computed figure."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from insyn.indicators.models import (
    ComparisonGroup,
    Indicator,
    IndicatorValue,
    KoladaKpi,
    KoladaMunicipality,
    KoladaSnapshot,
)
from insyn.organisations.models import OrgUnit

# area id, name, value 2024 (per cent), denominator 2024
GROUP = [
    ("0780", "Växjö", 80.0, 400),
    ("0880", "Kalmar", 60.0, 300),
    ("1280", "Malmö", 70.0, 1000),
    ("1480", "Göteborg", 72.5, 900),
    ("0180", "Stockholm", 74.0, 1200),
]
RIKET = ("0000", "Riket", 71.0, 20000)


@dataclass
class Built:
    indicator: Indicator
    group: ComparisonGroup
    areas: dict[str, KoladaMunicipality]


def area(code: str, name: str) -> KoladaMunicipality:
    kind = KoladaMunicipality.Type.REGION if code.startswith("00") else "K"
    return KoladaMunicipality.objects.get_or_create(
        pk=code, defaults={"title": name, "type": kind}
    )[0]


def kolada_value(
    indicator: Indicator,
    where: KoladaMunicipality,
    year: int,
    value: float,
    *,
    denominator: float | None = None,
    sex: str = "T",
    source: str = IndicatorValue.Source.KOLADA,
    status: str = IndicatorValue.Status.FINAL,
) -> IndicatorValue:
    snapshot = KoladaSnapshot.objects.first() or KoladaSnapshot.objects.create(source="file")
    numerator = None if denominator is None else round(value * denominator / 100.0)
    return IndicatorValue.objects.create(
        indicator=indicator,
        municipality=where,
        year=year,
        period_end=dt.date(year, 12, 31),
        sex=sex,
        value=value,
        numerator=numerator,
        denominator=denominator,
        source=source,
        status=status,
        snapshot=snapshot if source == IndicatorValue.Source.KOLADA else None,
    )


def build(
    *, key: str = "U31462", direction: str = "higher", unit: str = "percent", year: int = 2024
) -> Built:
    """A Kolada indicator with values 2023 and `year` for Växjö, its similar group of `year`
    (the four others) and Riket."""
    KoladaKpi.objects.get_or_create(
        pk=key,
        defaults={
            "title": "Ej återaktualiserade vuxna",
            "description": "Kolada beskriver nyckeltalet.",
            "publ_period": str(year),
            "prel_publication_date": dt.date(year + 1, 2, 1),
            "publication_date": dt.date(year + 1, 6, 1),
        },
    )
    indicator = Indicator.objects.create(
        key=key,
        title="Ej återaktualiserade vuxna med försörjningsstöd, andel (%)",
        source=Indicator.Source.KOLADA,
        kolada_kpi=key,
        unit=unit,
        type=Indicator.Type.OUTCOME,
        direction=direction,
        operating_area="Individ- och familjeomsorg",
    )
    areas = {code: area(code, name) for code, name, _v, _d in [*GROUP, RIKET]}
    for code, _name, value, denominator in [*GROUP, RIKET]:
        kolada_value(indicator, areas[code], year, value, denominator=denominator)
        kolada_value(indicator, areas[code], year - 1, value - 2.0, denominator=denominator)
    group = ComparisonGroup.objects.create(
        key="G99999",
        title=f"Liknande kommuner IFO, Växjö, {year}",
        kind=ComparisonGroup.Kind.SIMILAR,
        area="IFO",
        year=year,
        subject=areas["0780"],
    )
    group.members.set([areas[c] for c, *_rest in GROUP if c != "0780"])
    riket = ComparisonGroup.objects.create(key="riket", title="Riket", kind="nation")
    riket.members.set([areas[c] for c, *_rest in GROUP])
    return Built(indicator, group, areas)


def computed_value(indicator: Indicator, unit: OrgUnit, year: int, value: float) -> None:
    IndicatorValue.objects.create(
        indicator=indicator,
        org_unit=unit,
        year=year,
        period_end=dt.date(year, 12, 31),
        value=value,
        numerator=value,
        denominator=100,
        source=IndicatorValue.Source.COMPUTED,
    )
