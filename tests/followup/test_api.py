"""The follow-up API: restricted, audited, validated by the same rules as the web."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from insyn.core.models import AccessEntry, ChangeEntry
from insyn.followup.models import Goal, Occasion
from tests.followup.factories import audit_items, enrolled, programme

TODAY = dt.date.today()
pytestmark = pytest.mark.usefixtures("english")


def api(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


@pytest.fixture
def enrollment(tree, staff):
    return enrolled(tree, staff)


def test_programmes_are_readable_with_stages_and_variables(tree, staff, catalogues):
    p = programme(tree.aov)
    programme(tree.aov, key="draft", published=False)
    body = api(staff.case_worker).get(reverse("programme-list")).json()
    assert [r["key"] for r in body["results"]] == ["missbruk"]
    detail = api(staff.analyst).get(reverse("programme-detail", args=[p.pk])).json()
    assert [s["key"] for s in detail["stages"]] == ["before", "after"]
    assert detail["stages"][0]["variables"][0] == {"variable": "audit", "required": True}
    housing = next(v for v in detail["variables"] if v["key"] == "housing")
    assert [o["code"] for o in housing["options"]] == ["yes", "no"]
    assert (
        api(staff.kalmar_case_worker).get(reverse("programme-detail", args=[p.pk])).status_code
        == 404
    )


def test_occasion_read_is_audited_and_scoped(enrollment, staff):
    occasion = enrollment.occasions.get(stage__key="before")
    url = reverse("occasion-detail", args=[occasion.pk])
    before = AccessEntry.objects.count()
    body = api(staff.case_worker).get(url).json()
    assert body["status"] == "due" and body["stage"] == "before" and body["values"] == {}
    assert AccessEntry.objects.count() == before + 1
    listing = api(staff.case_worker).get(reverse("occasion-list"), {"enrollment": enrollment.pk})
    assert len(listing.json()["results"]) == 2
    for outsider in (staff.other_case_worker, staff.kalmar_case_worker, staff.analyst, staff.admin):
        assert api(outsider).get(url).status_code == 404
        assert api(outsider).get(reverse("occasion-list")).json()["results"] == []


def test_record_through_the_api(enrollment, staff):
    occasion = enrollment.occasions.get(stage__key="before")
    url = reverse("occasion-detail", args=[occasion.pk])
    values = audit_items([4, 4, 4, 1, 1, 1, 1, 0, 2, 2]) | {"problem_days": 20, "housing": "no"}
    response = api(staff.case_worker).patch(url, {"values": values}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "done" and body["done_on"] == TODAY.isoformat()
    assert body["values"]["audit"] == 20 and body["values"]["audit.q1"] == "4"
    # a man with 20 points: WHO zone IV
    assert body["scores"]["audit"] == {
        "total": 20.0,
        "band": "dependence",
        "band_label": "Möjligt alkoholberoende",
    }
    assert ChangeEntry.objects.filter(object_type="followup.occasion", action="record").count() == 1


def test_bad_values_are_400_with_field_messages_and_change_nothing(enrollment, staff):
    occasion = enrollment.occasions.get(stage__key="before")
    url = reverse("occasion-detail", args=[occasion.pk])
    client = api(staff.case_worker)
    response = client.patch(
        url, {"values": {"audit": 50, "problem_days": 31, "housing": "x"}}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "values": {
            "audit": ["The value must be at most 40."],
            "problem_days": ["The value must be at most 30."],
            "housing": ["x is not one of the choices."],
        }
    }
    response = client.patch(
        url,
        {"values": {"audit": 5}, "done_on": (TODAY + dt.timedelta(days=2)).isoformat()},
        format="json",
    )
    assert response.json() == {"done_on": ["The date cannot be in the future."]}
    response = client.patch(url, {"non_response_reason": "nope"}, format="json")
    assert response.json() == {"non_response_reason": ["Unknown non-response reason."]}
    occasion.refresh_from_db()
    assert occasion.status == "due" and not occasion.values.exists()


def test_non_response_readers_and_writers(enrollment, staff):
    occasion = enrollment.occasions.get(stage__key="before")
    url = reverse("occasion-detail", args=[occasion.pk])
    assert api(staff.quality_lead).get(url).status_code == 200
    assert (
        api(staff.quality_lead)
        .patch(url, {"non_response_reason": "declined"}, format="json")
        .status_code
        == 404
    )
    response = api(staff.case_worker).patch(
        url, {"non_response_reason": "declined", "note": "Vill inte"}, format="json"
    )
    assert response.json()["status"] == "missed"
    assert response.json()["non_response_reason"] == "declined"
    assert api(staff.case_worker).put(url, {}, format="json").status_code == 405


def test_goals_set_and_assess(enrollment, staff):
    client = api(staff.case_worker)
    occasion = enrollment.occasions.get(stage__key="before")
    client.patch(
        reverse("occasion-detail", args=[occasion.pk]),
        {"values": {"audit": 18}},
        format="json",
    )
    response = client.post(
        reverse("goal-list"),
        {"enrollment": enrollment.pk, "text": "Lägre AUDIT", "variable": "audit", "target": 8},
        format="json",
    )
    assert response.status_code == 201, response.json()
    goal = response.json()
    assert (goal["baseline"], goal["target"], goal["direction"]) == (18.0, 8.0, "lower")
    bad = client.post(
        reverse("goal-list"),
        {"enrollment": enrollment.pk, "text": "X", "variable": "audit", "target": 99},
        format="json",
    )
    assert bad.status_code == 400
    assert bad.json() == {"target": ["The target lies outside the measure's range."]}
    url = reverse("goal-detail", args=[goal["id"]])
    assert client.patch(url, {"outcome": "maybe"}, format="json").status_code == 400
    assessed = client.patch(url, {"outcome": "achieved"}, format="json").json()
    assert assessed["outcome"] == "achieved" and assessed["assessed_on"] == TODAY.isoformat()
    assert (
        api(staff.other_case_worker).patch(url, {"outcome": "not"}, format="json").status_code
        == 404
    )
    assert Goal.objects.get().outcome == "achieved"


def test_enrol_by_hand_and_withdraw(tree, staff, catalogues):
    e = enrolled(tree, staff)
    manual = programme(tree.vaxjo, key="manual")
    client = api(staff.case_worker)
    response = client.post(
        reverse("enrollment-list"),
        {"programme": manual.pk, "intervention": e.intervention_id},
        format="json",
    )
    assert response.status_code == 201 and response.json()["programme_key"] == "manual"
    again = client.post(
        reverse("enrollment-list"),
        {"programme": manual.pk, "intervention": e.intervention_id},
        format="json",
    )
    assert again.status_code == 400
    assert again.json() == {
        "non_field_errors": ["The intervention is already enrolled in this programme."]
    }
    url = reverse("enrollment-detail", args=[response.json()["id"]])
    assert client.patch(url, {"status": "withdrawn"}, format="json").json()["status"] == "withdrawn"
    outsider = api(staff.other_case_worker).post(
        reverse("enrollment-list"),
        {"programme": manual.pk, "intervention": e.intervention_id},
        format="json",
    )
    assert outsider.status_code == 400 and outsider.json() == {
        "intervention": ["Unknown intervention."]
    }
    assert Occasion.objects.filter(enrollment__programme=manual).count() == 2


def test_schema_has_the_followup_endpoints_without_warnings(tmp_path):
    from django.core.management import call_command

    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = out.read_text()
    for path in (
        "/api/followup/programmes/",
        "/api/followup/occasions/{id}/",
        "/api/followup/goals/",
    ):
        assert f"{path}:" in schema


def test_responsible_user_missing_or_outside_the_unit_get_one_answer(enrollment, staff):
    """The enrolment API must not tell which user ids exist: a user outside the unit and an
    id nobody has get the same 400, and nothing changes."""
    from insyn.accounts.models import User

    url = reverse("enrollment-detail", args=[enrollment.pk])
    client = api(staff.case_worker)
    changes = ChangeEntry.objects.count()
    missing_id = (User.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000
    outside = client.patch(url, {"responsible": staff.kalmar_case_worker.pk}, format="json")
    missing = client.patch(url, {"responsible": missing_id}, format="json")
    assert outside.status_code == missing.status_code == 400
    assert outside.json() == missing.json()
    assert list(missing.json()) == ["responsible"]
    assert ChangeEntry.objects.count() == changes
    enrollment.refresh_from_db()
    assert enrollment.responsible == staff.case_worker
    # A colleague in the unit is accepted (the answer is not a blanket refusal).
    colleague = client.patch(url, {"responsible": staff.unit_manager.pk}, format="json")
    assert colleague.status_code == 200, colleague.json()
    assert colleague.json()["responsible"] == staff.unit_manager.pk
