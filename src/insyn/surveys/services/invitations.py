"""Invitations: random link tokens kept only as hashes, single use, expiry, revocation; the
public answer page saves drafts and submits through here; anonymous survey rounds."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from insyn.core.audit import record_change, snapshot
from insyn.core.roles import Action
from insyn.core.services import ensure_in_scope
from insyn.organisations.models import OrgUnit
from insyn.surveys.models import (
    Invitation,
    InvitationToken,
    Questionnaire,
    Response,
    ScheduledMessage,
    SurveyRound,
)
from insyn.surveys.services.answers import questions_for, validate, write_answers
from insyn.surveys.services.responses import occasion_settle

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from insyn.accounts.models import User

PHONE = re.compile(r"^\+?[0-9]{8,15}$")
MAX_EXPIRY_DAYS = 120


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_new(invitation: Invitation) -> str:
    """A fresh link for the invitation; only the hash is stored."""
    token = secrets.token_urlsafe(32)
    InvitationToken.objects.create(invitation=invitation, token_hash=hash_token(token))
    return token


def link_for(token: str) -> str:
    return settings.INSYN_BASE_URL + reverse("surveys:answer", args=[token])


def invitation_by_token(token: str) -> Invitation | None:
    if not token or len(token) > 100:
        return None
    row = (
        InvitationToken.objects.select_related("invitation__questionnaire")
        .filter(token_hash=hash_token(token))
        .first()
    )
    return row.invitation if row else None


def clean_contact(channel: str, contact: str) -> str:
    contact = contact.strip()
    if channel == Invitation.Channel.EMAIL:
        try:
            validate_email(contact)
        except ValidationError as exc:
            raise ValidationError({"contact": _("Enter a valid e-mail address.")}) from exc
    elif channel == Invitation.Channel.SMS:
        contact = re.sub(r"[\s-]", "", contact)
        if contact.startswith("0") and not contact.startswith("00"):
            contact = "+46" + contact[1:]
        if not PHONE.match(contact):
            raise ValidationError({"contact": _("Enter a mobile number, e.g. 070-123 45 67.")})
    elif channel == Invitation.Channel.HANDED:
        contact = ""
    else:
        raise ValidationError({"channel": _("Choose how the link reaches the respondent.")})
    return contact


def _new_invitation(
    *,
    actor: User | AnonymousUser | None,
    questionnaire: Questionnaire,
    role: str,
    unit: OrgUnit,
    channel: str,
    contact: str,
    expires_in_days: int,
    language: str,
    response: Response | None = None,
    survey_round: SurveyRound | None = None,
    send_at: dt.datetime | None = None,
    reminder_days: list[int] | None = None,
) -> tuple[Invitation, str | None]:
    from insyn.surveys.services.messaging import message_schedule

    if not 1 <= expires_in_days <= MAX_EXPIRY_DAYS:
        raise ValidationError(
            {"expires_in_days": _("Between 1 and %(n)s days.") % {"n": MAX_EXPIRY_DAYS}}
        )
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Unknown language.")})
    contact = clean_contact(channel, contact)
    now = timezone.now()
    invitation = Invitation.objects.create(
        questionnaire=questionnaire,
        respondent_role=role,
        response=response,
        round=survey_round,
        unit=unit,
        channel=channel,
        contact=contact,
        language=language,
        expires_at=now + dt.timedelta(days=expires_in_days),
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    record_change(actor=actor, action="create", obj=invitation)
    if channel == Invitation.Channel.HANDED:
        if reminder_days:
            raise ValidationError(
                {"reminder_days": _("Reminders need an e-mail or a mobile number.")}
            )
        return invitation, token_new(invitation)
    first = send_at or now
    message_schedule(invitation=invitation, kind=ScheduledMessage.Kind.INVITATION, send_at=first)
    for days in sorted(set(reminder_days or [])):
        if days < 1:
            raise ValidationError({"reminder_days": _("Reminders come at least a day later.")})
        message_schedule(
            invitation=invitation,
            kind=ScheduledMessage.Kind.REMINDER,
            send_at=first + dt.timedelta(days=days),
        )
    return invitation, None


@transaction.atomic
def invitation_create(
    *,
    actor: User | AnonymousUser | None,
    response: Response,
    channel: str,
    contact: str = "",
    expires_in_days: int = 30,
    language: str = "sv",
    send_at: dt.datetime | None = None,
    reminder_days: list[int] | None = None,
) -> tuple[Invitation, str | None]:
    """Invite the respondent of an expected response. Returns the link token when it is handed
    over (shown once); e-mail and text messages carry their own links when they go out."""
    response = Response.objects.select_for_update().get(pk=response.pk)
    ensure_in_scope(actor, Action.CHANGE_INDIVIDUAL, response.unit.path)
    if response.status != Response.Status.EXPECTED:
        raise ValidationError(_("This response is already settled; no invitation is needed."))
    return _new_invitation(
        actor=actor,
        questionnaire=response.questionnaire,
        role=response.respondent_role,
        unit=response.unit,
        channel=channel,
        contact=contact,
        expires_in_days=expires_in_days,
        language=language,
        response=response,
        send_at=send_at,
        reminder_days=reminder_days,
    )


@transaction.atomic
def invitation_revoke(*, actor: User | AnonymousUser | None, invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    ensure_in_scope(actor, Action.CHANGE_INDIVIDUAL, invitation.unit.path)
    if invitation.used_at or invitation.revoked_at:
        raise ValidationError(_("The invitation is already used or revoked."))
    before = snapshot(invitation)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    invitation.messages.filter(status=ScheduledMessage.Status.PENDING).update(
        status=ScheduledMessage.Status.CANCELLED, processed_at=timezone.now(), outcome="revoked"
    )
    record_change(actor=actor, action="revoke", obj=invitation, before=before)
    return invitation


@transaction.atomic
def round_create(
    *,
    actor: User | AnonymousUser | None,
    questionnaire: Questionnaire,
    unit: OrgUnit,
    name: str,
    opens_on: dt.date,
    closes_on: dt.date,
) -> SurveyRound:
    ensure_in_scope(actor, Action.CHANGE_INDIVIDUAL, unit.path)
    if not questionnaire.is_published:
        raise ValidationError({"questionnaire": _("Only a published questionnaire can be sent.")})
    if not name.strip():
        raise ValidationError({"name": _("A name is required.")})
    if closes_on < opens_on:
        raise ValidationError({"closes_on": _("The round closes after it opens.")})
    survey_round = SurveyRound.objects.create(
        questionnaire=questionnaire,
        unit=unit,
        name=name.strip(),
        opens_on=opens_on,
        closes_on=closes_on,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    record_change(actor=actor, action="create", obj=survey_round)
    return survey_round


@transaction.atomic
def round_invite(
    *,
    actor: User | AnonymousUser | None,
    survey_round: SurveyRound,
    channel: str,
    contacts: list[str] | None = None,
    count: int = 0,
    language: str = "sv",
    reminder_days: list[int] | None = None,
) -> list[tuple[Invitation, str | None]]:
    """Issue invitations for a round: one per contact, or `count` links to hand out."""
    ensure_in_scope(actor, Action.CHANGE_INDIVIDUAL, survey_round.unit.path)
    today = timezone.localdate()
    if today > survey_round.closes_on:
        raise ValidationError(_("The round has closed."))
    days = max(1, (survey_round.closes_on - today).days + 1)
    targets = [""] * count if channel == Invitation.Channel.HANDED else list(contacts or [])
    if not targets or len(targets) > 5000:
        raise ValidationError(_("Give between 1 and 5000 recipients."))
    return [
        _new_invitation(
            actor=actor,
            questionnaire=survey_round.questionnaire,
            role="client",
            unit=survey_round.unit,
            channel=channel,
            contact=contact,
            expires_in_days=min(days, MAX_EXPIRY_DAYS),
            language=language,
            survey_round=survey_round,
            reminder_days=reminder_days,
        )
        for contact in targets
    ]


# --- the public answer page -----------------------------------------------------------------


def respondent_age(invitation: Invitation) -> int | None:
    return invitation.response.respondent_age if invitation.response_id else None  # type: ignore[union-attr]


def invitation_questions(invitation: Invitation) -> list[Any]:
    return questions_for(
        invitation.questionnaire, invitation.respondent_role, respondent_age(invitation)
    )


def _open_invitation(invitation: Invitation) -> Invitation:
    """Lock the row and refuse anything but an open invitation (nothing is stored then)."""
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.state(timezone.now()) != "open":
        raise ValidationError(_("The link no longer works."), code=locked.state(timezone.now()))
    if locked.response_id and locked.response.status != Response.Status.EXPECTED:  # type: ignore[union-attr]
        raise ValidationError(_("The link no longer works."), code="used")
    return locked


@transaction.atomic
def invitation_save_draft(*, invitation: Invitation, draft: dict[str, Any]) -> dict[str, str]:
    """Save progress; returns errors for values that could not be kept (the rest is saved)."""
    invitation = _open_invitation(invitation)
    questions = invitation_questions(invitation)
    _cleaned, errors = validate(questions, draft, complete=False)
    before, before_draft = snapshot(invitation), dict(invitation.draft or {})
    invitation.draft = {k: v for k, v in draft.items() if k not in errors}
    invitation.draft_saved_at = timezone.now()
    invitation.save(update_fields=["draft", "draft_saved_at"])
    # The respondent wrote (actor None: a link, no account). The answers themselves stay out
    # of the trail (Invitation.AUDIT_EXCLUDE has "draft"; an anonymous questionnaire must not
    # become traceable through its audit entries): the entry says when and how many.
    record_change(
        actor=None,
        action="save_draft",
        obj=invitation,
        before={**before, "draft_answers": len(before_draft)},
        after={**snapshot(invitation), "draft_answers": len(invitation.draft)},
    )
    return errors


@transaction.atomic
def invitation_submit(*, invitation: Invitation, draft: dict[str, Any]) -> Response:
    """Submit through a link. Anonymous answers get a response of their own that does not
    point back at the invitation; identified ones fill the expected response."""
    invitation = _open_invitation(invitation)
    questions = invitation_questions(invitation)
    cleaned, errors = validate(questions, draft, complete=True)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    if invitation.response_id:
        response = Response.objects.select_for_update().get(pk=invitation.response_id)
        before = snapshot(response)
        response.status = Response.Status.SUBMITTED
        response.mode = Response.Mode.SELF
        response.non_response_reason = None
        response.submitted_at = now
        response.submitted_on = timezone.localdate(now)
        response.save()
        record_change(actor=None, action="answer", obj=response, before=before)
        response.invitations.exclude(pk=invitation.pk).filter(
            used_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
    else:
        response = Response.objects.create(
            questionnaire=invitation.questionnaire,
            respondent_role=invitation.respondent_role,
            round=invitation.round,
            unit=invitation.unit,
            status=Response.Status.SUBMITTED,
            mode=Response.Mode.SELF,
            submitted_on=timezone.localdate(now),
        )
    write_answers(response, questions, cleaned)
    invitation.used_at = now
    invitation.draft = {}
    invitation.draft_saved_at = None
    if invitation.round_id:
        invitation.contact = ""  # an anonymous round keeps no address once answered
    invitation.save(update_fields=["used_at", "draft", "draft_saved_at", "contact"])
    ScheduledMessage.objects.filter(
        invitation__in=(
            [invitation.pk]
            if not invitation.response_id
            else list(response.invitations.values_list("pk", flat=True))
        ),
        status=ScheduledMessage.Status.PENDING,
    ).update(status=ScheduledMessage.Status.CANCELLED, processed_at=now, outcome="answered")
    if response.occasion is not None:
        occasion_settle(response.occasion)
    return response
