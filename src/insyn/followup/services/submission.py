"""One submission of the occasion form: values, goal assessments, a new goal and the
intervention's extent, written together or not at all.

Every part is validated even when an earlier part fails, so the case worker sees every
problem at once. Error keys say which part they belong to: a variable key (or "<key>.<item>")
and "done_on" for the values, "goal:<field>", "assessment:<goal id>", "extent:<field>".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from insyn.clients.services import intervention_update
from insyn.core.concurrency import VersionConflict
from insyn.followup.models import Goal, Occasion, Variable
from insyn.followup.services.goals import goal_assess, goal_set
from insyn.followup.services.recording import occasion_record

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from insyn.accounts.models import User
    from insyn.clients.models import EndReason, Intervention


@dataclass
class NewGoal:
    text: str
    variable: Variable | None = None
    target: float | None = None
    direction: str = ""


@dataclass
class Extent:
    sessions_planned: int | None
    sessions_held: int | None
    sessions_missed: int | None
    ended_on: dt.date | None
    end_reason: EndReason | None


def extent_changed(intervention: Intervention, extent: Extent) -> bool:
    return any(
        getattr(intervention, name) != value
        for name, value in (
            ("sessions_planned", extent.sessions_planned),
            ("sessions_held", extent.sessions_held),
            ("sessions_missed", extent.sessions_missed),
            ("ended_on", extent.ended_on),
            ("end_reason", extent.end_reason),
        )
    )


def intervention_extent_update(
    *, actor: User | AnonymousUser | None, intervention: Intervention, extent: Extent
) -> None:
    """Record extent and end reason through the clients app's service (it owns interventions,
    checks them, writes the change log and reschedules follow-up)."""
    intervention_update(
        actor=actor,
        intervention=intervention,
        intervention_type=intervention.intervention_type,
        decision=intervention.decision,
        provider=intervention.provider,
        started_on=intervention.started_on,
        ended_on=extent.ended_on,
        end_reason=extent.end_reason,
        sessions_planned=extent.sessions_planned,
        sessions_held=extent.sessions_held,
        sessions_missed=extent.sessions_missed,
        comment=intervention.comment,
    )


def _collect(errors: dict[str, list[str]], prefix: str, step: Callable[[], Any]) -> None:
    """Run one part in a savepoint; keep its errors under `prefix`."""
    try:
        with transaction.atomic():
            step()
    except VersionConflict:
        raise  # the whole submission was made on a stale page: nothing is written
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for key, messages in exc.message_dict.items():
                errors.setdefault(f"{prefix}{key}" if prefix else key, []).extend(messages)
        else:
            errors.setdefault(prefix.rstrip(":") if prefix else "__all__", []).extend(exc.messages)


@transaction.atomic
def occasion_submit(
    *,
    actor: User | AnonymousUser | None,
    occasion: Occasion,
    values: Mapping[str, object],
    done_on: dt.date,
    note: str = "",
    assessments: Sequence[tuple[Goal, str]] = (),
    new_goal: NewGoal | None = None,
    extent: Extent | None = None,
    expected_version: int | None = None,
) -> Occasion:
    """`expected_version` is the occasion's: a stale page raises VersionConflict."""
    errors: dict[str, list[str]] = {}
    _collect(
        errors,
        "",
        lambda: occasion_record(
            actor=actor,
            occasion=occasion,
            values=values,
            done_on=done_on,
            note=note,
            expected_version=expected_version,
        ),
    )
    for goal, outcome in assessments:
        _collect(
            errors,
            f"assessment:{goal.pk}:",
            lambda goal=goal, outcome=outcome: goal_assess(  # type: ignore[misc]
                actor=actor, goal=goal, outcome=outcome, assessed_on=done_on
            ),
        )
    if new_goal is not None:
        _collect(
            errors,
            "goal:",
            lambda: goal_set(
                actor=actor,
                enrollment=occasion.enrollment,
                text=new_goal.text,
                variable=new_goal.variable,
                target=new_goal.target,
                direction=new_goal.direction,
                set_on=done_on,
            ),
        )
    intervention = occasion.enrollment.intervention
    if extent is not None and intervention is not None and extent_changed(intervention, extent):
        _collect(
            errors,
            "extent:",
            lambda: intervention_extent_update(
                actor=actor, intervention=intervention, extent=extent
            ),
        )
    if errors:
        raise ValidationError(errors)
    occasion.refresh_from_db()
    return occasion
