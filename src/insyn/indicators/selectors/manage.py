"""Reads for managing manual key figures, committee targets and user-defined groups, always
restricted to the user's scope (`view_aggregate` to read, `handle_quality` to write): a row of
a unit outside scope is not in the queryset, so it answers the same 404 as a missing one."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from insyn.core.roles import Action
from insyn.core.scoping import granted_paths, paths_q
from insyn.indicators.models import ComparisonGroup, Indicator, IndicatorTarget, IndicatorValue
from insyn.organisations.models import OrgUnit

READ = Action.VIEW_AGGREGATE
WRITE = Action.HANDLE_QUALITY


def _in_scope(user: Any, action: Action, lookup: str) -> Q | None:
    paths = granted_paths(user, action)
    return paths_q(lookup, paths) if paths else None


def manual_values(user: Any, action: Action = READ) -> QuerySet[IndicatorValue]:
    q = _in_scope(user, action, "org_unit__path")
    rows = IndicatorValue.objects.filter(
        source=IndicatorValue.Source.MANUAL, org_unit__isnull=False
    )
    if q is None:
        return rows.none()
    return rows.filter(q).select_related("indicator", "org_unit", "entered_by")


def manual_values_filtered(
    user: Any,
    *,
    indicator: Indicator | None = None,
    unit: OrgUnit | None = None,
    year: int | None = None,
) -> QuerySet[IndicatorValue]:
    rows = manual_values(user)
    if indicator is not None:
        rows = rows.filter(indicator=indicator)
    if unit is not None:
        rows = rows.filter(org_unit__path__startswith=unit.path)
    if year is not None:
        rows = rows.filter(year=year)
    return rows.order_by(
        "indicator__sort_order", "indicator__key", "org_unit__path", "-year", "sex"
    )


def targets(user: Any, action: Action = READ) -> QuerySet[IndicatorTarget]:
    q = _in_scope(user, action, "org_unit__path")
    if q is None:
        return IndicatorTarget.objects.none()
    return (
        IndicatorTarget.objects.filter(q)
        .select_related("indicator", "org_unit", "created_by")
        .order_by("indicator__sort_order", "indicator__key", "org_unit__path", "year")
    )


def user_groups(user: Any, action: Action = READ) -> QuerySet[ComparisonGroup]:
    """User-defined groups whose owner lies in the user's scope (others: not found)."""
    q = _in_scope(user, action, "owner__path")
    if q is None:
        return ComparisonGroup.objects.none()
    return (
        ComparisonGroup.objects.filter(kind=ComparisonGroup.Kind.USER, owner__isnull=False)
        .filter(q)
        .select_related("owner")
        .prefetch_related("members")
        .order_by("owner__path", "title")
    )


def units(user: Any, action: Action = WRITE) -> QuerySet[OrgUnit]:
    """Active org units where the user may do `action`, in tree order."""
    return OrgUnit.objects.restrict(user, action).filter(active=True).order_by("path")


def unit_by_code(user: Any, code: str, action: Action = WRITE) -> OrgUnit | None:
    """The one active unit in scope with this code; None when unknown, outside scope or
    ambiguous (callers answer all three alike)."""
    found = list(units(user, action).filter(code=code)[:2])
    return found[0] if len(found) == 1 else None


def manual_indicators() -> QuerySet[Indicator]:
    return Indicator.objects.filter(source=Indicator.Source.MANUAL, active=True).order_by(
        "sort_order", "key"
    )


def target_indicators() -> QuerySet[Indicator]:
    """Indicators a target can be set for: the catalogue's and the manual ones."""
    return (
        Indicator.objects.filter(active=True)
        .filter(Q(in_catalogue=True) | Q(source=Indicator.Source.MANUAL))
        .order_by("sort_order", "key")
    )
