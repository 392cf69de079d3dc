"""The annual-cycle API: the same scope, rules and workflow as the web; JSON 404 out of scope;
generating a year is idempotent."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from insyn.quality.models import CycleActivity, CycleTask
from tests.quality import cycle_factories as f

pytestmark = pytest.mark.usefixtures("english")


def api(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def test_activities_list_create_update(tree, staff):
    f.activity(tree.bof_unit, title="Barn")
    c = api(staff.unit_manager)
    assert c.get(reverse("cycle-activity-list")).json()["results"] == []
    body = {
        "unit": tree.vux_unit.pk,
        "code": "apt",
        "title": "Avvikelser på APT",
        "frequency": "monthly",
        "day": 31,
        "reported_to": "staff",
    }
    bad = c.post(
        reverse("cycle-activity-list"),
        {**body, "frequency": "biennial", "month": 13},
        format="json",
    )
    assert bad.status_code == 400 and {"month", "first_year"} <= set(bad.json())
    created = c.post(reverse("cycle-activity-list"), body, format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    other = c.post(
        reverse("cycle-activity-list"),
        {**body, "unit": tree.bof_unit.pk, "code": "x"},
        format="json",
    )
    assert other.status_code == 400 and "unit" in other.json()
    url = reverse("cycle-activity-detail", args=[pk])
    r = c.patch(url, {"day": 0}, format="json")
    assert r.status_code == 400 and "day" in r.json()
    r = c.patch(url, {"day": 10, "version": 1}, format="json")
    assert r.status_code == 200 and r.json()["day"] == 10 and r["ETag"] == '"2"'
    assert c.patch(url, {"day": 11, "version": 1}, format="json").status_code == 409
    hidden = CycleActivity.objects.get(title="Barn")
    r = c.get(reverse("cycle-activity-detail", args=[hidden.pk]))
    assert r.status_code == 404 and r.json() == {"detail": "Not found."}


def test_install_generate_and_tasks(tree, staff):
    c = api(staff.quality_lead)
    r = c.post(reverse("cycle-activity-install-default"), {"unit": tree.aov.pk}, format="json")
    assert r.status_code == 200 and r.json()["existing"] == 0
    n = r.json()["created"]
    r = c.post(reverse("cycle-activity-install-default"), {"unit": tree.aov.pk}, format="json")
    assert r.json() == {"created": 0, "existing": n}
    r = c.post(reverse("cycle-task-generate"), {"year": 2026}, format="json")
    made = r.json()["created"]
    assert r.status_code == 200 and made == CycleTask.objects.count()
    r = c.post(reverse("cycle-task-generate"), {"year": 2026}, format="json")
    assert r.json() == {"created": 0, "existing": made}
    assert c.post(reverse("cycle-task-generate"), {"year": 1999}, format="json").status_code == 400
    listed = c.get(reverse("cycle-task-list"), {"year": 2026, "reported_to": "citizens"}).json()
    assert listed["count"] == CycleTask.objects.filter(activity__reported_to="citizens").count() > 0
    assert c.get(reverse("cycle-task-list"), {"status": "nope"}).status_code == 400
    assert c.get(reverse("cycle-task-list"), {"year": "²"}).status_code == 400
    task = CycleTask.objects.order_by("due_on").first()
    url = reverse("cycle-task-transition", args=[task.pk])
    r = c.post(url, {"step": "complete", "note": "Klar"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "done" and r.json()["done_on"]
    r = c.post(url, {"step": "start"}, format="json")
    assert r.status_code == 400 and "non_field_errors" in r.json()
    r = c.patch(
        reverse("cycle-task-detail", args=[task.pk]), {"note": "Ny notering"}, format="json"
    )
    assert r.status_code == 200 and r.json()["note"] == "Ny notering"
    # outside scope
    k = api(staff.kalmar_admin)
    assert k.get(reverse("cycle-task-detail", args=[task.pk])).status_code == 404
    assert k.post(url, {"step": "reopen"}, format="json").status_code == 404
    assert k.get(reverse("cycle-task-list")).json()["count"] == 0
    assert (
        k.post(
            reverse("cycle-task-generate"), {"year": 2026, "unit": tree.aov.pk}, format="json"
        ).status_code
        == 400
    )


def test_responsible_person_uses_the_api_for_own_task(tree, staff):
    f.activity(tree.vux_unit, responsible=staff.case_worker)
    f.activity(tree.vux_unit)
    f.tasks(2026)
    c = api(staff.case_worker)
    body = c.get(reverse("cycle-task-list"), {"mine": "true"}).json()
    assert body["count"] == 1
    pk = body["results"][0]["id"]
    r = c.post(reverse("cycle-task-transition", args=[pk]), {"step": "start"}, format="json")
    assert r.status_code == 200
    r = c.patch(reverse("cycle-task-detail", args=[pk]), {"due_on": "2026-04-01"}, format="json")
    assert r.status_code == 400
