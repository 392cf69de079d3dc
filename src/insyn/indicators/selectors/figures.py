"""The one path a stored key figure takes to a page, an export, the API or a report: restricted
to what the user may see and suppressed by the house rule. Other modules never read
IndicatorValue rows of org units directly.

Restriction: the unit must be in `OrgUnit.objects.restrict(user, action)`; a unit outside the
user's scope raises `OrgUnit.DoesNotExist`, the same answer as for a missing unit.

Suppression (computed figures only; `figure_suppression` has the rule): a figure whose
denominator (the persons or cases behind it) is 1 to `settings.INSYN_MIN_CELL − 1` is hidden,
and complementary figures across sex and across the units of the municipality are hidden so
no hidden one can be recovered. The table is always the whole municipality's, whoever asks,
so every user (a regional analyst as much as a unit manager) sees the same suppressed
aggregates and two users cannot together reveal a cell. Manual values (entered by hand:
costs, staff turnover) are not person counts and are shown as entered. A hidden figure keeps
its place (`suppressed=True`) with value, numerator and denominator None."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings

from insyn.core import context
from insyn.core.roles import Action
from insyn.indicators.models import Indicator, IndicatorValue
from insyn.indicators.periods import rolling_period
from insyn.indicators.selectors.figure_suppression import hidden_cells
from insyn.organisations.models import OrgUnit

if TYPE_CHECKING:
    from insyn.accounts.models import User

SEX_ORDER = {"T": 0, "K": 1, "M": 2}


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
    period_end: dt.date | None = None
    unit_id: int | None = None


def period_label(period_kind: str, period_end: dt.date) -> str:
    if period_kind == IndicatorValue.PeriodKind.ROLLING12:
        return rolling_period(period_end).label()
    return str(period_end.year)


def visible_unit(user: User, action: Action, org_unit: OrgUnit) -> None:
    """Raise OrgUnit.DoesNotExist unless `org_unit` is in the user's scope for `action`."""
    visible = context.memoised(
        ("indicators.visible_unit", user.pk, str(action), org_unit.pk),
        lambda: OrgUnit.objects.restrict(user, action).filter(pk=org_unit.pk).exists(),
    )
    if not visible:
        raise OrgUnit.DoesNotExist


def _table_root(org_unit: OrgUnit) -> OrgUnit:
    """The unit whose subtree is one suppression table: the municipality of a unit below one,
    else the unit itself (a region or the nation hold no computed rows of their own)."""
    if org_unit.municipality_id and org_unit.municipality_id != org_unit.pk:
        pk = org_unit.municipality_id
        return context.memoised(("indicators.unit", pk), lambda: OrgUnit.objects.get(pk=pk))
    return org_unit


def suppressed_rows(rows: Sequence[IndicatorValue], paths: dict[int, str]) -> set[int]:
    """Ids of the computed rows to hide, one table per indicator and period."""
    tables: dict[tuple[int, str, dt.date], list[IndicatorValue]] = defaultdict(list)
    for row in rows:
        if row.source == IndicatorValue.Source.COMPUTED and row.org_unit_id is not None:
            tables[(row.indicator_id, row.period_kind, row.period_end)].append(row)
    hidden: set[int] = set()
    for table in tables.values():
        denominators = {(r.org_unit_id, r.sex): r.denominator for r in table if r.org_unit_id}
        cells = hidden_cells(denominators, paths, min_cell=settings.INSYN_MIN_CELL)
        hidden |= {r.pk for r in table if (r.org_unit_id, r.sex) in cells}
    return hidden


def _figure(row: IndicatorValue, unit: OrgUnit, hidden: bool) -> Figure:
    return Figure(
        indicator_key=row.indicator.key,
        area=unit.code,
        area_name=unit.name,
        year=row.year,
        period_kind=row.period_kind,
        period_label=period_label(row.period_kind, row.period_end),
        sex=row.sex,
        value=None if hidden else row.value,
        numerator=None if hidden else row.numerator,
        denominator=None if hidden else row.denominator,
        source=row.source,
        provenance=row.provenance,
        preliminary=row.preliminary,
        suppressed=hidden,
        period_end=row.period_end,
        unit_id=unit.pk,
    )


def _figures(
    indicator: Indicator,
    root: OrgUnit,
    shown: dict[int, OrgUnit],
    *,
    years: Sequence[int] | None,
    sex: str | None,
    period_kind: str,
) -> list[Figure]:
    paths: dict[int, str] = context.memoised(  # the same subtree for every tile; not changed
        ("indicators.subtree_paths", root.path),
        lambda: dict(OrgUnit.objects.filter(path__startswith=root.path).values_list("pk", "path")),
    )
    rows = list(
        IndicatorValue.objects.filter(
            indicator=indicator, org_unit_id__in=list(paths), period_kind=period_kind
        ).select_related("indicator")
    )
    if years:
        rows = [r for r in rows if r.year in set(years)]
    hidden = suppressed_rows(rows, paths)
    figures = [
        _figure(row, shown[row.org_unit_id], row.pk in hidden)
        for row in rows
        if row.org_unit_id in shown and (sex is None or row.sex == sex)
    ]
    depth = {u.pk: (u.path, u.pk) for u in shown.values()}
    return sorted(
        figures,
        key=lambda f: (
            f.year,
            f.period_end or dt.date.min,
            depth[f.unit_id or 0],
            SEX_ORDER.get(f.sex, 9),
            f.source,
        ),
    )


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
    outside the user's scope: the same answer as for a missing unit), oldest year first,
    suppressed."""
    visible_unit(user, action, org_unit)
    return _figures(
        indicator,
        _table_root(org_unit),
        {org_unit.pk: org_unit},
        years=years,
        sex=sex,
        period_kind=period_kind,
    )


def unit_figures(
    user: User,
    indicator: Indicator,
    municipality: OrgUnit,
    *,
    years: Sequence[int] | None = None,
    sex: str | None = None,
    period_kind: str = IndicatorValue.PeriodKind.YEAR,
    action: Action = Action.VIEW_AGGREGATE,
) -> list[Figure]:
    """Figures of `municipality` and of every unit below it that the user may see (a unit
    list: the same suppression as `own_figures`). Raises OrgUnit.DoesNotExist when the user
    sees no unit of the municipality."""
    visible = {
        u.pk: u
        for u in OrgUnit.objects.restrict(user, action).filter(path__startswith=municipality.path)
    }
    if not visible:
        raise OrgUnit.DoesNotExist
    return _figures(
        indicator,
        _table_root(municipality),
        visible,
        years=years,
        sex=sex,
        period_kind=period_kind,
    )


def own_unit(
    user: User, municipality: OrgUnit, action: Action = Action.VIEW_AGGREGATE
) -> OrgUnit | None:
    """The unit whose own figures `user` sees for `municipality`: the municipality itself when
    a grant covers it, else the widest unit the user is granted inside it (a quality lead of
    the social services administration sees its figures), else None."""
    from insyn.core.scoping import granted_paths

    paths = granted_paths(user, action)
    if any(municipality.path.startswith(p) for p in paths):
        return municipality
    inside = sorted((p for p in paths if p.startswith(municipality.path)), key=len)
    if not inside:
        return None
    return context.memoised(
        ("indicators.unit_at", inside[0]), lambda: OrgUnit.objects.filter(path=inside[0]).first()
    )
