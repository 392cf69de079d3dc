"""A moved case takes its survey responses and their invitations along
(see insyn.followup.scope_follow)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from insyn.core.audit import record_change, snapshot
from insyn.followup.scope_follow import stale_invitations, stale_responses
from insyn.surveys.models import Invitation, Response

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from insyn.accounts.models import User
    from insyn.clients.models import Case


@transaction.atomic
def responses_follow_case(
    *, actor: User | AnonymousUser | None, case: Case, from_path: str = ""
) -> int:
    """Give the responses at the case's occasions their enrolment's unit, and the invitations
    to answer them the response's unit (their answers and scheduled messages hang off them).
    Call after `enrollments_follow_case`, inside the move's transaction. Survey rounds are
    unit-level and anonymous, linked to no case: they and their invitations stay."""
    moved = 0
    for response in stale_responses(Response, case.pk).select_for_update(of=("self",)):
        before = snapshot(response)
        response.unit_id = response.occasion.enrollment.unit_id
        response.save(update_fields=["unit"])
        record_change(
            actor=actor, action="move", obj=response, before=before, also_paths=[from_path]
        )
        moved += 1
    for invitation in stale_invitations(Invitation, case.pk).select_for_update(of=("self",)):
        before = snapshot(invitation)
        invitation.unit_id = invitation.response.unit_id
        invitation.save(update_fields=["unit"])
        record_change(
            actor=actor, action="move", obj=invitation, before=before, also_paths=[from_path]
        )
        moved += 1
    return moved
