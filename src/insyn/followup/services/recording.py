"""Recording an occasion (steps 2–4): values validated by the shared parser, or non-response."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from insyn.clients.services import dates
from insyn.clients.services.common import Errors
from insyn.core.audit import record_change
from insyn.core.concurrency import bump_version, check_version, lock_row
from insyn.core.roles import Action
from insyn.core.services import ensure_in_scope
from insyn.followup.models import Enrollment, NonResponseReason, Occasion, Value
from insyn.followup.values import ParsedValue, parse_values

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from insyn.accounts.models import User


def _value_key(variable_key: str, item_key: str | None) -> str:
    return f"{variable_key}.{item_key}" if item_key else variable_key


def _shown(option: Any, number: float | None, date: dt.date | None, text: str) -> Any:
    if option is not None:
        return option.code
    if number is not None:
        return number
    return date.isoformat() if date else text


def _summarise(rows: list[tuple[str, Any]]) -> dict[str, Any]:
    """{key: value}, a list where a multiple choice has several rows."""
    summary: dict[str, Any] = {}
    for key, shown in rows:
        if key not in summary:
            summary[key] = shown
        elif isinstance(summary[key], list):
            summary[key].append(shown)
        else:
            summary[key] = [summary[key], shown]
    return summary


def prefetch_values(occasions: Any) -> Any:
    """`occasions` (a queryset) with their values, variables, instruments and bands in a
    fixed number of queries, for `values_summary` and scores on a page of occasions."""
    from django.db.models import Prefetch

    return occasions.prefetch_related(
        Prefetch(
            "values",
            queryset=Value.objects.select_related("variable__instrument", "item", "option"),
        ),
        "values__variable__instrument__bands",
    )


def values_summary(occasion: Occasion) -> dict[str, Any]:
    """The recorded values as {key: value}, for the change log and for display."""
    rows: Any
    if "values" in getattr(occasion, "_prefetched_objects_cache", {}):
        # a page of occasions prefetched its values (`prefetch_values`): no query per row
        rows = sorted(occasion.values.all(), key=lambda v: v.pk)
    else:
        rows = occasion.values.select_related("variable", "item", "option").order_by("id")
    return _summarise(
        [
            (
                _value_key(v.variable.key, v.item.key if v.item else None),
                _shown(v.option, v.number, v.date, v.text),
            )
            for v in rows
        ]
    )


def _parsed_summary(parsed: list[ParsedValue]) -> dict[str, Any]:
    return _summarise(
        [
            (
                _value_key(p.variable.key, p.item.key if p.item else None),
                _shown(p.option, p.number, p.date, p.text),
            )
            for p in parsed
        ]
    )


def _state(occasion: Occasion) -> dict[str, Any]:
    return {
        "status": occasion.status,
        "done_on": occasion.done_on.isoformat() if occasion.done_on else None,
        "non_response_reason": occasion.non_response_reason.code
        if occasion.non_response_reason
        else None,
        "note": occasion.note,
    }


def check_occasion_date(
    occasion: Occasion, field: str, day: dt.date, *, window: bool = True
) -> None:
    """The occasion's day by the journey's date rules (insyn.clients.services.dates): not in
    the future, not before the client's birth or the case's opening, and (`window`) within a
    sane distance of the stage's window. Raises a ValidationError keyed by `field`."""
    enrollment = occasion.enrollment
    intervention = enrollment.intervention
    errors = Errors()
    dates.check_occasion(
        errors,
        field,
        day,
        birth_date=enrollment.client.birth_date,
        case_opened_on=intervention.case.opened_on if intervention is not None else None,
        window_start=occasion.window_start if window else None,
        window_end=occasion.window_end if window else None,
    )
    errors.raise_if_any()


def _complete_enrollment_if_finished(enrollment: Enrollment) -> None:
    if (
        enrollment.status == Enrollment.Status.ACTIVE
        and not enrollment.occasions.filter(status__in=Occasion.OPEN_STATUSES).exists()
    ):
        enrollment.status = Enrollment.Status.COMPLETED
        enrollment.save(update_fields=["status", "updated_at"])


