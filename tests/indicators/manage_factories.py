"""Factories for the manage area's tests: indicators, values, targets and groups through the
real services; Kolada municipalities as bare rows (reference data)."""

from __future__ import annotations

import itertools
from typing import Any

from insyn.indicators.models import (
    ComparisonGroup,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    KoladaMunicipality,
)
from insyn.indicators.services import groups, manual, targets
from insyn.organisations.models import OrgUnit

_seq = itertools.count(1)


def indicator(
    actor: Any = None, *, unit: str = "percent", key: str | None = None, **kw: Any
) -> Indicator:
    return manual.manual_indicator_create(
        actor=actor,
        key=key or f"local-{next(_seq)}",
        title=kw.pop("title", "Personalomsättning"),
        unit=unit,
        **kw,
    )


def catalogue_indicator(
    *, key: str = "U31462", direction: str = "higher", unit: str = "percent"
) -> Indicator:
    return Indicator.objects.create(
        key=key,
        title=f"Kolada {key}",
        unit=unit,
        direction=direction,
        source="kolada",
        kolada_kpi=key,
    )


def value(
    actor: Any, ind: Indicator, unit: OrgUnit, *, year: int = 2024, v: float = 12.5, sex: str = "T"
) -> IndicatorValue:
    return manual.manual_value_create(
        actor=actor, indicator=ind, org_unit=unit, year=year, value=v, sex=sex
    )


def target(
    actor: Any,
    ind: Indicator,
    unit: OrgUnit,
    *,
    year: int | None = 2025,
    v: float = 80.0,
    **kw: Any,
) -> IndicatorTarget:
    return targets.target_create(
        actor=actor, indicator=ind, org_unit=unit, year=year, value=v, **kw
    )


def municipalities(*ids: str) -> list[KoladaMunicipality]:
    return [
        KoladaMunicipality.objects.get_or_create(
            pk=i, defaults={"title": f"Kommun {i}", "type": "K"}
        )[0]
        for i in ids
    ]


def group(
    actor: Any,
    owner: OrgUnit,
    *,
    title: str = "Våra grannar",
    ids: tuple[str, ...] = ("0764", "0765"),
) -> ComparisonGroup:
    return groups.group_create(actor=actor, owner=owner, title=title, members=municipalities(*ids))
