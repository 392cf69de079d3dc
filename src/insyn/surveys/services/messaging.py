"""Invitations and reminders by e-mail and text message, through the task queue.

A message is a row with a time. Whoever runs it (the deferred task on a database queue, or the
periodic `insyn survey send-due`) re-reads the row and the invitation at send time: a message
whose time moved is not due, a reminder for someone who has answered is not sent. Each attempt
leaves a `MessageLog` row.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from insyn.core.audit import record_change, snapshot
from insyn.core.roles import Action
from insyn.core.services import ensure_in_scope
from insyn.surveys import sms
from insyn.surveys.models import Invitation, MessageLog, Response, ScheduledMessage
from insyn.surveys.services.invitations import link_for, token_new

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from insyn.accounts.models import User

logger = logging.getLogger(__name__)


def default_texts(invitation: Invitation, kind: str) -> tuple[str, str]:
    with translation.override(invitation.language):
        name = invitation.questionnaire.label
        expires = formats.date_format(timezone.localtime(invitation.expires_at), "Y-m-d")
        if kind == ScheduledMessage.Kind.REMINDER:
            subject = _("Reminder: %(name)s") % {"name": name}
            body = _(
                "Hello! We have not yet received your answers to “%(name)s”. Your views matter "
                "to us. Answer here: {link}\nThe link works until %(expires)s. If you have "
                "already answered, thank you, and please ignore this message."
            ) % {"name": name, "expires": expires}
        else:
            subject = _("Questions from the social services: %(name)s") % {"name": name}
            body = _(
                "Hello! We would like to hear what you think. Answer the questions “%(name)s” "
                "here: {link}\nThe link is personal and works until %(expires)s. You can save "
                "and continue later with the same link."
            ) % {"name": name, "expires": expires}
    return subject, body


def _enqueue(message: ScheduledMessage) -> None:
    """After commit: defer a task to the message's time where the queue can; otherwise send
    now if due (the periodic send-due picks up the rest)."""
    from insyn.surveys.tasks import send_message

    pk, send_at = message.pk, message.send_at

    def go() -> None:
        backend = send_message.get_backend()
        if backend.supports_defer:
            send_message.using(run_after=send_at).enqueue(pk)
        elif send_at <= timezone.now():
            send_message.enqueue(pk)

    transaction.on_commit(go)


def message_schedule(
    *,
    invitation: Invitation,
    kind: str,
    send_at: dt.datetime,
    subject: str | None = None,
    body: str | None = None,
) -> ScheduledMessage:
    default_subject, default_body = default_texts(invitation, kind)
    message = ScheduledMessage.objects.create(
        invitation=invitation,
        kind=kind,
        channel=invitation.channel,
        send_at=send_at,
        subject=subject if subject is not None else default_subject,
        body=body if body is not None else default_body,
    )
    _enqueue(message)
    return message


@transaction.atomic
def message_update(
    *,
    actor: User | AnonymousUser | None,
    message: ScheduledMessage,
    send_at: dt.datetime,
    body: str,
    subject: str = "",
) -> ScheduledMessage:
    """Change what has not gone out yet; the sender reads the new text and time."""
    message = ScheduledMessage.objects.select_for_update().get(pk=message.pk)
    ensure_in_scope(actor, Action.CHANGE_INDIVIDUAL, message.invitation.unit.path)
    if message.status != ScheduledMessage.Status.PENDING:
        raise ValidationError(_("The message has already been handled and cannot be changed."))
    if not body.strip():
        raise ValidationError({"body": _("The message needs a text.")})
    before = snapshot(message)
    message.send_at, message.body, message.subject = send_at, body.strip(), subject.strip()
    message.save(update_fields=["send_at", "body", "subject", "updated_at"])
    record_change(actor=actor, action="update", obj=message, before=before)
    _enqueue(message)
    return message


@transaction.atomic
def message_cancel(*, actor: User | AnonymousUser | None, message: ScheduledMessage) -> None:
    message = ScheduledMessage.objects.select_for_update().get(pk=message.pk)
    ensure_in_scope(actor, Action.CHANGE_INDIVIDUAL, message.invitation.unit.path)
    if message.status != ScheduledMessage.Status.PENDING:
        raise ValidationError(_("The message has already been handled and cannot be changed."))
    before = snapshot(message)
    message.status = ScheduledMessage.Status.CANCELLED
    message.processed_at = timezone.now()
    message.outcome = "cancelled by staff"
    message.save(update_fields=["status", "processed_at", "outcome", "updated_at"])
    record_change(actor=actor, action="cancel", obj=message, before=before)


def mask(contact: str) -> str:
    if "@" in contact:
        local, _at, domain = contact.partition("@")
        return f"{local[:1]}***@{domain}"
    return f"{contact[:5]}***{contact[-2:]}" if len(contact) > 7 else "***"


def _hold_back_reason(message: ScheduledMessage, now: dt.datetime) -> str:
    invitation = message.invitation
    response = invitation.response
    if invitation.used_at or (response and response.status == Response.Status.SUBMITTED):
        return "answered"
    if response and response.status == Response.Status.NON_RESPONSE:
        return "non-response recorded"
    if invitation.revoked_at:
        return "revoked"
    if invitation.expires_at <= now:
        return "expired"
    if not invitation.contact:
        return "no address"
    return ""


def deliver(message_id: int) -> str:
    """Send one message if it is still pending and due, and its invitation still waits for an
    answer. Returns what happened: sent, skipped, failed, not_due or gone."""
    now = timezone.now()
    with transaction.atomic():
        message = (
            ScheduledMessage.objects.select_for_update(of=("self",))
            .select_related("invitation__response", "invitation__questionnaire")
            .filter(pk=message_id)
            .first()
        )
        if message is None or message.status != ScheduledMessage.Status.PENDING:
            return "gone"
        if message.send_at > now:
            return "not_due"
        invitation = message.invitation
        log = MessageLog(
            message=message, at=now, channel=message.channel, recipient=mask(invitation.contact)
        )
        reason = _hold_back_reason(message, now)
        if reason:
            message.status, message.outcome = ScheduledMessage.Status.SKIPPED, reason
            log.outcome, log.detail = "skipped", reason
        else:
            link = link_for(token_new(invitation))
            body = message.body.replace("{link}", link)
            if link not in body:
                body = f"{body}\n{link}"
            try:
                if message.channel == Invitation.Channel.EMAIL:
                    send_mail(message.subject, body, None, [invitation.contact])
                else:
                    sms.send_sms(invitation.contact, body)
            except Exception as exc:  # any transport failure is logged, never raised to the queue
                logger.warning("message %s failed: %s", message.pk, exc)
                message.status, message.outcome = ScheduledMessage.Status.FAILED, str(exc)[:200]
                log.outcome, log.detail = "failed", str(exc)[:300]
            else:
                message.status, message.outcome = ScheduledMessage.Status.SENT, "sent"
                log.outcome = "sent"
        message.processed_at = now
        message.save(update_fields=["status", "outcome", "processed_at", "updated_at"])
        log.save()
        return log.outcome


def send_due(now: dt.datetime | None = None) -> int:
    """Enqueue every pending message whose time has come (the cron / worker entry point)."""
    from insyn.surveys.tasks import send_message

    now = now or timezone.now()
    ids = list(
        ScheduledMessage.objects.filter(
            status=ScheduledMessage.Status.PENDING, send_at__lte=now
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        send_message.enqueue(pk)
    return len(ids)
