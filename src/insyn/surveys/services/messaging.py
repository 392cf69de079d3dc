"""Invitations and reminders by e-mail and text message, through the task queue.

A message is a row with a time. Whoever runs it (the deferred task on a database queue, or the
periodic `insyn survey send-due`) re-reads the row and the invitation at send time: a message
whose time moved is not due, a reminder for someone who has answered is not sent. Each attempt
leaves a `MessageLog` row.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from insyn.core.audit import record_change, snapshot
from insyn.core.roles import Action
from insyn.core.services import ensure_in_scope
from insyn.surveys.models import Invitation, ScheduledMessage
from insyn.surveys.tasks import send_due as send_due  # the periodic entry point, re-exported
from insyn.surveys.tasks import send_message

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from insyn.accounts.models import User


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