@transaction.atomic
def occasion_record(
    *,
    actor: User | AnonymousUser | None,
    occasion: Occasion,
    values: Mapping[str, object],
    done_on: dt.date,
    note: str = "",
    expected_version: int | None = None,
) -> Occasion:
    """Record what was measured at this occasion; replaces earlier values of the occasion.

    The occasion's row is locked while its values are replaced, so two recordings at once
    run one after the other (the second sees the first's values); with `expected_version`
    a stale second one raises VersionConflict instead of overwriting.
    Re-recording the same values is a no-op (no write, no change entry), so imports can run
    twice without touching anything.
    """
    lock_row(occasion)
    enrollment = occasion.enrollment
    ensure_in_scope(actor, Action.CHANGE_INDIVIDUAL, enrollment.unit.path)
    check_version(occasion, expected_version)
    if enrollment.status == Enrollment.Status.WITHDRAWN:
        raise ValidationError(_("The client has left the programme; nothing can be recorded."))
    check_occasion_date(occasion, "done_on", done_on)
    parsed = parse_values(occasion.stage, values)
    if not parsed:
        raise ValidationError(
            _("Nothing was recorded. Enter at least one value, or record non-response.")
        )
    before_values = values_summary(occasion)
    after_values = _parsed_summary(parsed)
    before = {**_state(occasion), "values": before_values}
    unchanged = (
        occasion.status == Occasion.Status.DONE
        and occasion.done_on == done_on
        and occasion.note == note.strip()
        and Counter(p.signature() for p in parsed)
        == Counter(
            (v.variable_id, v.item_id, v.number, v.text, v.date, v.option_id)
            for v in occasion.values.all()
        )
    )
    if unchanged:
        return occasion
    occasion.values.all().delete()
    Value.objects.bulk_create(
        Value(
            occasion=occasion,
            variable=p.variable,
            item=p.item,
            number=p.number,
            text=p.text,
            date=p.date,
            option=p.option,
        )
        for p in parsed
    )
    occasion.status = Occasion.Status.DONE
    occasion.done_on = done_on
    occasion.non_response_reason = None
    occasion.note = note.strip()
    if actor is not None and actor.is_authenticated:
        occasion.recorded_by = actor
    bump_version(occasion)
    occasion.save()
    record_change(
        actor=actor,
        action="record",
        obj=occasion,
        before=before,
        after={**_state(occasion), "values": after_values},
    )
    _complete_enrollment_if_finished(enrollment)
    return occasion


@transaction.atomic
def occasion_mark_missed(
    *,
    actor: User | AnonymousUser | None,
    occasion: Occasion,
    reason: NonResponseReason,
    on: dt.date | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Occasion:
    """Non-response (bortfall) with its reason; recorded values, if any, are removed."""
    lock_row(occasion)
    enrollment = occasion.enrollment
    ensure_in_scope(actor, Action.CHANGE_INDIVIDUAL, enrollment.unit.path)
    check_version(occasion, expected_version)
    if not reason.active:
        raise ValidationError({"reason": [_("That reason is no longer in use.")]})
    if on is not None:
        check_occasion_date(occasion, "on", on, window=False)
    if (
        occasion.status == Occasion.Status.MISSED
        and occasion.non_response_reason_id == reason.pk
        and occasion.note == note.strip()
    ):
        return occasion
    before = {**_state(occasion), "values": values_summary(occasion)}
    occasion.values.all().delete()
    occasion.status = Occasion.Status.MISSED
    occasion.done_on = None
    occasion.non_response_reason = reason
    occasion.note = note.strip()
    if actor is not None and actor.is_authenticated:
        occasion.recorded_by = actor
    bump_version(occasion)
    occasion.save()
    record_change(
        actor=actor,
        action="mark_missed",
        obj=occasion,
        before=before,
        after={**_state(occasion), "values": {}, "on": (on or timezone.localdate()).isoformat()},
    )
    _complete_enrollment_if_finished(enrollment)
    return occasion


@transaction.atomic
def occasion_mark_done(
    *,
    actor: User | AnonymousUser | None,
    occasion: Occasion,
    done_on: dt.date,
    note: str = "",
    expected_version: int | None = None,
) -> Occasion:
    """Done without values of its own: for stages whose data comes from elsewhere (the
    questionnaires answered at the occasion). Refused when the stage collects variables."""
    lock_row(occasion)
    enrollment = occasion.enrollment
    ensure_in_scope(actor, Action.CHANGE_INDIVIDUAL, enrollment.unit.path)
    check_version(occasion, expected_version)
    if occasion.stage.stage_variables.exists():
        raise ValidationError(_("This stage collects values; record them to complete it."))
    if occasion.status == Occasion.Status.DONE and occasion.done_on == done_on:
        return occasion
    before = _state(occasion)
    occasion.status = Occasion.Status.DONE
    occasion.done_on = done_on
    occasion.non_response_reason = None
    if note:
        occasion.note = note.strip()
    bump_version(occasion)
    occasion.save()
    record_change(
        actor=actor, action="mark_done", obj=occasion, before=before, after=_state(occasion)
    )
    _complete_enrollment_if_finished(enrollment)
    return occasion


@transaction.atomic
def occasion_reopen(
    *,
    actor: User | AnonymousUser | None,
    occasion: Occasion,
    expected_version: int | None = None,
) -> Occasion:
    """Undo a non-response registration (values recorded earlier stay removed)."""
    lock_row(occasion)
    enrollment = occasion.enrollment
    ensure_in_scope(actor, Action.CHANGE_INDIVIDUAL, enrollment.unit.path)
    check_version(occasion, expected_version)
    if occasion.status != Occasion.Status.MISSED:
        raise ValidationError(_("Only an occasion marked as not done can be reopened."))
    before = _state(occasion)
    occasion.non_response_reason = None
    occasion.status = occasion.Status.PLANNED
    occasion.status = occasion.current_status(timezone.localdate())
    bump_version(occasion)
    occasion.save()
    if enrollment.status == Enrollment.Status.COMPLETED:
        enrollment.status = Enrollment.Status.ACTIVE
        enrollment.save(update_fields=["status", "updated_at"])
    record_change(actor=actor, action="reopen", obj=occasion, before=before, after=_state(occasion))
    return occasion
