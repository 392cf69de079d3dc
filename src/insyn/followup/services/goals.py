"""Goals: concrete and measurable, in the same measure as the main problem (step 2), with an
assessment after the intervention (step 4)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from insyn.core.audit import record_change, snapshot
from insyn.core.concurrency import bump_version, check_version, lock_row
from insyn.core.roles import Action
from insyn.core.services import ensure_in_scope
from insyn.followup.models import Enrollment, Goal, Occasion, Stage, Value, Variable

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from insyn.accounts.models import User


def baseline_for(enrollment: Enrollment, variable: Variable) -> float | None:
    """The variable's value at the occasion where goals are set (or the first 'before' stage)."""
    stages = enrollment.programme.stages.filter(
        sets_goals=True
    ) or enrollment.programme.stages.filter(kind=Stage.Kind.BEFORE)
    value = (
        Value.objects.filter(
            occasion__enrollment=enrollment,
            occasion__stage__in=stages,
            occasion__status=Occasion.Status.DONE,
            variable=variable,
            item__isnull=True,
        )
        .order_by("occasion__stage__sort_order")
        .first()
    )
    return value.number if value else None


@transaction.atomic
def goal_set(
    *,
    actor: User | AnonymousUser | None,
    enrollment: Enrollment,
    text: str,
    variable: Variable | None = None,
    target: float | None = None,
    baseline: float | None = None,
    direction: str = "",
    set_on: dt.date | None = None,
    goal_ref: str = "",
    expected_version: int | None = None,
) -> Goal:
    """Create a goal, or update the one with the same goal_ref (so imports are idempotent).

    `expected_version` applies to that update: a goal changed since the caller read it raises
    VersionConflict."""
    ensure_in_scope(actor, Action.CHANGE_INDIVIDUAL, enrollment.unit.path)
    text = text.strip()
    errors: dict[str, list[str]] = {}
    if not text:
        errors["text"] = [_("Describe the goal.")]
    if variable is not None:
        if variable.programme_id != enrollment.programme_id:
            errors["variable"] = [_("The measure must belong to the client's programme.")]
        elif not variable.is_numeric and target is not None:
            errors["target"] = [_("A target needs a numeric measure.")]
        elif target is not None:
            low, high = variable.min_value, variable.max_value
            if variable.instrument is not None:
                low, high = variable.instrument.min_total, variable.instrument.max_total
            if (low is not None and target < low) or (high is not None and target > high):
                errors["target"] = [_("The target lies outside the measure's range.")]
    elif target is not None:
        errors["variable"] = [_("Choose the measure the target is in.")]
    direction = direction or (variable.direction if variable else "")
    if direction and direction not in ("lower", "higher"):
        errors["direction"] = [_("Direction must be lower or higher.")]
    if errors:
        raise ValidationError(errors)
    if baseline is None and variable is not None:
        baseline = baseline_for(enrollment, variable)
    fields = {
        "text": text,
        "variable": variable,
        "target": target,
        "baseline": baseline,
        "direction": direction,
        "set_on": set_on or timezone.localdate(),
    }
    goal = (
        Goal.objects.filter(enrollment=enrollment, goal_ref=goal_ref).first() if goal_ref else None
    )
    if goal is None:
        goal = Goal.objects.create(enrollment=enrollment, goal_ref=goal_ref, **fields)
        record_change(actor=actor, action="create", obj=goal)
        return goal
    lock_row(goal)
    check_version(goal, expected_version)
    before = snapshot(goal)
    changed = [k for k, v in fields.items() if getattr(goal, k) != v]
    if not changed:
        return goal
    for k in changed:
        setattr(goal, k, fields[k])
    bump_version(goal)
    goal.save()
    record_change(actor=actor, action="update", obj=goal, before=before)
    return goal


@transaction.atomic
def goal_assess(
    *,
    actor: User | AnonymousUser | None,
    goal: Goal,
    outcome: str,
    assessed_on: dt.date | None = None,
    expected_version: int | None = None,
) -> Goal:
    lock_row(goal)
    ensure_in_scope(actor, Action.CHANGE_INDIVIDUAL, goal.enrollment.unit.path)
    check_version(goal, expected_version)
    if outcome not in Goal.Outcome.values:
        raise ValidationError({"outcome": [_("Choose achieved, partly, not achieved or unknown.")]})
    assessed_on = assessed_on or timezone.localdate()
    if assessed_on < goal.set_on:
        raise ValidationError({"assessed_on": [_("A goal cannot be assessed before it was set.")]})
    if goal.outcome == outcome and goal.assessed_on == assessed_on:
        return goal
    before = snapshot(goal)
    goal.outcome, goal.assessed_on = outcome, assessed_on
    goal.save(update_fields=["outcome", "assessed_on", "updated_at", *bump_version(goal)])
    record_change(actor=actor, action="assess", obj=goal, before=before)
    return goal
