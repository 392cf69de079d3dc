"""Sending one scheduled message: the work a queued task does, checked at send time.

Below both `messaging` (which schedules messages and enqueues the task) and `tasks` (whose task
calls `deliver`), so the task module never imports the scheduling services.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from insyn.surveys import sms
from insyn.surveys.models import Invitation, MessageLog, Response, ScheduledMessage
from insyn.surveys.services.invitations import link_for, token_new

logger = logging.getLogger("insyn.surveys.services.messaging")  # the name its log lines had


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
