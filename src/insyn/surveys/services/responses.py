"""Expected responses at follow-up occasions, answers entered by staff, and non-response."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from insyn.core.audit import record_change, snapshot
from insyn.core.roles import Action
from insyn.core.services import ensure_in_scope
from insyn.followup.models import Enrollment, NonResponseReason, Occasion
from insyn.followup.services import occasion_mark_done, occasion_mark_missed
from insyn.surveys.models import RespondentRole, Response, ScheduledMessage, StageQuestionnaire
from insyn.surveys.services.answers import age_on, questions_for, validate, write_answers

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from insyn.accounts.models import User


def occasion_age(occasion: Occasion) -> int | None:
    """The client's age at the occasion (due date, or today when it has none)."""
    day = occasion.done_on or occasion.due_on or timezone.localdate()
    return age_on(occasion.enrollment.client.birth_date, day)


@transaction.atomic
def expected_responses_ensure(
    *, actor: User | AnonymousUser | None, occasion: Occasion
) -> list[Response]:
    """One expected response per respondent the occasion's stage asks, if it has questions
    for them (a child under the child set's age is not asked). Idempotent."""
    ensure_in_scope(actor, Action.CHANGE_INDIVIDUAL, occasion.enrollment.unit.path)
    enrollment = occasion.enrollment
    intervention = enrollment.intervention
    age = occasion_age(occasion)
    existing = {r.respondent_role: r for r in occasion.survey_responses.all()}
    unit_id = None  # the enrolment's current unit, read under lock (a move may run meanwhile)
    out = []
    for link in StageQuestionnaire.objects.filter(stage=occasion.stage).select_related(
        "questionnaire"
    ):
        response = existing.get(link.respondent_role)
        if response is None:
            if not questions_for(link.questionnaire, link.respondent_role, age):
                continue
            if unit_id is None:
                unit_id = (
                    Enrollment.objects.select_for_update()
                    .values_list("unit_id", flat=True)
                    .get(pk=enrollment.pk)
                )
            response = Response.objects.create(
                questionnaire=link.questionnaire,
                respondent_role=link.respondent_role,
                occasion=occasion,
                intervention=intervention,
                provider=intervention.provider if intervention else None,
                unit_id=unit_id,
                respondent_age=age if link.respondent_role == RespondentRole.CHILD else None,
            )
            record_change(actor=actor, action="create", obj=response)
        out.append(response)
    return out


def occasion_settle(occasion: Occasion) -> None:
    """When every expected response at a questionnaire-only occasion is settled, the occasion
    is done (some answered) or missed (none did; the first respondent's reason is used).
    Stages that also collect values of their own are left for staff to complete."""
    if occasion.status not in Occasion.OPEN_STATUSES or occasion.stage.stage_variables.exists():
        return
    responses = expected_responses_ensure(actor=None, occasion=occasion)
    if not responses or any(r.status == Response.Status.EXPECTED for r in responses):
        return
    answered = [r for r in responses if r.status == Response.Status.SUBMITTED]
    if answered:
        done_on = max(r.submitted_on or timezone.localdate() for r in answered)
        occasion_mark_done(actor=None, occasion=occasion, done_on=done_on)
    else:
        first = min(responses, key=lambda r: r.pk)
        if first.non_response_reason is not None:
            occasion_mark_missed(actor=None, occasion=occasion, reason=first.non_response_reason)


def _close_messages(response: Response, outcome: str) -> None:
    """Nothing more goes out once a response is settled (also re-checked at send time)."""
    ScheduledMessage.objects.filter(
        invitation__response=response, status=ScheduledMessage.Status.PENDING
    ).update(status=ScheduledMessage.Status.CANCELLED, processed_at=timezone.now(), outcome=outcome)


@transaction.atomic
def response_enter(
    *,
    actor: User | AnonymousUser | None,
    response: Response,
    draft: dict[str, Any],
    mode: str,
) -> Response:
    """Answers entered by staff: a dialog interview or a neutral interviewer's record."""
    response = Response.objects.select_for_update().get(pk=response.pk)
    ensure_in_scope(actor, Action.CHANGE_INDIVIDUAL, response.unit.path)
    if mode not in (Response.Mode.DIALOG, Response.Mode.NEUTRAL):
        raise ValidationError({"mode": _("Choose how the answers were collected.")})
    if response.status == Response.Status.SUBMITTED:
        raise ValidationError(_("This response has already been answered."))
    if response.questionnaire.anonymous:
        raise ValidationError(_("Anonymous questionnaires are answered through links only."))
    questions = questions_for(
        response.questionnaire, response.respondent_role, response.respondent_age
    )
    cleaned, errors = validate(questions, draft, complete=True)
    if errors:
        raise ValidationError(errors)
    before = snapshot(response)
    write_answers(response, questions, cleaned)
    now = timezone.now()
    response.status = Response.Status.SUBMITTED
    response.mode = mode
    response.non_response_reason = None
    response.submitted_at = now
    response.submitted_on = timezone.localdate(now)
    response.entered_by = actor if actor is not None and actor.is_authenticated else None
    response.save()
    record_change(actor=actor, action="answer", obj=response, before=before)
    response.invitations.filter(used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now
    )
    _close_messages(response, "answered")
    if response.occasion is not None:
        occasion_settle(response.occasion)
    return response


@transaction.atomic
def response_record_non_response(
    *,
    actor: User | AnonymousUser | None,
    response: Response,
    reason: NonResponseReason,
    note: str = "",
) -> Response:
    response = Response.objects.select_for_update().get(pk=response.pk)
    ensure_in_scope(actor, Action.CHANGE_INDIVIDUAL, response.unit.path)
    if response.status == Response.Status.SUBMITTED:
        raise ValidationError(_("This response has been answered; it is not a non-response."))
    if not reason.active:
        raise ValidationError({"reason": _("Choose an active reason.")})
    before = snapshot(response)
    response.status = Response.Status.NON_RESPONSE
    response.non_response_reason = reason
    response.note = note.strip()[:2000]
    response.save(update_fields=["status", "non_response_reason", "note"])
    record_change(actor=actor, action="non_response", obj=response, before=before)
    response.invitations.filter(used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    _close_messages(response, "non-response recorded")
    if response.occasion is not None:
        occasion_settle(response.occasion)
    return response
