"""The manage API: manual values, targets and user groups through the services; out of scope
answers the same 404 as missing; bad input a 400 naming the field with nothing written; a
stale version 409 (412 with If-Match), as the quality API's versioned objects."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from insyn.core.models import ChangeEntry
from insyn.indicators.models import ComparisonGroup, IndicatorTarget, IndicatorValue
from tests.conftest import Staff, Tree
from tests.indicators import manage_factories as f

pytestmark = pytest.mark.usefixtures("english")


def api(user: Any) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def test_manual_values_list_create_update_delete(tree: Tree, staff: Staff) -> None:
    ind = f.indicator(staff.quality_lead, key="sick-leave")
    bof = f.value(staff.quality_lead, ind, tree.bof_unit, v=5)
    client = api(staff.unit_manager)
    made = client.post(
        reverse("manual-value-list"),
        {
            "indicator": "sick-leave",
            "unit": tree.vux_unit.pk,
            "year": 2024,
            "value": 6.5,
            "sex": "K",
        },
        format="json",
    )
    assert made.status_code == 201, made.json()
    body = made.json()
    assert (body["indicator"], body["unit_code"], body["sex"], body["value"]) == (
        "sick-leave",
        "VUX-OPV",
        "K",
        6.5,
    )
    assert body["entered_by"] == "manager" and body["provenance"] == "Manuellt inlagt värde"
    assert made["ETag"] == f'"{body["version"]}"'
    listed = client.get(reverse("manual-value-list")).json()["results"]
    assert [r["id"] for r in listed] == [body["id"]]  # BOF's value is outside the manager's scope
    assert client.get(reverse("manual-value-list"), {"indicator": "nope"}).json()["results"] == []
    hidden = client.get(reverse("manual-value-detail", args=[bof.pk]))
    missing = client.get(reverse("manual-value-detail", args=[999999]))
    assert hidden.status_code == missing.status_code == 404 and hidden.json() == missing.json()
    assert (
        client.patch(
            reverse("manual-value-detail", args=[bof.pk]), {"value": 1}, format="json"
        ).status_code
        == 404
    )
    assert client.delete(reverse("manual-value-detail", args=[bof.pk])).status_code == 404
    url = reverse("manual-value-detail", args=[body["id"]])
    changed = client.patch(url, {"value": 7, "version": body["version"]}, format="json")
    assert changed.status_code == 200 and changed.json()["value"] == 7
    stale = client.patch(url, {"value": 8, "version": body["version"]}, format="json")
    assert stale.status_code == 409 and stale.json()["version"] == changed.json()["version"]
    precondition = client.patch(
        url, {"value": 8}, format="json", HTTP_IF_MATCH=f'"{body["version"]}"'
    )
    assert precondition.status_code == 412
    assert IndicatorValue.objects.get(pk=body["id"]).value == 7
    gone = client.delete(url, HTTP_IF_MATCH=f'"{body["version"]}"')
    assert gone.status_code == 412
    assert client.delete(url, HTTP_IF_MATCH=f'"{changed.json()["version"]}"').status_code == 204
    assert not IndicatorValue.objects.filter(pk=body["id"]).exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"year": 2999}, "year"),
        ({"value": 150}, "value"),
        ({"indicator": "U31462"}, "indicator"),
        ({"indicator": "nope"}, "indicator"),
        ({"sex": "X"}, "sex"),
        ({"unit": "KALMAR"}, "unit"),
    ],
)
def test_manual_value_bad_input_is_400_and_nothing_written(
    tree: Tree, staff: Staff, payload: dict[str, Any], field: str
) -> None:
    f.indicator(staff.quality_lead, key="sick-leave")
    f.catalogue_indicator(key="U31462")
    data = {
        "indicator": "sick-leave",
        "unit": tree.vux_unit.pk,
        "year": 2024,
        "value": 5,
        **payload,
    }
    if data["unit"] == "KALMAR":
        data["unit"] = tree.kalmar_unit.pk
    answer = api(staff.unit_manager).post(reverse("manual-value-list"), data, format="json")
    assert answer.status_code == 400 and field in answer.json(), answer.json()
    assert not IndicatorValue.objects.exists()
    assert not ChangeEntry.objects.filter(object_type="indicators.indicatorvalue").exists()


def test_readers_cannot_write(tree: Tree, staff: Staff) -> None:
    f.indicator(staff.quality_lead, key="sick-leave")
    answer = api(staff.case_worker).post(
        reverse("manual-value-list"),
        {"indicator": "sick-leave", "unit": tree.vux_unit.pk, "year": 2024, "value": 5},
        format="json",
    )
    assert answer.status_code == 400 and answer.json() == {"unit": ["Unknown unit."]}


def test_targets(tree: Tree, staff: Staff) -> None:
    f.catalogue_indicator(key="U31402", direction="lower", unit="days")
    client = api(staff.unit_manager)
    made = client.post(
        reverse("indicator-target-list"),
        {
            "indicator": "U31402",
            "unit": tree.vux.pk,
            "year": 2026,
            "value": 20,
            "decision": "SN § 3",
        },
        format="json",
    )
    assert made.status_code == 201, made.json()
    body = made.json()
    assert (body["comparison"], body["created_by"]) == ("at_most", "manager")
    url = reverse("indicator-target-detail", args=[body["id"]])
    changed = client.patch(url, {"value": 25, "version": body["version"]}, format="json")
    assert changed.status_code == 200
    assert (changed.json()["value"], changed.json()["year"], changed.json()["decision"]) == (
        25,
        2026,
        "SN § 3",
    )
    assert (
        client.patch(url, {"value": 30, "version": body["version"]}, format="json").status_code
        == 409
    )
    bad = client.patch(url, {"value": -1}, format="json")
    assert bad.status_code == 400 and "value" in bad.json()
    other = api(staff.kalmar_case_worker)
    assert other.get(url).status_code == 404
    assert (
        client.post(
            reverse("indicator-target-list"),
            {"indicator": "U31402", "unit": tree.kalmar.pk, "value": 20},
            format="json",
        ).status_code
        == 400
    )
    assert client.delete(url).status_code == 204
    assert not IndicatorTarget.objects.exists()


def test_user_groups(tree: Tree, staff: Staff) -> None:
    f.municipalities("0764", "0765")
    client = api(staff.unit_manager)
    made = client.post(
        reverse("user-group-list"),
        {"owner": tree.vux.pk, "title": "Grannar", "members": ["0764", "0765"]},
        format="json",
    )
    assert made.status_code == 201, made.json()
    body = made.json()
    assert body["key"] == f"user-{body['id']}" and body["members"] == ["0764", "0765"]
    url = reverse("user-group-detail", args=[body["id"]])
    assert client.patch(url, {"members": ["0765"]}, format="json").json()["members"] == ["0765"]
    unknown = client.patch(url, {"members": ["9999"]}, format="json")
    assert unknown.status_code == 400 and "members" in unknown.json()
    assert api(staff.kalmar_case_worker).get(url).status_code == 404
    assert api(staff.case_worker).delete(url).status_code == 404
    kolada = ComparisonGroup.objects.create(key="G1", title="Kolada", kind="kolada")
    assert client.get(reverse("user-group-detail", args=[kolada.pk])).status_code == 404
    assert client.delete(url).status_code == 204
    assert list(ComparisonGroup.objects.values_list("key", flat=True)) == ["G1"]
