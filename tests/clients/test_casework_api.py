"""The API of investigations and appeals and the execution fields on decisions: same rules,
same audit and the same 404 outside the unit as the web."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from insyn.clients.models import Appeal, Investigation
from insyn.core.models import AccessEntry, ChangeEntry
from tests.clients import casework_factories as cf
from tests.clients import factories as f


@pytest.fixture
def case_(tree, catalogues):
    client = f.client(tree.vux_unit, number=f.personnummer(dt.date(1977, 7, 7)))
    return f.case(client, opened_on=dt.date(2024, 1, 10))


def test_create_list_update_an_investigation(case_, staff, login):
    api = login(staff.case_worker)
    answer = api.post(
        reverse("investigation-list"),
        {"case": case_.pk, "started_on": "2024-01-15", "completed_on": "2024-01-14"},
        content_type="application/json",
    )
    assert answer.status_code == 400
    assert answer.json()["completed_on"] == ["En utredning kan inte avslutas innan den inletts."]
    assert not Investigation.objects.exists()
    answer = api.post(
        reverse("investigation-list"),
        {"case": case_.pk, "started_on": "2024-01-15"},
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    pk = answer.json()["id"]
    assert answer.json()["four_month_status"] == "needs_extension"
    listed = api.get(reverse("investigation-list"), {"case": case_.pk}).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [r["id"] for r in rows] == [pk]
    answer = api.patch(
        reverse("investigation-detail", args=[pk]),
        {
            "completed_on": "2024-06-01",
            "outcome": "granted",
            "extended_on": "2024-05-01",
            "extension_reason": "Inväntar intyg",
            "version": 1,
        },
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["four_month_status"] == "extended"
    assert answer.json()["handling_days"] == (dt.date(2024, 6, 1) - dt.date(2024, 1, 15)).days
    assert ChangeEntry.objects.filter(object_type="clients.investigation", action="update").exists()
    stale = api.patch(
        reverse("investigation-detail", args=[pk]),
        {"outcome": "rejected", "version": 1},
        content_type="application/json",
    )
    assert stale.status_code == 409


def test_appeals_filter_by_case_and_refuse_bad_dates(case_, staff, login):
    decision = f.decision(case_, decided_on=dt.date(2024, 2, 1))
    api = login(staff.case_worker)
    bad = api.post(
        reverse("appeal-list"),
        {"decision": decision.pk, "appealed_on": "2024-03-01", "outcome": "upheld"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json()["decided_on"] == ["Ett utfall kräver datum för domstolens avgörande."]
    ok = api.post(
        reverse("appeal-list"),
        {"decision": decision.pk, "appealed_on": "2024-03-01"},
        content_type="application/json",
    )
    assert ok.status_code == 201
    listed = api.get(reverse("appeal-list"), {"case": case_.pk}).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert len(rows) == 1 and rows[0]["court"] == "administrative"
    assert AccessEntry.objects.filter(object_type="clients.appeal").exists()
    assert Appeal.objects.count() == 1


def test_decision_execution_fields_through_the_api(case_, staff, login):
    decision = f.decision(case_, decided_on=dt.date(2024, 2, 1))
    api = login(staff.case_worker)
    url = reverse("decision-detail", args=[decision.pk])
    bad = api.patch(
        url,
        {
            "executed_on": "2024-03-01",
            "granted_extent": "5",
            "executed_extent": "6",
            "extent_unit": "hours_week",
        },
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json()["executed_extent"] == ["Mer kan inte verkställas än vad som beviljats."]
    ok = api.patch(
        url,
        {"executed_on": "2024-03-01", "interrupted_on": "2024-04-01"},
        content_type="application/json",
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["interrupted_on"] == "2024-04-01"
    assert ok.json()["resumed_on"] is None


def test_outside_the_unit_is_404(case_, staff, login):
    inv = cf.investigation(case_)
    appeal = cf.appeal(f.decision(case_))
    api = login(staff.kalmar_case_worker)
    assert api.get(reverse("investigation-detail", args=[inv.pk])).status_code == 404
    assert api.get(reverse("appeal-detail", args=[appeal.pk])).status_code == 404
    listed = api.get(reverse("investigation-list")).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert rows == []
    answer = api.post(
        reverse("investigation-list"),
        {"case": case_.pk, "started_on": "2024-01-15"},
        content_type="application/json",
    )
    assert answer.status_code == 400  # the case "does not exist" for this user
    assert Investigation.objects.count() == 1
