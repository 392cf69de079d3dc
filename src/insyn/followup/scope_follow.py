"""A case's follow-up data is scoped by the case's unit.

An enrolment keeps a copy of its case's unit (`Enrollment.unit`; occasions, values and goals
scope through it, and the analysis frame's org columns read it), and a survey response or
invitation about an occasion keeps a copy of the enrolment's unit. The copies are maintained by
`case_update` in the same transaction as the move (`enrollments_follow_case`,
`responses_follow_case`), and repaired for rows written under the old rule by the data
migrations that call the functions here.

These functions take the model classes as arguments so the same code serves the services
(real models) and the migrations (historical models).
"""

from __future__ import annotations

from typing import Any

from django.db.models import F

from insyn.core.roles import Action, roles_allowing


def may_change_in(membership_model: Any, user_id: int | None, path: str) -> bool:
    """Whether an active user holds change_individual on `path` (as `path_in_scope` decides)."""
    if user_id is None:
        return False
    roots = membership_model.objects.filter(
        user_id=user_id,
        user__is_active=True,
        org_unit__active=True,
        role__in=roles_allowing(Action.CHANGE_INDIVIDUAL),
    ).values_list("org_unit__path", flat=True)
    return any(path.startswith(root) for root in roots)


def successor_responsible(
    membership_model: Any, responsible_id: int | None, case_worker_id: int | None, path: str
) -> int | None:
    """Who is responsible for a moved follow-up: the same person if they may change data in the
    new unit, else the case's case worker if they may, else nobody (then it shows in every case
    worker's list of the new unit, and nobody outside it gets reminders)."""
    if responsible_id is not None and may_change_in(membership_model, responsible_id, path):
        return responsible_id
    if case_worker_id is not None and may_change_in(membership_model, case_worker_id, path):
        return case_worker_id
    return None


def stale_enrollments(enrollment_model: Any, case_id: int | None = None) -> Any:
    """Enrolments whose unit is not their case's unit (of one case, or everywhere)."""
    qs = enrollment_model.objects.filter(intervention__isnull=False).exclude(
        unit=F("intervention__case__unit")
    )
    if case_id is not None:
        qs = qs.filter(intervention__case_id=case_id)
    return qs.select_related("intervention__case__unit").order_by("pk")


def stale_responses(response_model: Any, case_id: int | None = None) -> Any:
    """Responses at an occasion whose unit is not the occasion's enrolment's unit."""
    qs = response_model.objects.filter(occasion__isnull=False).exclude(
        unit=F("occasion__enrollment__unit")
    )
    if case_id is not None:
        qs = qs.filter(occasion__enrollment__intervention__case_id=case_id)
    return qs.select_related("occasion__enrollment").order_by("pk")


def stale_invitations(invitation_model: Any, case_id: int | None = None) -> Any:
    """Invitations to answer a response whose unit is not the response's unit."""
    qs = invitation_model.objects.filter(response__isnull=False).exclude(unit=F("response__unit"))
    if case_id is not None:
        qs = qs.filter(response__occasion__enrollment__intervention__case_id=case_id)
    return qs.select_related("response").order_by("pk")


def repair_enrollments(apps: Any, schema_editor: Any = None) -> int:
    """Data migration: move enrolments made under the old rule to their case's unit."""
    enrollment_model = apps.get_model("followup", "Enrollment")
    membership_model = apps.get_model("organisations", "Membership")
    moved = 0
    for enrollment in stale_enrollments(enrollment_model):
        case = enrollment.intervention.case
        enrollment.unit_id = case.unit_id
        enrollment.responsible_id = successor_responsible(
            membership_model, enrollment.responsible_id, case.case_worker_id, case.unit.path
        )
        enrollment.save(update_fields=["unit", "responsible", "updated_at"])
        moved += 1
    return moved


def repair_responses(apps: Any, schema_editor: Any = None) -> int:
    """Data migration: responses and invitations follow their enrolment's unit."""
    response_model = apps.get_model("surveys", "Response")
    invitation_model = apps.get_model("surveys", "Invitation")
    moved = 0
    for response in stale_responses(response_model):
        response.unit_id = response.occasion.enrollment.unit_id
        response.save(update_fields=["unit"])
        moved += 1
    for invitation in stale_invitations(invitation_model):
        invitation.unit_id = invitation.response.unit_id
        invitation.save(update_fields=["unit"])
        moved += 1
    return moved
