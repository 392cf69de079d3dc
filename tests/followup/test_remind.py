"""insyn remind: one digest per user and day, never for a done or missed occasion."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from insyn.followup import services
from insyn.followup.models import NonResponseReason, ReminderDigest
from tests.followup.factories import enrolled

TODAY = dt.date.today()
pytestmark = pytest.mark.usefixtures("english")


def _remind(*args: str) -> str:
    out = StringIO()
    call_command("remind", *args, stdout=out)
    return out.getvalue()


def test_digest_once_a_day_and_never_for_done_or_missed(tree, staff):
    due = enrolled(tree, staff, started_days_ago=2)  # before: due now
    done = enrolled(tree, staff, started_days_ago=3)
    missed = enrolled(tree, staff, started_days_ago=4)
    overdue = enrolled(tree, staff, started_days_ago=60)  # before: window closed 14 days after
    services.occasion_record(
        actor=None,
        occasion=done.occasions.get(stage__key="before"),
        values={"audit": "3"},
        done_on=TODAY,
    )
    services.occasion_mark_missed(
        actor=None,
        occasion=missed.occasions.get(stage__key="before"),
        reason=NonResponseReason.objects.get(code="declined"),
    )
    dry = _remind("--dry-run")
    assert "would send 1 digest(s) covering 2 occasion(s)" in dry
    assert f"  {staff.case_worker.username}: 2 occasion(s)" in dry
    assert mail.outbox == [] and not ReminderDigest.objects.exists()

    summary = _remind()
    assert "sent 1 digest(s) covering 2 occasion(s)" in summary
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [staff.case_worker.email]
    assert message.subject == "insyn: 2 uppföljningar att göra"  # e-mail is in Swedish
    for e in (due, overdue):
        assert f"/followup/occasions/{e.occasions.get(stage__key='before').pk}/" in message.body
    for e in (done, missed):
        assert f"/followup/occasions/{e.occasions.get(stage__key='before').pk}/" not in message.body
    assert due.client.client_ref not in message.body  # no client is named in an e-mail
    assert "försenad, planerad" in message.body and "aktuell, planerad" in message.body
    digest = ReminderDigest.objects.get()
    assert digest.day == TODAY and len(digest.occasions) == 2

    again = _remind()
    assert "sent 0 digest(s)" in again and "1 already reminded today" in again
    assert len(mail.outbox) == 1
    tomorrow = _remind("--date", (TODAY + dt.timedelta(days=1)).isoformat())
    assert "sent 1 digest(s)" in tomorrow and len(mail.outbox) == 2


def test_statuses_are_refreshed_and_planned_ones_wait(tree, staff):
    e = enrolled(tree, staff, started_days_ago=-30)  # starts in a month: window not open
    before = e.occasions.get(stage__key="before")
    assert before.status == "planned"
    assert "sent 0 digest(s)" in _remind()
    in_window = TODAY + dt.timedelta(days=20)
    assert "sent 1 digest(s)" in _remind("--date", in_window.isoformat())
    before.refresh_from_db()
    assert before.status == "due"


def test_people_without_address_or_scope_get_nothing(tree, staff):
    e = enrolled(tree, staff)
    staff.case_worker.email = ""
    staff.case_worker.save()
    assert "1 without an e-mail address" in _remind()
    e.responsible = staff.other_case_worker  # works in another unit: no link they cannot open
    e.save()
    assert "sent 0 digest(s)" in _remind() and mail.outbox == []


def test_bad_date_is_refused():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        _remind("--date", "tomorrow")


def test_a_failing_mail_server_is_reported_and_not_marked_sent(tree, staff, settings):
    enrolled(tree, staff)
    settings.EMAIL_BACKEND = "tests.followup.test_remind.BrokenBackend"
    with pytest.raises(CommandError, match="1 digest"):
        _remind()
    assert not ReminderDigest.objects.exists()


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("connection refused")
