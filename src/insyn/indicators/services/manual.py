"""Manual key figures: values a person enters (or imports) for an org unit, and the local
indicators they belong to (costs, staff turnover, sick leave, anything the municipality keeps).

Who may: a value or its indicator's figures are org data, written with `handle_quality` in the
unit (unit managers and quality leads); a new manual indicator is catalogue data, made by
someone who holds `design` (quality leads, administrators). Every write records a change entry
placed at the unit, so the unit's auditors see who changed which figure. Bad input raises a
ValidationError naming the field and writes nothing; a unit outside scope raises Http404.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from insyn.accounts.models import User
from insyn.core.audit import record_change, snapshot
from insyn.core.roles import Action
from insyn.core.scoping import has_action
from insyn.core.services import ensure_in_scope
from insyn.indicators.models import Indicator, IndicatorValue
from insyn.indicators.periods import ROLLING12, YEAR, rolling_period, year_period
from insyn.indicators.services.stamps import lock_and_check
from insyn.organisations.models import OrgUnit

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    Actor = User | AnonymousUser | None

WRITE = Action.HANDLE_QUALITY
DESIGN = Action.DESIGN
FIRST_YEAR = 1900
KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{1,59}$")
Unit = Indicator.Unit


def _user(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None


def check_value(indicator: Indicator, value: Any, errors: dict[str, list[str]]) -> float:
    """A finite number that fits the indicator's unit (a share 0–100, days/counts/kronor ≥ 0)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        errors["value"] = [_("Enter a number.")]
        return 0.0
    number = float(value)
    if not math.isfinite(number):
        errors["value"] = [_("Enter a number.")]
    elif indicator.unit == Unit.PERCENT and not 0 <= number <= 100:
        errors["value"] = [_("A percentage must lie between 0 and 100.")]
    elif indicator.unit in (Unit.DAYS, Unit.COUNT, Unit.KR) and number < 0:
        errors["value"] = [_("The value cannot be negative for this unit.")]
    return number


def check_period(
    period_kind: str, year: Any, period_end: dt.date | None, errors: dict[str, list[str]]
) -> dt.date | None:
    """The period's last day; a year in the future or a rolling period that has not ended is
    refused (nothing is known about it yet)."""
    today = timezone.localdate()
    if period_kind == YEAR:
        if isinstance(year, bool) or not isinstance(year, int) or year < FIRST_YEAR:
            errors["year"] = [_("Enter a year, e.g. 2025.")]
            return None
        if year > today.year:
            errors["year"] = [
                _("%(year)s is in the future: enter figures for past years.") % {"year": year}
            ]
            return None
        return year_period(year).end
    if period_kind == ROLLING12:
        if period_end is None:
            errors["period_end"] = [_("Give the last day of the twelve months.")]
            return None
        if period_end > today:
            errors["period_end"] = [
                _("The period has not ended yet: enter figures for past periods.")
            ]
            return None
        return rolling_period(period_end).end
    errors["period_kind"] = [_("Choose a calendar year or rolling twelve months.")]
    return None


def check_manual(indicator: Indicator, errors: dict[str, list[str]]) -> None:
    if indicator.source != Indicator.Source.MANUAL or not indicator.active:
        errors["indicator"] = [_("Only indicators entered by hand take manual values.")]


def _check_sex(sex: str, errors: dict[str, list[str]]) -> None:
    if sex not in IndicatorValue.Sex.values:
        errors["sex"] = [_("Choose total, women or men.")]


def _placed(value: IndicatorValue) -> list[str]:
    return [value.org_unit.path] if value.org_unit is not None else []


