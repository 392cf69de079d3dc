"""An occasion's date by the journey's date rules (insyn.clients.services.dates), through the
occasion form and the API: not before the case was opened, within 90 days before and 365
days after its stage's window, not in the future (docs/programme-format.md)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from rest_framework.test import APIClient

from insyn.clients.models import Case
from insyn.followup.models import Occasion
from tests.followup.factories import audit_items, enrolled

TODAY = dt.date.today()
VALUES = audit_items([1, 1, 1, 1, 1, 0, 0, 0, 0, 0]) | {"problem_days": 4, "housing": "yes"}


def _form(done_on: dt.date) -> dict[str, str]:
    return {"done_on": done_on.isoformat(), "note": ""} | {
        f"v-{k}": str(v) for k, v in VALUES.items()
    }


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_before_occasion_25_years_before_its_case_is_refused_web(tree, staff, login):
    enrollment = enrolled(tree, staff, started_days_ago=10)
    occasion = enrollment.occasions.get(stage__key="before")
    opened = enrollment.intervention.case.opened_on
    url = reverse("followup:occasion_record", args=[occasion.pk])
    client = login(staff.case_worker)
    response = client.post(url, _form(opened.replace(year=opened.year - 25)))
    assert response.status_code == 400
    assert response.context["form"].errors["done_on"] == [
        f"En uppföljning kan inte göras innan ärendet öppnades ({opened.isoformat()})."
    ]
    occasion.refresh_from_db()
    assert occasion.status != Occasion.Status.DONE and not occasion.values.exists()
    # Inside the case and near the window it is recorded.
    assert client.post(url, _form(opened)).status_code == 302


def test_an_occasion_far_before_its_window_is_refused_web(tree, staff, login):
    enrollment = enrolled(tree, staff, started_days_ago=10)
    case = enrollment.intervention.case
    Case.objects.filter(pk=case.pk).update(opened_on=TODAY - dt.timedelta(days=400))
    occasion = enrollment.occasions.get(stage__key="before")
    url = reverse("followup:occasion_record", args=[occasion.pk])
    client = login(staff.case_worker)
    too_early = occasion.window_start - dt.timedelta(days=91)
    response = client.post(url, _form(too_early))
    assert response.status_code == 400
    assert response.context["form"].errors["done_on"] == [
        "Datumet ligger mer än 90 dagar före uppföljningens tidsfönster "
        f"(som öppnar {occasion.window_start.isoformat()})."
    ]
    # 90 days before the window opens is still this stage's measurement.
    assert client.post(url, _form(occasion.window_start - dt.timedelta(days=90))).status_code == 302


def test_an_occasion_far_after_its_window_is_refused_api(tree, staff):
    enrollment = enrolled(tree, staff, started_days_ago=900, ended_days_ago=800)
    after = enrollment.occasions.get(stage__key="after")
    assert after.window_end == TODAY - dt.timedelta(days=800 - 30 - 30)
    url = reverse("occasion-detail", args=[after.pk])
    response = _api(staff.case_worker).patch(
        url, {"values": VALUES, "done_on": TODAY.isoformat()}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "done_on": [
            "Datumet ligger mer än 365 dagar efter uppföljningens tidsfönster "
            f"(som stängde {after.window_end.isoformat()})."
        ]
    }
    late_but_sane = after.window_end + dt.timedelta(days=365)
    response = _api(staff.case_worker).patch(
        url, {"values": VALUES, "done_on": late_but_sane.isoformat()}, format="json"
    )
    assert response.status_code == 200, response.json()


def test_a_non_response_dated_before_the_case_is_refused_api(tree, staff):
    enrollment = enrolled(tree, staff, started_days_ago=10)
    occasion = enrollment.occasions.get(stage__key="before")
    opened = enrollment.intervention.case.opened_on
    url = reverse("occasion-detail", args=[occasion.pk])
    response = _api(staff.case_worker).patch(
        url,
        {"non_response_reason": "declined", "done_on": "2000-01-01"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "done_on": [f"En uppföljning kan inte göras innan ärendet öppnades ({opened.isoformat()})."]
    }
    occasion.refresh_from_db()
    assert occasion.status != Occasion.Status.MISSED
