"""The client's journey as the client page shows it, and the registry through which the apps
above clients add their part of it.

Clients sits below follow-up in the house's layering (ARCHITECTURE: which app may import which),
yet the client page shows follow-up enrolments, occasions and goals beside cases and
interventions. So clients defines the shape (`JourneyPart`) and a registry; follow-up registers a
contributor in its AppConfig.ready() and clients never imports it. A contributor reads only what
the user may see (`restrict`), like every selector.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from insyn.clients.models import Case, Client, Decision, Intervention

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from insyn.accounts.models import User

    UserT = User | AnonymousUser


@dataclass
class Event:
    """One dated step on the client's timeline."""

    day: dt.date | None
    # case_opened, case_closed, decision, started, ended, and what contributors add
    # (follow-up: occasion, goal_set, goal_assessed)
    kind: str
    obj: Any
    status: str = ""
    position: int = 0  # among same-day events of one kind, e.g. an occasion's stage order


# Same-day events in the order they happen; a kind not listed comes last. Contributors' kinds are
# named here as plain words (not imported), so the timeline reads the same whoever adds them.
KIND_ORDER = {
    "case_opened": 0,
    "decision": 1,
    "started": 2,
    "occasion": 3,
    "goal_set": 4,
    "goal_assessed": 5,
    "ended": 6,
}


@dataclass
class JourneyPart:
    """What one higher app adds to a client's journey."""

    objects: list[Any] = field(default_factory=list)  # everything shown, for the access log
    events: list[Event] = field(default_factory=list)  # its steps on the timeline
    # what is shown under each intervention (by its pk), e.g. a follow-up enrolment's occasions
    under_intervention: dict[int, list[Any]] = field(default_factory=dict)


# contributor(user, client, today) -> JourneyPart
JourneyContributor = Callable[["UserT", Client, dt.date], JourneyPart]
_contributors: list[JourneyContributor] = []


def register_journey_contributor(contributor: JourneyContributor) -> None:
    """Called by a higher app at start-up; registering twice is harmless."""
    if contributor not in _contributors:
        _contributors.append(contributor)


def journey_contributors() -> list[JourneyContributor]:
    return list(_contributors)


@dataclass
class InterventionJourney:
    intervention: Intervention
    follow_ups: list[Any] = field(default_factory=list)  # from the contributors


@dataclass
class CaseJourney:
    case: Case
    decisions: list[Decision] = field(default_factory=list)
    interventions: list[InterventionJourney] = field(default_factory=list)


@dataclass
class Journey:
    client: Client
    cases: list[CaseJourney]
    today: dt.date
    parts: list[JourneyPart] = field(default_factory=list)

    def shown_objects(self) -> list[Any]:
        """Everything on the page, for the access log."""
        objects: list[Any] = [self.client]
        for cj in self.cases:
            objects += [cj.case, *cj.decisions, *(ij.intervention for ij in cj.interventions)]
        for part in self.parts:
            objects += part.objects
        return objects

    def timeline(self) -> list[Event]:
        """Every dated step, oldest first; same-day steps in the order they happen."""
        events: list[Event] = []
        for cj in self.cases:
            events.append(Event(cj.case.opened_on, "case_opened", cj.case))
            if cj.case.closed_on:
                events.append(Event(cj.case.closed_on, "case_closed", cj.case))
            events += [Event(d.decided_on, "decision", d) for d in cj.decisions]
            for ij in cj.interventions:
                i = ij.intervention
                if i.started_on:
                    events.append(Event(i.started_on, "started", i))
                if i.ended_on:
                    events.append(Event(i.ended_on, "ended", i))
        for part in self.parts:
            events += part.events
        return sorted(
            events,
            key=lambda e: (
                e.day or dt.date.max,
                KIND_ORDER.get(e.kind, len(KIND_ORDER)),
                e.position,
                e.obj.pk,
            ),
        )
