"""A small world for report tests: Växjö with a Kolada KPI over two years (its similar group
of 2024, Riket), a computed figure of the social services administration (AOV) and one whose
group is too small to show."""

from __future__ import annotations

from typing import Any

from insyn.indicators.models import IndicatorValue
from insyn.reports import spec
from tests.indicators import compare_factories as f

KPI = "U31462"
COMPUTED = "reaktualisering_unga_13_20"
SMALL = "reaktualisering_barn_0_12"
# Kolada values (synthetic source, as in tests of comparisons): Växjö, the group, Riket
VAXJO = {2023: 60.0, 2024: 62.5}
RIKET = {2023: 55.0, 2024: 56.0}
MEMBERS = [50.0, 52.0, 58.0, 61.0, 64.0, 70.0, 71.0]


def own(ind: Any, unit: Any, year: int, num: int, den: int) -> IndicatorValue:
    return IndicatorValue.objects.create(
        indicator=ind,
        org_unit=unit,
        year=year,
        period_end=f"{year}-12-31",
        value=100 * num / den,
        numerator=num,
        denominator=den,
        source=IndicatorValue.Source.COMPUTED,
    )


def world(tree: Any) -> dict[str, Any]:
    f.world(vaxjo_unit=tree.vaxjo, year=2024)
    kpi = f.indicator(KPI, title="Ej återaktualiserade vuxna med försörjningsstöd, andel (%)")
    for year, v in VAXJO.items():
        f.value(kpi, "0780", year, v)
        f.value(kpi, "0000", year, RIKET[year])
    for code, v in zip(f.MEMBERS, MEMBERS, strict=True):
        f.value(kpi, code, 2024, v)
    computed = f.indicator(COMPUTED, title="Ej återaktualiserade unga 13–20 år", source="computed")
    own(computed, tree.vaxjo, 2024, 182, 200)
    own(computed, tree.aov, 2024, 150, 160)  # 93.75 %
    small = f.indicator(SMALL, title="Ej återaktualiserade barn 0–12 år", source="computed")
    own(small, tree.vaxjo, 2024, 2, 3)  # 66.7 % of three children: hidden
    own(small, tree.aov, 2024, 2, 3)
    return {"kpi": kpi, "computed": computed, "small": small}


def template(*chapters: dict[str, Any]) -> dict[str, Any]:
    return spec.validate(
        {"key": "test", "version": 1, "title": {"sv": "Testrapport"}, "chapters": list(chapters)}
    )


def chapter(*blocks: dict[str, Any], title: str = "Kapitel") -> dict[str, Any]:
    return {"id": "k1", "title": title, "blocks": list(blocks)}
