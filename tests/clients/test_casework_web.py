"""The case page's investigations, appeals and execution: forms, the four-month warning,
messages on the field, and 404 outside the unit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from insyn.clients.models import Appeal, Investigation
from tests.clients import casework_factories as cf
from tests.clients import factories as f


@pytest.fixture
def case_(tree, catalogues):
    client = f.client(tree.vux_unit, number=f.personnummer(dt.date(1981, 1, 1)))
    return f.case(client, opened_on=dt.date(2024, 1, 10))


def test_case_page_warns_about_an_investigation_over_four_months(case_, staff, login):
    cf.investigation(case_, started_on=dt.date(2024, 1, 15))  # open for far more than 4 months
    cf.investigation(
        case_,
        started_on=dt.date(2024, 2, 1),
        completed_on=dt.date(2024, 3, 1),
        outcome=Investigation.Outcome.REJECTED,
    )
    page = login(staff.case_worker).get(reverse("clients:case_detail", args=[case_.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Över fyra månader: beslut om förlängning behövs" in text
    assert "Inom fyra månader" in text
    assert "2024-05-15" in text  # the limit is shown
    assert ">29<" in text  # handling days of the completed one


def test_record_an_investigation_and_an_appeal_through_the_forms(case_, staff, login):
    web = login(staff.case_worker)
    url = reverse("clients:investigation_create", args=[case_.pk])
    answer = web.post(url, {"started_on": "2024-01-20", "completed_on": "2024-01-10"})
    assert answer.status_code == 400
    assert "En utredning kan inte avslutas innan den inletts." in answer.content.decode()
    assert not Investigation.objects.exists()
    answer = web.post(url, {"started_on": "2024-01-20"})
    assert answer.status_code == 302
    inv = Investigation.objects.get()
    edit = reverse("clients:investigation_update", args=[inv.pk])
    form = web.get(edit)
    assert form.status_code == 200
    answer = web.post(
        edit,
        {
            "started_on": "2024-01-20",
            "extended_on": "2024-05-10",
            "extension_reason": "Inväntar utlåtande",
            "version": "1",
        },
    )
    assert answer.status_code == 302
    inv.refresh_from_db()
    assert inv.extended_on == dt.date(2024, 5, 10)

    decision = f.decision(case_, decided_on=dt.date(2024, 2, 1))
    url = reverse("clients:appeal_create", args=[decision.pk])
    answer = web.post(url, {"appealed_on": "2024-01-31", "court": "administrative"})
    assert "Ett beslut kan inte överklagas innan det fattades." in answer.content.decode()
    answer = web.post(
        url,
        {
            "appealed_on": "2024-02-10",
            "court": "administrative",
            "decided_on": "2024-04-01",
            "outcome": "changed",
        },
    )
    assert answer.status_code == 302
    assert Appeal.objects.get().outcome == "changed"
    page = web.get(reverse("clients:case_detail", args=[case_.pk])).content.decode()
    assert "Ändrat av domstolen" in page


def test_execution_form_records_partial_execution_and_refuses_bad_order(case_, staff, login):
    web = login(staff.case_worker)
    decision = f.decision(case_, decided_on=dt.date(2024, 2, 1))
    url = reverse("clients:decision_execution", args=[decision.pk])
    answer = web.post(
        url,
        {"executed_on": "2024-03-01", "interrupted_on": "2024-04-01", "resumed_on": "2024-03-20"},
    )
    assert answer.status_code == 400
    assert "Verkställigheten kan inte återupptas innan den avbröts." in answer.content.decode()
    answer = web.post(
        url,
        {
            "executed_on": "2024-03-01",
            "extent_unit": "hours_week",
            "granted_extent": "5",
            "executed_extent": "3",
            "version": "1",
        },
    )
    assert answer.status_code == 302
    decision.refresh_from_db()
    assert decision.executed_extent == 3 and decision.version == 2


def test_outside_the_unit_every_page_is_404(case_, staff, login):
    decision = f.decision(case_)
    inv = cf.investigation(case_)
    appeal = cf.appeal(decision)
    web = login(staff.other_case_worker)
    for name, obj in (
        ("clients:investigation_create", case_),
        ("clients:investigation_update", inv),
        ("clients:appeal_create", decision),
        ("clients:appeal_update", appeal),
        ("clients:decision_execution", decision),
    ):
        url = reverse(name, args=[obj.pk])
        assert web.get(url).status_code == 404, name
        assert web.post(url, {}).status_code == 404, name
