"""The action-plan API: the same scope, rules and workflow as the web; JSON 404 out of scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from insyn.core.models import AccessEntry
from insyn.quality.models import ActionItem, ActionPlan
from tests.quality import action_plans_factories as f

pytestmark = pytest.mark.usefixtures("english", "catalogues")


def api(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def test_list_and_retrieve_are_scoped_and_audited(tree, staff):
    vux = f.plan(tree.vux_unit, staff.unit_manager)
    bof = f.plan(tree.bof_unit, staff.quality_lead)
    client = api(staff.unit_manager)
    body = client.get(reverse("action-plan-list")).json()
    assert [r["id"] for r in body["results"]] == [vux.pk]
    detail = client.get(reverse("action-plan-detail", args=[vux.pk]))
    assert detail.status_code == 200 and detail["ETag"] == '"1"'
    assert detail.json()["source_kind"] == "" and detail.json()["source_id"] is None
    assert AccessEntry.objects.filter(
        object_type="quality.actionplan", object_id=str(vux.pk), action="view"
    ).exists()
    hidden = client.get(reverse("action-plan-detail", args=[bof.pk]))
    missing = client.get(reverse("action-plan-detail", args=[999999]))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json() == {"detail": "Not found."}
    assert api(staff.kalmar_admin).get(reverse("action-plan-list")).json()["results"] == []


def test_list_filters_and_bad_parameters(tree, staff):
    late = f.plan(tree.vux_unit, staff.unit_manager)
    f.item(late, staff.case_worker, due_in=-1)
    calm = f.plan(tree.vux_unit, staff.unit_manager)
    client = api(staff.quality_lead)
    url = reverse("action-plan-list")
    assert [r["id"] for r in client.get(url, {"overdue": "true"}).json()["results"]] == [late.pk]
    ids = {r["id"] for r in client.get(url, {"unit": tree.vux.pk}).json()["results"]}
    assert ids == {late.pk, calm.pk}
    assert client.get(url, {"unit": tree.bof.pk}).json()["results"] == []
    assert client.get(url, {"unit": "²"}).status_code == 400


def test_create_update_and_item_workflow(tree, staff):
    dev = f.deviation(tree.vux_unit, staff.case_worker)
    client = api(staff.unit_manager)
    created = client.post(
        reverse("action-plan-list"),
        {
            "title": "Läkemedel",
            "problem": "Fel dos",
            "owner": staff.unit_manager.pk,
            "deviation": dev.pk,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    plan = ActionPlan.objects.get()
    assert created.json()["source_kind"] == "deviation" and created.json()["source_id"] == dev.pk
    assert plan.unit == tree.vux_unit
    stale = client.patch(
        reverse("action-plan-detail", args=[plan.pk]),
        {"goal": "Noll fel"},
        format="json",
        HTTP_IF_MATCH='"7"',
    )
    assert stale.status_code == 412
    ok = client.patch(
        reverse("action-plan-detail", args=[plan.pk]),
        {"goal": "Noll fel", "version": 1},
        format="json",
    )
    assert ok.status_code == 200 and ok.json()["version"] == 2
    due = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    item = client.post(
        reverse("action-item-list"),
        {
            "plan": plan.pk,
            "activity": "Dubbelkontroll",
            "responsible": staff.case_worker.pk,
            "due_on": due,
        },
        format="json",
    )
    assert item.status_code == 201, item.json()
    item_id = item.json()["id"]
    # the responsible case worker moves it; an illegal step is a 400 with the reason
    worker = api(staff.case_worker)
    url = reverse("action-item-transition", args=[item_id])
    assert worker.post(url, {"step": "start"}, format="json").status_code == 200
    again = worker.post(url, {"step": "start"}, format="json")
    assert again.status_code == 400 and "cannot be done now" in again.json()["non_field_errors"][0]
    no_result = worker.post(url, {"step": "complete"}, format="json")
    assert no_result.status_code == 400 and "result" in no_result.json()
    done = worker.post(url, {"step": "complete", "result": "Infört"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "done"
    # but may not edit the plan or the item's content
    assert (
        worker.patch(
            reverse("action-item-detail", args=[item_id]), {"activity": "x"}, format="json"
        ).status_code
        == 404
    )
    assert (
        worker.patch(
            reverse("action-plan-detail", args=[plan.pk]), {"goal": "x"}, format="json"
        ).status_code
        == 404
    )
    follow = client.post(
        reverse("action-plan-follow-up", args=[plan.pk]),
        {
            "followed_up_on": timezone.localdate().isoformat(),
            "outcome": "effective",
            "outcome_text": "Inga fel",
        },
        format="json",
    )
    assert follow.status_code == 200 and follow.json()["status"] == "followed_up"
    closed = client.post(reverse("action-plan-close", args=[plan.pk]), {}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"


def test_create_refuses_unknown_or_invisible_things(tree, staff, officer):
    report = f.lex_sarah(tree.vux_unit, staff.case_worker)
    client = api(staff.unit_manager)
    url = reverse("action-plan-list")
    base = {"title": "T", "problem": "P", "owner": staff.unit_manager.pk}
    r = client.post(url, {**base, "lex_sarah_report": report.pk}, format="json")
    assert r.status_code == 400 and r.json() == {"lex_sarah_report": ["Unknown source."]}
    r = client.post(url, {**base, "unit": tree.bof_unit.pk}, format="json")
    assert r.status_code == 400 and "unit" in r.json()
    r = client.post(url, {**base, "unit": tree.vux_unit.pk, "owner": 2**31 - 1}, format="json")
    assert r.status_code == 400 and "owner" in r.json()
    r = client.post(url, {**base, "unit": tree.vux_unit.pk, "owner": 2**40}, format="json")
    assert r.status_code == 400
    assert not ActionPlan.objects.exists()
    assert (
        api(staff.case_worker)
        .post(url, {**base, "unit": tree.vux_unit.pk}, format="json")
        .status_code
        == 400
    )


def test_items_of_other_units_are_404(tree, staff):
    plan = f.plan(tree.bof_unit, staff.quality_lead)
    item = f.item(plan, staff.other_case_worker)
    client = api(staff.unit_manager)
    assert client.get(reverse("action-item-detail", args=[item.pk])).status_code == 404
    assert (
        client.post(
            reverse("action-item-transition", args=[item.pk]), {"step": "start"}, format="json"
        ).status_code
        == 404
    )
    r = client.post(
        reverse("action-item-list"),
        {
            "plan": plan.pk,
            "activity": "A",
            "responsible": staff.unit_manager.pk,
            "due_on": "2099-01-01",
        },
        format="json",
    )
    assert r.status_code == 400 and r.json() == {"plan": ["Unknown action plan."]}
    item.refresh_from_db()
    assert item.status == ActionItem.Status.PLANNED
    mine = api(staff.other_case_worker).get(reverse("action-item-list"), {"mine": "true"}).json()
    assert [r["id"] for r in mine["results"]] == [item.pk]
