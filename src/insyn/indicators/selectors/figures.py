"""The one path a stored key figure takes to a page, an export, the API or a report: restricted
to what the user may see and suppressed by the house rule. Other modules never read
IndicatorValue rows of org units directly.

FOUNDATION: the dataclass and signatures are fixed; the body is a first version (no
suppression yet) that the computations area replaces."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from insyn.core.roles import Action
from insyn.indicators.models import Indicator, IndicatorValue
from insyn.organisations.models import OrgUnit

if TYPE_CHECKING:
    from insyn.accounts.models import User


@dataclass(frozen=True)
class Figure:
    """One published value. `value` is None when suppressed (`suppressed` True) or missing.
    `numerator`/`denominator` are None whenever `value` is hidden."""

    indicator_key: str
    area: str  # OrgUnit code or Kolada id
    area_name: str
    year: int
    period_kind: str
    period_label: str
    sex: str
    value: float | None
    numerator: float | None
    denominator: float | None
    source: str  # IndicatorValue.Source
    provenance: str
    preliminary: bool = False
    suppressed: bool = False


def own_figures(
    user: User,
    indicator: Indicator,
    org_unit: OrgUnit,
    *,
    years: Sequence[int] | None = None,
    sex: str | None = None,
    period_kind: str = IndicatorValue.PeriodKind.YEAR,
    action: Action = Action.VIEW_AGGREGATE,
) -> list[Figure]:
    """Computed and manual figures of `org_unit` (raises OrgUnit.DoesNotExist when the unit is
    outside the user's scope: the same answer as for a missing unit), oldest year first."""
    if not OrgUnit.objects.restrict(user, action).filter(pk=org_unit.pk).exists():
        raise OrgUnit.DoesNotExist
    rows = IndicatorValue.objects.filter(
        indicator=indicator, org_unit=org_unit, period_kind=period_kind
    )
    if years:
        rows = rows.filter(year__in=list(years))
    if sex:
        rows = rows.filter(sex=sex)
    return [
        Figure(
            indicator_key=indicator.key,
            area=org_unit.code,
            area_name=org_unit.name,
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
        for row in rows.order_by("year", "sex")
    ]
