"""A moved case takes its follow-up along (see insyn.followup.scope_follow)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from insyn.core.audit import record_change, snapshot
from insyn.followup.models import Enrollment
from insyn.followup.scope_follow import stale_enrollments, successor_responsible
from insyn.organisations.models import Membership

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from insyn.accounts.models import User
    from insyn.clients.models import Case


@transaction.atomic
def enrollments_follow_case(
    *, actor: User | AnonymousUser | None, case: Case, from_path: str = ""
) -> list[Enrollment]:
    """Give the case's enrolments the case's unit; call inside the move's transaction.

    Occasions, values and goals scope through the enrolment, so they move with it. A
    responsible case worker who may not change data in the new unit hands the follow-up to the
    case's case worker (or to nobody). The caller has checked scope for both units.
    """
    moved = []
    stale = stale_enrollments(Enrollment, case.pk).select_for_update(of=("self",))
    for enrollment in stale:
        before = snapshot(enrollment)
        enrollment.unit = case.unit
        enrollment.responsible_id = successor_responsible(
            Membership, enrollment.responsible_id, case.case_worker_id, case.unit.path
        )
        enrollment.save(update_fields=["unit", "responsible", "updated_at"])
        record_change(
            actor=actor, action="move", obj=enrollment, before=before, also_paths=[from_path]
        )
        moved.append(enrollment)
    return moved
