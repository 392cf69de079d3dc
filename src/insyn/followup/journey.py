"""Follow-up's part of the client's journey: enrolments with their occasions under each
intervention, occasions and goals on the timeline.

Registered with clients at start-up (FollowupConfig.ready), so the client page shows follow-up
without clients importing the app above it (ARCHITECTURE: which app may import which).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from insyn.clients.models import Client
from insyn.clients.timeline import Event, JourneyPart
from insyn.core.roles import Action
from insyn.followup.models import Enrollment, Goal, Occasion

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from insyn.accounts.models import User


@dataclass
class EnrollmentJourney:
    """One enrolment under its intervention, with its occasions in stage order."""

    enrollment: Enrollment
    occasions: list[Occasion]


def followup_journey(user: User | AnonymousUser, client: Client, today: dt.date) -> JourneyPart:
    """The client's enrolments, occasions and goals the user may see; occasions carry their
    status as of `today` and keep their programme's stage order among same-day steps."""
    enrollments = list(
        Enrollment.objects.restrict(user, Action.VIEW_INDIVIDUAL)
        .filter(client=client)
        .select_related("programme")
        .order_by("enrolled_on", "pk")
    )
    occasions = list(
        Occasion.objects.restrict(user, Action.VIEW_INDIVIDUAL)
        .filter(enrollment__in=enrollments)
        .select_related("stage", "non_response_reason")
        .in_stage_order()
    )
    goals = list(
        Goal.objects.restrict(user, Action.VIEW_INDIVIDUAL)
        .filter(enrollment__in=enrollments)
        .select_related("enrollment__programme")
        .order_by("set_on", "pk")
    )
    occasions_of: dict[int, list[Occasion]] = {}
    for o in occasions:
        occasions_of.setdefault(o.enrollment_id, []).append(o)
    part = JourneyPart(objects=[*enrollments, *occasions, *goals])
    for e in enrollments:
        if e.intervention_id is not None:
            part.under_intervention.setdefault(e.intervention_id, []).append(
                EnrollmentJourney(e, occasions_of.get(e.pk, []))
            )
    for position, o in enumerate(occasions):  # already in stage order
        status = o.current_status(today)
        part.events.append(
            Event(o.done_on or o.due_on, "occasion", o, status=status, position=position)
        )
    for g in goals:
        part.events.append(Event(g.set_on, "goal_set", g))
        if g.assessed_on:
            part.events.append(Event(g.assessed_on, "goal_assessed", g))
    return part
