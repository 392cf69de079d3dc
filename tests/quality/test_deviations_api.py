"""The deviation API: the same visibility, steps, audit and 404s as the web."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from insyn.core.models import AccessEntry
from insyn.core.roles import Role
from insyn.quality.models import Deviation
from tests.factories import user_with_role
from tests.quality.deviation_factories import deviation, linked

pytestmark = pytest.mark.usefixtures("catalogues")

BASE = "/api/quality/deviations/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_report_through_the_api(tree, staff):
    answer = api(staff.case_worker).post(
        BASE,
        {"category": "sekretess", "occurred_on": str(timezone.localdate()), "description": "x"},
        format="json",
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    d = Deviation.objects.get()
    assert body["reference"] == d.reference and body["unit"] == tree.vux_unit.pk
    assert body["personal_data_incident"] is True and body["dpa_deadline"] is not None


def test_future_date_and_unknown_fields_are_400_and_write_nothing(tree, staff, english):
    client = api(staff.case_worker)
    tomorrow = str(timezone.localdate() + dt.timedelta(days=1))
    answer = client.post(
        BASE,
        {"category": "bemotande", "occurred_on": tomorrow, "description": "x"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert answer.status_code == 400
    assert answer.json() == {"occurred_on": ["The date cannot be in the future."]}
    odd = client.post(
        BASE, {"category": "finns-inte", "occurred_on": "x", "client": 10**12}, format="json"
    )
    assert odd.status_code == 400
    assert not Deviation.objects.exists()


def test_every_step_through_the_api_with_versions(tree, staff):
    d = deviation(tree, staff)
    client = api(staff.unit_manager)
    url = f"{BASE}{d.pk}/"
    assert client.post(url + "receive/", {"version": d.version}, format="json").status_code == 200
    stale = client.post(
        url + "investigate/",
        {"version": d.version, "investigation_facts": "a", "cause_text": "b", "consequences": "c"},
        format="json",
    )
    assert stale.status_code == 409  # the version moved on with "receive"
    fresh = client.post(
        url + "investigate/",
        {"investigation_facts": "a", "root_causes": ["kompetens"], "consequences": "c"},
        format="json",
        HTTP_IF_MATCH='"2"',
    )
    assert fresh.status_code == 200 and fresh.json()["root_causes"] == ["kompetens"]
    assert fresh["ETag"] == '"3"'
    assert (
        client.post(url + "decide-measures/", {"measures_text": "m"}, format="json").json()["state"]
        == "measures"
    )
    closed = client.post(url + "close/", {"feedback": "Tack"}, format="json")
    assert closed.json()["state"] == "closed"


def test_out_of_order_step_is_400_with_a_message(tree, staff, english):
    d = deviation(tree, staff)
    answer = api(staff.unit_manager).post(
        f"{BASE}{d.pk}/close/", {"feedback": "x"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert answer.status_code == 400
    assert "cannot be done now" in answer.json()["non_field_errors"][0]
    assert Deviation.objects.get(pk=d.pk).state == "reported"


def test_outsiders_get_the_same_json_404_as_for_a_missing_id(tree, staff):
    d = linked(tree, staff)
    missing = d.pk + 1000
    for user in (
        staff.other_case_worker,
        staff.kalmar_case_worker,
        user_with_role(Role.UNIT_MANAGER, tree.bof, username="bof_chef"),
    ):
        client = api(user)
        seen, gone = client.get(f"{BASE}{d.pk}/"), client.get(f"{BASE}{missing}/")
        assert seen.status_code == gone.status_code == 404
        assert seen.json() == gone.json() == {"detail": "Not found."}
        step = client.post(f"{BASE}{d.pk}/receive/", {}, format="json")
        assert step.status_code == 404 and step.json() == {"detail": "Not found."}
        assert d.pk not in [row["id"] for row in client.get(BASE).json()["results"]]
    # the reporter reads their own report but may not handle it
    reporter = api(staff.case_worker)
    assert reporter.get(f"{BASE}{d.pk}/").status_code == 200
    assert reporter.post(f"{BASE}{d.pk}/receive/", {}, format="json").status_code == 404
    assert Deviation.objects.get(pk=d.pk).state == "reported"


def test_reads_are_audited(tree, staff):
    d = linked(tree, staff)
    api(staff.unit_manager).get(f"{BASE}{d.pk}/")
    api(staff.unit_manager).get(BASE)
    actions = set(
        AccessEntry.objects.filter(
            object_type="quality.deviation", object_id=str(d.pk), actor=staff.unit_manager
        ).values_list("action", flat=True)
    )
    assert actions == {"view", "list"}


def test_list_filters(tree, staff):
    a = deviation(tree, staff, code="bemotande")
    b = deviation(tree, staff, state="received")
    client = api(staff.unit_manager)
    ids = lambda **q: [r["id"] for r in client.get(BASE, q).json()["results"]]  # noqa: E731
    assert ids(state="received") == [b.pk]
    assert ids(category="bemotande") == [a.pk]
    assert set(ids(unit=tree.vux_unit.pk)) == {a.pk, b.pk}
    assert ids(unit=tree.bof_unit.pk) == []
    assert client.get(BASE, {"unit": "²"}).status_code == 400


def test_users_who_may_report_nowhere_find_no_endpoint(tree, staff):
    d = deviation(tree, staff)
    for user in (staff.admin, staff.analyst):
        client = api(user)
        assert client.get(BASE).status_code == 404
        assert client.get(f"{BASE}{d.pk}/").json() == {"detail": "Not found."}
        assert client.post(BASE, {}, format="json").status_code == 404
