"""The daily job: warnings at day 60 and 80 once each, the day after the deadline the report
row and one notice; the e-mail names no client; dry run changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from insyn.core.reminders import reminder_jobs
from insyn.quality.models import NonExecutedDecision, NonExecutedWarning
from insyn.quality.services.non_executed_job import non_executed_job
from tests.quality import non_executed_factories as nf

pytestmark = pytest.mark.usefixtures("catalogues")
DECIDED = dt.date(2026, 5, 15)  # day 60: 14 Jul, day 80: 3 Aug, deadline 15 Aug


@pytest.fixture
def decision(tree, staff):
    client = nf.person(tree.vux_unit, born=dt.date(1977, 7, 7))
    case = nf.open_case(client, worker=staff.case_worker)
    staff.case_worker.email = "cw@example.org"
    staff.case_worker.save()
    staff.unit_manager.email = "boss@example.org"
    staff.unit_manager.save()
    nf.quick(tree.vux_unit, DECIDED, basis=nf.NOT_REPORTABLE)  # never warned about
    return nf.decision(case, DECIDED)


def test_registered() -> None:
    assert "quality_non_executed" in dict(reminder_jobs())


def test_day_60_80_and_listing_once_each(decision, staff) -> None:
    assert non_executed_job(dt.date(2026, 7, 13), False).planned == ()  # day 59
    out = non_executed_job(dt.date(2026, 7, 14), False)  # day 60
    assert dict(out.planned) == {"cw": 1, "manager": 1}
    assert len(mail.outbox) == 2
    body = mail.outbox[0].body
    assert decision.case.client.client_ref not in body
    assert "1977" not in body and decision.case.case_ref not in body
    assert non_executed_job(dt.date(2026, 7, 14), False).planned == ()  # same day again
    assert non_executed_job(dt.date(2026, 7, 20), False).planned == ()
    assert dict(non_executed_job(dt.date(2026, 8, 3), False).planned) == {"cw": 1, "manager": 1}
    assert non_executed_job(dt.date(2026, 8, 15), False).planned == ()  # deadline day
    assert not NonExecutedDecision.objects.exists()
    out = non_executed_job(dt.date(2026, 8, 16), False)
    assert dict(out.planned) == {"cw": 1, "manager": 1}
    row = NonExecutedDecision.objects.get()
    assert (row.decision_id, row.detected_on, row.clock_from) == (
        decision.pk,
        dt.date(2026, 8, 16),
        DECIDED,
    )
    assert sorted(NonExecutedWarning.objects.values_list("day", flat=True)) == [60, 80, 90]
    assert non_executed_job(dt.date(2026, 8, 17), False).planned == ()
    assert len(mail.outbox) == 6


def test_first_seen_after_day_80_only_one_warning(decision) -> None:
    out = non_executed_job(dt.date(2026, 8, 5), False)  # day 82
    assert dict(out.planned) == {"cw": 1, "manager": 1}
    assert sorted(NonExecutedWarning.objects.values_list("day", flat=True)) == [60, 80]
    assert len(mail.outbox) == 2


def test_dry_run_changes_nothing(decision) -> None:
    out = non_executed_job(dt.date(2026, 8, 20), True)
    assert dict(out.planned) == {"cw": 1, "manager": 1}
    assert not NonExecutedWarning.objects.exists() and not NonExecutedDecision.objects.exists()
    assert mail.outbox == []


def test_resolution_kept_in_step(decision) -> None:
    non_executed_job(dt.date(2026, 8, 20), False)
    decision.executed_on = dt.date(2026, 9, 1)
    decision.save()
    non_executed_job(dt.date(2026, 9, 2), False)
    assert NonExecutedDecision.objects.get().resolved_on == dt.date(2026, 9, 1)
