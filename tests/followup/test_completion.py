"""Completion per unit and per case worker: done / due, for unit managers."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from insyn.followup import selectors, services
from insyn.followup.models import NonResponseReason
from tests.factories import user_with_role
from tests.followup.factories import enrolled

TODAY = dt.date.today()


def test_rates_per_unit_and_case_worker(tree, staff, login, english_pages):
    done = enrolled(tree, staff, started_days_ago=10)
    enrolled(tree, staff, started_days_ago=12)  # due, open
    missed = enrolled(tree, staff, started_days_ago=13)
    enrolled(tree, staff, started_days_ago=-40)  # window not open: not counted as due
    other = enrolled(tree, staff, started_days_ago=5)
    colleague = user_with_role("case_worker", tree.vux_unit, username="colleague")
    services.enrollment_assign(actor=None, enrollment=other, responsible=colleague)
    services.occasion_record(
        actor=None,
        occasion=done.occasions.get(stage__key="before"),
        values={"audit": "1"},
        done_on=TODAY,
    )
    services.occasion_record(
        actor=None,
        occasion=other.occasions.get(stage__key="before"),
        values={"audit": "1"},
        done_on=TODAY,
    )
    services.occasion_mark_missed(
        actor=None,
        occasion=missed.occasions.get(stage__key="before"),
        reason=NonResponseReason.objects.get(code="moved"),
    )
    by_unit, by_worker = selectors.completion(
        staff.unit_manager,
        date_from=TODAY - dt.timedelta(days=100),
        date_to=TODAY + dt.timedelta(days=100),
        today=TODAY,
    )
    assert [(r.label, r.due, r.done, r.missed, r.open) for r in by_unit] == [
        (tree.vux_unit.name, 4, 2, 1, 1)
    ]
    rows = {r.label: (r.due, r.done, r.rate) for r in by_worker}
    assert rows[staff.case_worker.get_full_name()] == (3, 1, 1 / 3)
    assert rows[colleague.get_full_name()] == (1, 1, 1.0)
    page = login(staff.unit_manager).get(reverse("followup:completion")).content.decode()
    assert "33 %" in page and "100 %" in page
    # a case worker has no such page; the other department's manager sees nothing of ours
    assert login(staff.case_worker).get(reverse("followup:completion")).status_code == 404
    bof_manager = user_with_role("unit_manager", tree.bof, username="bofchef")
    assert selectors.completion(
        bof_manager, date_from=TODAY - dt.timedelta(days=100), date_to=TODAY, today=TODAY
    ) == ([], [])


def test_bad_period_is_refused(staff, login, english_pages):
    response = login(staff.unit_manager).get(
        reverse("followup:completion"), {"date_from": "2025-05-01", "date_to": "2025-01-01"}
    )
    assert response.status_code == 400
    assert "The period ends before it starts." in response.content.decode()
