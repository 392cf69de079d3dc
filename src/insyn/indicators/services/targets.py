"""Committee targets for key figures: per indicator, unit and year (or standing, without a
year), a value and whether the figure should be at least or at most it, and where the target
was decided. Org data: `handle_quality` in the unit writes; every write records a change entry
placed at the unit. A second target for the same indicator, unit and year is refused."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from insyn.accounts.models import User
from insyn.core.audit import record_change, snapshot
from insyn.core.roles import Action
from insyn.core.services import ensure_in_scope
from insyn.indicators.models import Indicator, IndicatorTarget
from insyn.indicators.services.manual import FIRST_YEAR
from insyn.indicators.services.stamps import lock_and_check
from insyn.organisations.models import OrgUnit

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    Actor = User | AnonymousUser | None

WRITE = Action.HANDLE_QUALITY
YEARS_AHEAD = 10
C = IndicatorTarget.Comparison
UNIT = Indicator.Unit


def default_comparison(indicator: Indicator) -> str:
    """At least the target when higher is better, at most when lower is better; "" when the
    indicator has no direction (then the user must choose)."""
    return {
        Indicator.Direction.HIGHER: C.AT_LEAST,
        Indicator.Direction.LOWER: C.AT_MOST,
    }.get(indicator.direction, "")  # type: ignore[call-overload]


def _check(
    indicator: Indicator, year: Any, value: Any, comparison: str, decision: str
) -> tuple[float, str]:
    errors: dict[str, list[str]] = {}
    if year is not None:
        last = timezone.localdate().year + YEARS_AHEAD
        if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= last:
            errors["year"] = [
                _("Enter a year from %(first)s to %(last)s, or none for a standing target.")
                % {"first": FIRST_YEAR, "last": last}
            ]
    number = 0.0
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        errors["value"] = [_("Enter a number.")]
    else:
        number = float(value)
        if indicator.unit == UNIT.PERCENT and not 0 <= number <= 100:
            errors["value"] = [_("A percentage must lie between 0 and 100.")]
        elif indicator.unit in (UNIT.DAYS, UNIT.COUNT, UNIT.KR) and number < 0:
            errors["value"] = [_("The value cannot be negative for this unit.")]
    comparison = comparison or default_comparison(indicator)
    if comparison not in C.values:
        errors["comparison"] = [
            _("Choose whether the figure should be at least or at most the target.")
        ]
    if len(decision or "") > 200:
        errors["decision"] = [_("At most 200 characters.")]
    if not indicator.active:
        errors["indicator"] = [_("The indicator is no longer in use.")]
    if errors:
        raise ValidationError(errors)
    return number, comparison


def _duplicate(indicator: Indicator, unit: OrgUnit, year: int | None, pk: int | None) -> None:
    clash = IndicatorTarget.objects.filter(indicator=indicator, org_unit=unit, year=year)
    if pk is not None:
        clash = clash.exclude(pk=pk)
    if clash.exists():
        raise ValidationError(
            _("%(unit)s already has a target for this indicator and year: change that one.")
            % {"unit": unit.name}
            if year is not None
            else _("%(unit)s already has a standing target for this indicator: change that one.")
            % {"unit": unit.name}
        )


@transaction.atomic
def target_create(
    *,
    actor: Actor,
    indicator: Indicator,
    org_unit: OrgUnit,
    value: Any,
    year: int | None = None,
    comparison: str = "",
    decision: str = "",
) -> IndicatorTarget:
    ensure_in_scope(actor, WRITE, org_unit.path)
    number, comparison = _check(indicator, year, value, comparison, decision)
    _duplicate(indicator, org_unit, year, None)
    target = IndicatorTarget.objects.create(
        indicator=indicator,
        org_unit=org_unit,
        year=year,
        value=number,
        comparison=comparison,
        decision=(decision or "").strip(),
        created_by=actor if isinstance(actor, User) else None,
    )
    record_change(actor=actor, action="create", obj=target, also_paths=[org_unit.path])
    return target


@transaction.atomic
def target_update(
    *,
    actor: Actor,
    target: IndicatorTarget,
    value: Any,
    year: int | None = None,
    comparison: str = "",
    decision: str = "",
    expected_version: int | None = None,
) -> IndicatorTarget:
    ensure_in_scope(actor, WRITE, target.org_unit.path)
    lock_and_check(target, expected_version)
    number, comparison = _check(target.indicator, year, value, comparison, decision)
    _duplicate(target.indicator, target.org_unit, year, target.pk)
    before = snapshot(target)
    target.year = year
    target.value = number
    target.comparison = comparison
    target.decision = (decision or "").strip()
    target.save()
    record_change(
        actor=actor, action="update", obj=target, before=before, also_paths=[target.org_unit.path]
    )
    return target


@transaction.atomic
def target_delete(
    *, actor: Actor, target: IndicatorTarget, expected_version: int | None = None
) -> None:
    if target.org_unit_id is None:
        raise Http404
    ensure_in_scope(actor, WRITE, target.org_unit.path)
    lock_and_check(target, expected_version)
    record_change(
        actor=actor,
        action="delete",
        obj=target,
        before=snapshot(target),
        also_paths=[target.org_unit.path],
    )
    target.delete()