@transaction.atomic
def manual_value_create(
    *,
    actor: Actor,
    indicator: Indicator,
    org_unit: OrgUnit,
    value: Any,
    year: Any = None,
    sex: str = IndicatorValue.Sex.TOTAL,
    period_kind: str = YEAR,
    period_end: dt.date | None = None,
) -> IndicatorValue:
    """A new manual value; a value for the same indicator, unit, period and sex is refused
    (edit that one instead)."""
    ensure_in_scope(actor, WRITE, org_unit.path)
    errors: dict[str, list[str]] = {}
    check_manual(indicator, errors)
    end = check_period(period_kind, year, period_end, errors)
    _check_sex(sex, errors)
    number = check_value(indicator, value, errors)
    if errors:
        raise ValidationError(errors)
    assert end is not None
    exists = IndicatorValue.objects.filter(
        indicator=indicator,
        org_unit=org_unit,
        period_kind=period_kind,
        period_end=end,
        sex=sex,
        source=IndicatorValue.Source.MANUAL,
    ).exists()
    if exists:
        raise ValidationError(
            _("%(unit)s already has a value for this indicator, period and sex: change that one.")
            % {"unit": org_unit.name}
        )
    row = IndicatorValue.objects.create(
        indicator=indicator,
        org_unit=org_unit,
        period_kind=period_kind,
        year=end.year,
        period_end=end,
        sex=sex,
        value=number,
        source=IndicatorValue.Source.MANUAL,
        entered_by=_user(actor),
        entered_at=timezone.now(),
    )
    record_change(actor=actor, action="create", obj=row, also_paths=_placed(row))
    return row


@transaction.atomic
def manual_value_update(
    *,
    actor: Actor,
    row: IndicatorValue,
    value: Any,
    expected_version: int | None = None,
) -> IndicatorValue:
    """Change the figure of a manual value (who and when move to the one who changed it)."""
    if row.source != IndicatorValue.Source.MANUAL or row.org_unit is None:
        raise Http404
    ensure_in_scope(actor, WRITE, row.org_unit.path)
    lock_and_check(row, expected_version)
    errors: dict[str, list[str]] = {}
    number = check_value(row.indicator, value, errors)
    if errors:
        raise ValidationError(errors)
    before = snapshot(row)
    row.value = number
    row.entered_by = _user(actor)
    row.entered_at = timezone.now()
    row.save()
    record_change(actor=actor, action="update", obj=row, before=before, also_paths=_placed(row))
    return row


@transaction.atomic
def manual_value_delete(
    *, actor: Actor, row: IndicatorValue, expected_version: int | None = None
) -> None:
    if row.source != IndicatorValue.Source.MANUAL or row.org_unit is None:
        raise Http404
    ensure_in_scope(actor, WRITE, row.org_unit.path)
    lock_and_check(row, expected_version)
    before = snapshot(row)
    paths = _placed(row)
    record_change(actor=actor, action="delete", obj=row, before=before, also_paths=paths)
    row.delete()


@transaction.atomic
def manual_indicator_create(
    *,
    actor: Actor,
    key: str,
    title: str,
    unit: str,
    direction: str = Indicator.Direction.NONE,
    description: str = "",
    type: str = "",
    operating_area: str = "",
) -> Indicator:
    """A local indicator whose values are entered by hand (catalogue data: `design`)."""
    if actor is not None and not has_action(actor, DESIGN):
        raise Http404
    errors: dict[str, list[str]] = {}
    key = (key or "").strip().lower()
    title = (title or "").strip()
    if not KEY.match(key):
        errors["key"] = [
            _("Use 2–60 lower-case letters a–z, digits, hyphens or underscores, e.g. sick-leave.")
        ]
    elif Indicator.objects.filter(key=key).exists():
        errors["key"] = [_("An indicator with this key exists already.")]
    if not title:
        errors["title"] = [_("Give the indicator a title.")]
    elif len(title) > 300:
        errors["title"] = [_("At most 300 characters.")]
    if unit not in Unit.values:
        errors["unit"] = [_("Choose a unit.")]
    if direction not in Indicator.Direction.values:
        errors["direction"] = [_("Choose which way is better.")]
    if type and type not in Indicator.Type.values:
        errors["type"] = [_("Choose structure, process or outcome.")]
    if errors:
        raise ValidationError(errors)
    indicator = Indicator.objects.create(
        key=key,
        title=title,
        description=(description or "").strip(),
        unit=unit,
        direction=direction,
        type=type,
        operating_area=(operating_area or "").strip()[:100],
        source=Indicator.Source.MANUAL,
        sort_order=500,
    )
    record_change(actor=actor, action="create", obj=indicator)
    return indicator
