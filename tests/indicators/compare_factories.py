"""Small hand-built Kolada worlds for comparison tests: areas, a similar group of a given
year, indicators and values (Kolada with a snapshot, or synthetic)."""

from __future__ import annotations

import datetime as dt

from insyn.indicators.models import (
    ComparisonGroup,
    Indicator,
    IndicatorValue,
    KoladaMunicipality,
    KoladaSnapshot,
)
from insyn.organisations.models import OrgUnit

# area id → name, for a group chosen for Växjö (0780)
MEMBERS = {
    "0123": "Järfälla",
    "0126": "Huddinge",
    "0184": "Solna",
    "1281": "Lund",
    "1380": "Halmstad",
    "1780": "Karlstad",
    "2281": "Sundsvall",
}


def area(code: str, name: str, org_unit: OrgUnit | None = None) -> KoladaMunicipality:
    obj, _ = KoladaMunicipality.objects.update_or_create(
        pk=code,
        defaults={
            "title": name,
            "type": "L" if code.startswith("00") else "K",
            "org_unit": org_unit,
        },
    )
    return obj


def world(vaxjo_unit: OrgUnit | None = None, year: int = 2024) -> ComparisonGroup:
    """Växjö, Riket, the seven members and Växjö's similar IFO group of `year`."""
    vaxjo = area("0780", "Växjö", vaxjo_unit)
    area("0000", "Riket")
    members = [area(code, name) for code, name in MEMBERS.items()]
    group = similar_group(vaxjo, members, year)
    riket, _ = ComparisonGroup.objects.get_or_create(
        key="riket", defaults={"title": "Riket", "kind": ComparisonGroup.Kind.NATION}
    )
    riket.members.add(vaxjo, *members)
    county, _ = ComparisonGroup.objects.get_or_create(
        key="county-0007", defaults={"title": "Region Kronoberg", "kind": "county"}
    )
    county.members.add(vaxjo)
    return group


def similar_group(
    subject: KoladaMunicipality, members: list[KoladaMunicipality], year: int
) -> ComparisonGroup:
    group, _ = ComparisonGroup.objects.get_or_create(
        key=f"G{year}{subject.pk}",
        defaults={
            "title": f"Liknande kommuner IFO, {subject.title}, {year}",
            "kind": ComparisonGroup.Kind.SIMILAR,
            "area": "IFO",
            "year": year,
            "subject": subject,
        },
    )
    group.members.set(members)
    return group


def indicator(key: str = "U31462", **kw: object) -> Indicator:
    defaults: dict[str, object] = {
        "title": f"Indikator {key}",
        "unit": Indicator.Unit.PERCENT,
        "direction": Indicator.Direction.HIGHER,
        "source": Indicator.Source.KOLADA,
        "kolada_kpi": key,
    }
    defaults.update(kw)
    if defaults["source"] != Indicator.Source.KOLADA and "kolada_kpi" not in kw:
        defaults["kolada_kpi"] = None
    obj, _ = Indicator.objects.update_or_create(key=key, defaults=defaults)
    return obj


def snapshot() -> KoladaSnapshot:
    return KoladaSnapshot.objects.first() or KoladaSnapshot.objects.create(source="file")


def value(
    ind: Indicator,
    code: str,
    year: int,
    v: float,
    *,
    source: str = IndicatorValue.Source.SYNTHETIC,
    sex: str = "T",
    numerator: float | None = None,
    denominator: float | None = None,
    status: str = IndicatorValue.Status.FINAL,
) -> IndicatorValue:
    return IndicatorValue.objects.create(
        indicator=ind,
        municipality_id=code,
        year=year,
        period_end=dt.date(year, 12, 31),
        sex=sex,
        value=v,
        numerator=numerator,
        denominator=denominator,
        source=source,
        status=status,
        snapshot=snapshot() if source == IndicatorValue.Source.KOLADA else None,
    )


def share(ind: Indicator, code: str, year: int, num: int, den: int, **kw: object) -> None:
    value(ind, code, year, round(100 * num / den, 1), numerator=num, denominator=den, **kw)  # type: ignore[arg-type]
