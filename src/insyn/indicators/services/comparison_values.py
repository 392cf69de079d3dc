"""Writes of synthetic comparison values: the demo's stand-ins for Kolada values the shipped
copy does not hold. They are stored with source `synthetic` and no snapshot, so every page,
export and API answer prints "Syntetiskt jämförelsevärde (demo), inte från Kolada" — never
"Källa: Kolada". A cell that has a real Kolada value is never given a synthetic one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from insyn.indicators.models import Indicator, IndicatorValue, KoladaMunicipality


@dataclass(frozen=True)
class SyntheticCell:
    area: str  # Kolada id
    year: int
    sex: str
    value: float
    numerator: float | None = None
    denominator: float | None = None


@transaction.atomic
def store_synthetic_values(*, indicator: Indicator, cells: Iterable[SyntheticCell]) -> int:
    """Replace the synthetic values of these areas and years; returns how many were written.
    Cells where Kolada has a value are skipped."""
    cells = list(cells)
    areas = {a.pk: a for a in KoladaMunicipality.objects.filter(pk__in={c.area for c in cells})}
    real = set(
        IndicatorValue.objects.filter(
            indicator=indicator,
            source=IndicatorValue.Source.KOLADA,
            period_kind=IndicatorValue.PeriodKind.YEAR,
        ).values_list("municipality_id", "year", "sex")
    )
    keep = [c for c in cells if (c.area, c.year, c.sex) not in real]
    for cell in keep:
        if cell.area not in areas:
            raise ValueError(f"Unknown Kolada area {cell.area}")
    IndicatorValue.objects.filter(
        indicator=indicator,
        source=IndicatorValue.Source.SYNTHETIC,
        municipality_id__in=list(areas),
        year__in={c.year for c in keep},
        period_kind=IndicatorValue.PeriodKind.YEAR,
    ).delete()
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            indicator=indicator,
            municipality=areas[cell.area],
            period_kind=IndicatorValue.PeriodKind.YEAR,
            period_end=dt.date(cell.year, 12, 31),
            year=cell.year,
            sex=cell.sex,
            value=cell.value,
            numerator=cell.numerator,
            denominator=cell.denominator,
            source=IndicatorValue.Source.SYNTHETIC,
            status=IndicatorValue.Status.FINAL,
        )
        for cell in keep
    )
    return len(keep)
