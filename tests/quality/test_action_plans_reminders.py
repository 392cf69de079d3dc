"""The quality digest of `insyn remind`: one e-mail per person and day with every section's
lines; action items remind while they are open and stop once done or cancelled."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from insyn.quality import digest
from insyn.quality.digest import DigestLine, DigestSection
from insyn.quality.models import QualityReminderDigest
from insyn.quality.services import action_plans as services
from tests.quality import action_plans_factories as f

pytestmark = pytest.mark.usefixtures("english", "catalogues")


def _remind(*args: str) -> str:
    out = StringIO()
    call_command("remind", *args, stdout=out)
    return out.getvalue()


def _link(item) -> str:
    return reverse("quality:action_plan", args=[item.plan_id]) + f"#item-{item.pk}"


@pytest.fixture
def sections(monkeypatch):
    """The registry as it is, restored after the test (a test may add a fake section)."""
    monkeypatch.setattr(digest, "_SECTIONS", dict(digest._SECTIONS))
    return digest


def test_due_and_overdue_items_remind_their_responsible_person(tree, staff, sections):
    p = f.plan(tree.vux_unit, staff.unit_manager)
    due = f.item(p, staff.case_worker, due_in=7, activity="Skriv rutin")
    overdue = f.item(p, staff.case_worker, due_in=-3, activity="Utbilda personalen")
    later = f.item(p, staff.case_worker, due_in=8, activity="Utvärdera")
    done = f.item(p, staff.case_worker, due_in=1, activity="Redan gjord")
    cancelled = f.item(p, staff.case_worker, due_in=-1, activity="Struken")
    services.action_item_transition(actor=None, item=done, action="complete", result="Ok")
    services.action_item_transition(actor=None, item=cancelled, action="cancel", result="Ej")
    managers = f.item(p, staff.unit_manager, due_in=0, activity="Följ upp rutinen")

    dry = _remind("--dry-run")
    assert "remind quality: would send 2 digest(s) covering 3 line(s)" in dry
    assert f"  {staff.case_worker.username}: 2 line(s)" in dry
    assert mail.outbox == [] and not QualityReminderDigest.objects.exists()

    assert "remind quality: sent 2 digest(s) covering 3 line(s)" in _remind()
    by_to = {m.to[0]: m for m in mail.outbox}
    body = by_to[staff.case_worker.email].body
    assert _link(due) in body and _link(overdue) in body
    for absent in (later, done, cancelled, managers):
        assert _link(absent) not in body
    assert "Försenad: Utbilda personalen (Bättre överlämningar)" in body  # mail in Swedish
    assert _link(managers) in by_to[staff.unit_manager.email].body
    row = QualityReminderDigest.objects.get(user=staff.case_worker)
    assert row.day == timezone.localdate() and len(row.items["action_items"]) == 2


def test_once_a_day_and_reminders_stop_when_the_item_is_done(tree, staff, sections):
    p = f.plan(tree.vux_unit, staff.unit_manager)
    item = f.item(p, staff.case_worker, due_in=1)
    _remind()
    assert len(mail.outbox) == 1
    assert "1 already reminded today" in _remind()  # second run, same day
    assert len(mail.outbox) == 1
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    _remind("--date", tomorrow)
    assert len(mail.outbox) == 2  # still open: reminded again the next day
    services.action_item_transition(actor=staff.case_worker, item=item, action="start")
    day_after = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    _remind("--date", day_after)
    assert len(mail.outbox) == 3  # ongoing is still open
    services.action_item_transition(
        actor=staff.case_worker, item=item, action="complete", result="Gjort"
    )
    later = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    assert "sent 0 digest(s)" in _remind("--date", later)
    assert len(mail.outbox) == 3


def test_one_digest_combines_every_section(tree, staff, sections):
    p = f.plan(tree.vux_unit, staff.unit_manager)
    item = f.item(p, staff.case_worker, due_in=2)

    def fake(today):
        return {
            staff.case_worker: [
                DigestLine("fake", "Answer complaint KL-1", today, False, "/quality/fake/1/")
            ],
            staff.quality_lead: [
                DigestLine("fake", "Answer complaint KL-2", today, True, "/quality/fake/2/")
            ],
        }

    sections.register_digest_section(DigestSection("fake", "Complaints", fake, order=50))
    _remind()
    by_to = {m.to[0]: m for m in mail.outbox}
    assert set(by_to) == {staff.case_worker.email, staff.quality_lead.email}
    body = by_to[staff.case_worker.email].body
    assert _link(item) in body and "/quality/fake/1/" in body and "Answer complaint KL-1" in body
    assert body.index("Handlingsplaner") < body.index("Complaints")  # by section order
    assert "/quality/fake/2/" not in body
    row = QualityReminderDigest.objects.get(user=staff.case_worker)
    assert set(row.items) == {"action_items", "fake"}


def test_inactive_users_and_users_who_left_are_skipped(tree, staff, sections):
    p = f.plan(tree.vux_unit, staff.unit_manager)
    f.item(p, staff.case_worker, due_in=1)
    f.item(p, staff.unit_manager, due_in=1)
    sections.register_digest_section(
        DigestSection(
            "fake",
            "Other",
            lambda today: {staff.case_worker: [DigestLine("fake", "x", None, False, "/x/")]},
        )
    )
    staff.case_worker.is_active = False
    staff.case_worker.save()
    staff.unit_manager.memberships.all().delete()  # no longer works there
    assert "sent 0 digest(s)" in _remind()
    assert mail.outbox == []


def test_a_failing_address_does_not_stop_the_others(tree, staff, sections, monkeypatch):
    from insyn.quality.services import reminders

    p = f.plan(tree.vux_unit, staff.unit_manager)
    f.item(p, staff.case_worker, due_in=1)
    f.item(p, staff.unit_manager, due_in=1)
    real = reminders.send_mail

    def flaky(subject, body, sender, to):
        if to == [staff.case_worker.email]:
            raise OSError("mailbox unavailable")
        return real(subject, body, sender, to)

    monkeypatch.setattr(reminders, "send_mail", flaky)
    with pytest.raises(CommandError, match="1 digest"):
        _remind()
    assert [m.to for m in mail.outbox] == [[staff.unit_manager.email]]
    # the failed one left no row, so the next run tries again
    assert list(QualityReminderDigest.objects.values_list("user", flat=True)) == [
        staff.unit_manager.pk
    ]


def test_follow_up_date_reminds_the_owner(tree, staff, sections):
    today = timezone.localdate()
    p = f.plan(tree.vux_unit, staff.unit_manager, follow_up_on=today)
    f.plan(tree.vux_unit, staff.unit_manager, follow_up_on=today + dt.timedelta(days=1))
    _remind()
    [message] = mail.outbox
    assert message.to == [staff.unit_manager.email]
    assert f"Dags att följa upp: {p.title}" in message.body
    assert message.subject == "insyn: 1 kvalitetsärende att ta hand om"
    assert reverse("quality:action_plan", args=[p.pk]) in message.body
