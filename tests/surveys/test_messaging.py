"""Invitations and reminders through the task queue, with a fake clock: a reminder is never
sent after the answer came (checked at send time), edits apply to what has not gone yet."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from insyn.surveys import sms
from insyn.surveys.models import Invitation, MessageLog, ScheduledMessage
from insyn.surveys.services import invitations as services
from insyn.surveys.services import messaging
from tests.surveys.factories import placement, response_for

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


class Clock:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = T0
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def advance(self, **kw: float) -> None:
        self.now = self.now + dt.timedelta(**kw)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def occasion(surveys, tree):
    return placement(surveys.programme, tree.vux_unit)


def _invite(staff, occasion, role="guardian", channel="sms", contact="070-123 45 67", **kw):
    return services.invitation_create(
        actor=staff.case_worker,
        response=response_for(occasion, role),
        channel=channel,
        contact=contact,
        reminder_days=[7],
        **kw,
    )


def _answer_through_latest_link(client, invitation, draft):
    """Answer with the link from the last text message, as the respondent would."""
    link = sms.outbox[-1].body.split("http://127.0.0.1:8000")[1].split()[0]
    return client.post(link, {**draft, "action": "submit"})


GUARDIAN = {"q_vh_helhet": "4", "q_vh_trygg": "5"}


def test_invitation_goes_now_and_reminder_waits_for_its_time(
    staff, occasion, clock, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = _invite(staff, occasion)
    assert token is None
    assert len(sms.outbox) == 1 and sms.outbox[0].to == "+46701234567"
    assert "/surveys/a/" in sms.outbox[0].body
    reminder = invitation.messages.get(kind="reminder")
    assert reminder.status == "pending" and reminder.send_at == T0 + dt.timedelta(days=7)
    clock.advance(days=6)
    assert messaging.send_due() == 0
    clock.advance(days=1, minutes=1)
    assert messaging.send_due() == 1
    assert len(sms.outbox) == 2 and "Påminnelse" not in sms.outbox[1].body
    assert MessageLog.objects.filter(outcome="sent").count() == 2


def test_reminder_for_someone_who_answered_is_not_sent(
    staff, occasion, clock, client, django_capture_on_commit_callbacks
):
    """Fake clock through the task queue: the due-sender enqueues the reminder task; the task
    sees at send time that the answer came, and sends nothing."""
    with django_capture_on_commit_callbacks(execute=True):
        invitation, _ = _invite(staff, occasion)
    clock.advance(days=2)
    assert _answer_through_latest_link(client, invitation, GUARDIAN).status_code == 302
    reminder = invitation.messages.get(kind="reminder")
    # the answer also closed it at once; force it back to pending to prove the send-time check
    ScheduledMessage.objects.filter(pk=reminder.pk).update(status="pending", outcome="")
    clock.advance(days=6)
    out = StringIO()
    call_command("survey", "send-due", stdout=out)
    assert out.getvalue().strip() == "messages due: 1"  # the forced reminder, and nothing else
    reminder.refresh_from_db()
    assert (reminder.status, reminder.outcome) == ("skipped", "answered")
    assert len(sms.outbox) == 1  # only the invitation
    assert MessageLog.objects.get(message=reminder).outcome == "skipped"


def test_deferred_reminder_on_a_database_queue_checks_at_send_time(
    transactional_db, staff, occasion, clock, client, settings, django_capture_on_commit_callbacks
):
    """Production shape: the reminder is a deferred task in the database queue, enqueued before
    the answer came; the worker runs it after the answer and sends nothing."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # resets backends
    try:
        from django_tasks_db.models import DBTaskResult

        with django_capture_on_commit_callbacks(execute=True):
            invitation, _ = _invite(staff, occasion)
        assert DBTaskResult.objects.count() == 2  # invitation now, reminder in 7 days
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
        assert len(sms.outbox) == 1
        clock.advance(days=3)
        _answer_through_latest_link(client, invitation, GUARDIAN)
        ScheduledMessage.objects.filter(kind="reminder").update(status="pending", outcome="")
        clock.advance(days=5)
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
        reminder = invitation.messages.get(kind="reminder")
        assert (reminder.status, reminder.outcome) == ("skipped", "answered")
        assert len(sms.outbox) == 1
    finally:
        settings.TASKS = {
            "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
        }


def test_editing_text_and_time_applies_to_what_has_not_gone(
    staff, occasion, clock, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, _ = _invite(staff, occasion, channel="email", contact="vh@example.se")
    assert len(mail.outbox) == 1
    reminder = invitation.messages.get(kind="reminder")
    with django_capture_on_commit_callbacks(execute=True):
        messaging.message_update(
            actor=staff.case_worker,
            message=reminder,
            send_at=T0 + dt.timedelta(days=10),
            body="Ny text, svara här: {link}",
            subject="Ny påminnelse",
        )
    clock.advance(days=8)
    assert messaging.send_due() == 0  # the old time has passed; the new has not
    clock.advance(days=2)
    assert messaging.send_due() == 1
    assert mail.outbox[-1].subject == "Ny påminnelse" and mail.outbox[-1].body.startswith(
        "Ny text, svara här: http"
    )
    with pytest.raises(Exception, match="redan hanterat"):
        messaging.message_update(
            actor=staff.case_worker, message=reminder, send_at=clock.now, body="x"
        )


def test_each_message_has_its_own_working_link_and_answer_kills_all(
    staff, occasion, clock, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _invitation, _ = _invite(staff, occasion)
    first = sms.outbox[0].body.split("http://127.0.0.1:8000")[1].split()[0]
    clock.advance(days=7, minutes=1)
    messaging.send_due()
    second = sms.outbox[1].body.split("http://127.0.0.1:8000")[1].split()[0]
    assert first != second and client.get(first).status_code == 200
    assert client.post(second, {**GUARDIAN, "action": "submit"}).status_code == 302
    assert client.get(first).status_code == 410


def test_revoked_invitation_sends_nothing_more(
    staff, occasion, clock, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, _ = _invite(staff, occasion)
    services.invitation_revoke(actor=staff.case_worker, invitation=invitation)
    clock.advance(days=8)
    assert messaging.send_due() == 0
    assert invitation.messages.get(kind="reminder").status == "cancelled"


def test_failed_transport_is_logged(
    staff, occasion, clock, settings, django_capture_on_commit_callbacks
):
    settings.INSYN_SMS_BACKEND = "tests.surveys.test_messaging.BrokenBackend"
    with django_capture_on_commit_callbacks(execute=True):
        invitation, _ = _invite(staff, occasion)
    message = invitation.messages.get(kind="invitation")
    assert message.status == "failed" and "gateway down" in message.outcome
    assert MessageLog.objects.get(message=message).outcome == "failed"


class BrokenBackend(sms.BaseSmsBackend):
    def send(self, message: sms.SmsMessage) -> None:
        raise sms.SmsError("gateway down")


@pytest.mark.parametrize(
    ("channel", "contact", "message"),
    [
        ("sms", "12", "mobilnummer"),
        ("email", "inte-en-adress", "e-postadress"),
        ("handed", "", "Påminnelser kräver"),
    ],
)
def test_bad_contacts_get_a_clear_message_and_change_nothing(
    staff, occasion, channel, contact, message
):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match=message):
        _invite(staff, occasion, channel=channel, contact=contact)
    assert Invitation.objects.count() == 0 and ScheduledMessage.objects.count() == 0
