"""The risk API: scope (JSON 404 out of scope), register/update/reassess/transition through the
services, bad scores answer 400 and change nothing, versions, assessments and analyses."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from insyn.quality.models import Risk, RiskAnalysis
from tests.quality import risks_factories as f

pytestmark = pytest.mark.usefixtures("english", "catalogues")


def api(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def test_list_detail_scope_and_filters(tree, staff):
    vux = f.risk(tree.vux_unit, actor=staff.unit_manager, p=1, s=4)
    low = f.risk(tree.vux_unit, actor=staff.unit_manager, p=4, s=1)
    bof = f.risk(tree.bof_unit, actor=staff.quality_lead)
    client = api(staff.unit_manager)
    body = client.get(reverse("risk-list")).json()
    assert {r["id"] for r in body["results"]} == {vux.pk, low.pk}
    detail = client.get(reverse("risk-detail", args=[vux.pk]))
    assert detail.status_code == 200 and detail["ETag"] == '"1"'
    assert detail.json()["level"] == "high" and detail.json()["score"] == 4
    assert client.get(reverse("risk-detail", args=[low.pk])).json()["level"] == "medium"
    hidden = client.get(reverse("risk-detail", args=[bof.pk]))
    missing = client.get(reverse("risk-detail", args=[999999]))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    ids = [
        r["id"] for r in client.get(reverse("risk-list"), {"min_level": "high"}).json()["results"]
    ]
    assert ids == [vux.pk]
    assert api(staff.case_worker).get(reverse("risk-list")).json()["results"] == []
    history = client.get(reverse("risk-assessment-list"), {"risk": vux.pk}).json()["results"]
    assert [(a["probability"], a["severity"]) for a in history] == [(1, 4)]
    assert client.get(reverse("risk-assessment-list"), {"risk": bof.pk}).json()["results"] == []


def test_create_reassess_update_and_transition(tree, staff):
    client = api(staff.unit_manager)
    created = client.post(
        reverse("risk-list"),
        {
            "unit": tree.vux_unit.pk,
            "title": "Hot",
            "probability": 3,
            "severity": 4,
            "treatment": "reduce",
            "deviation_category": "hot_vald",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    url = reverse("risk-reassess", args=[pk])
    for bad in (0, 5, "x"):
        r = client.post(url, {"probability": bad, "severity": 2}, format="json")
        assert r.status_code == 400 and "probability" in r.json()
    later = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    ok = client.post(
        url, {"probability": 2, "severity": 4, "reassess_on": later, "version": 1}, format="json"
    )
    assert ok.status_code == 200 and ok.json()["probability"] == 2 and ok.json()["version"] == 2
    stale = client.post(url, {"probability": 1, "severity": 1, "version": 1}, format="json")
    assert stale.status_code == 409
    past = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    bad_date = client.patch(reverse("risk-detail", args=[pk]), {"reassess_on": past}, format="json")
    assert bad_date.status_code == 400 and "reassess_on" in bad_date.json()
    upd = client.patch(
        reverse("risk-detail", args=[pk]), {"title": "Hot i receptionen"}, format="json"
    )
    assert upd.status_code == 200 and upd.json()["title"] == "Hot i receptionen"
    closed = client.post(reverse("risk-transition", args=[pk]), {"action": "close"}, format="json")
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    risk = Risk.objects.get(pk=pk)
    assert risk.assessments.count() == 2
    # a reader elsewhere cannot write: the same 404
    other = api(staff.kalmar_admin).post(url, {"probability": 1, "severity": 1}, format="json")
    assert other.status_code == 404
    bad_create = client.post(
        reverse("risk-list"),
        {"unit": tree.vux_unit.pk, "title": "", "probability": 5, "severity": 0},
        format="json",
    )
    assert bad_create.status_code == 400
    assert Risk.objects.count() == 1
    outside = client.post(
        reverse("risk-list"),
        {"unit": tree.bof_unit.pk, "title": "X", "probability": 1, "severity": 1},
        format="json",
    )
    assert outside.status_code == 400 and "unit" in outside.json()


def test_analyses(tree, staff):
    client = api(staff.unit_manager)
    created = client.post(
        reverse("risk-analysis-list"),
        {"unit": tree.vux.pk, "title": "Omorganisation", "change_kind": "organisation"},
        format="json",
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    risk = client.post(
        reverse("risk-list"),
        {"unit": tree.vux_unit.pk, "analysis": pk, "title": "R", "probability": 2, "severity": 2},
        format="json",
    )
    assert risk.status_code == 201 and risk.json()["analysis"] == pk
    listed = client.get(reverse("risk-list"), {"analysis": pk}).json()["results"]
    assert [r["id"] for r in listed] == [risk.json()["id"]]
    done = client.post(
        reverse("risk-analysis-transition", args=[pk]), {"action": "complete"}, format="json"
    )
    assert done.status_code == 200 and done.json()["state"] == "done"
    assert RiskAnalysis.objects.get().state == "done"
    bof = f.analysis(tree.bof, actor=staff.quality_lead)
    assert client.get(reverse("risk-analysis-detail", args=[bof.pk])).status_code == 404
