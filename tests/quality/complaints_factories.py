"""Complaints made through the services, in any state (the state machine's own steps)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from insyn.accounts.models import User
from insyn.core.roles import Role
from insyn.organisations.models import OrgUnit
from insyn.quality.models import Complaint
from insyn.quality.services import complaints as services
from tests.factories import user_with_role


def intake(tree: Any) -> User:
    """The municipality's complaints coordinator: quality lead on Växjö itself, so new
    (unassigned) complaints, which sit on the municipality, are in scope."""
    found = User.objects.filter(username="intake").first()
    return found or user_with_role(Role.QUALITY_LEAD, tree.vaxjo, username="intake")


def complaint_in(
    tree: Any,
    state: str = Complaint.State.RECEIVED,
    *,
    unit: OrgUnit | None = None,
    handler: User | None = None,
    received_on: dt.date | None = None,
    on: OrgUnit | None = None,
    **fields: Any,
) -> Complaint:
    """A complaint registered by phone (on the municipality, or `on`), moved through the real
    steps up to `state`."""
    actor = intake(tree)
    received_on = received_on or timezone.localdate() - dt.timedelta(days=5)
    c = services.complaint_register(
        actor=actor,
        unit=on or tree.vaxjo,
        kind=fields.pop("kind", Complaint.Kind.COMPLAINT),
        channel=fields.pop("channel", Complaint.Channel.PHONE),
        text=fields.pop("text", "Jag fick vänta länge på svar."),
        received_on=received_on,
        contact_name=fields.pop("contact_name", "Anna Andersson"),
        contact_email=fields.pop("contact_email", "anna@example.se"),
        wants_answer=fields.pop("wants_answer", True),
        **fields,
    )
    order = [Complaint.State.ASSIGNED, Complaint.State.INVESTIGATING]
    order += [Complaint.State.ANSWERED, Complaint.State.CLOSED]
    if state == Complaint.State.RECEIVED:
        return c
    c = services.complaint_assign(
        actor=actor, complaint=c, unit=unit or tree.vux_unit, handler=handler
    )
    if state == Complaint.State.ASSIGNED:
        return c
    c = services.complaint_investigate(
        actor=actor, complaint=c, investigation="Samtal med enheten."
    )
    if state == Complaint.State.INVESTIGATING:
        return c
    c = services.complaint_answer(actor=actor, complaint=c, answer_text="Vi beklagar.")
    if state == Complaint.State.ANSWERED:
        return c
    return services.complaint_close(actor=actor, complaint=c)
