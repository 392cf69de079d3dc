"""Who reaches what: outside the unit is the same 404 as missing; analysts and administrators
never reach individuals; quality leads read but do not change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from insyn.clients.models import Client
from tests.clients import factories as f


@pytest.fixture
def journey(tree, catalogues):
    client = f.client(tree.vux_unit, number=f.personnummer(dt.date(1970, 7, 7)))
    case = f.case(client)
    decision = f.decision(case)
    intervention = f.intervention(case, decision_=decision, started_on=dt.date(2025, 2, 1))
    return {"client": client, "case": case, "intervention": intervention}


def _pages(j):
    return [
        reverse("clients:client_list"),
        reverse("clients:case_list"),
        reverse("clients:client_detail", args=[j["client"].pk]),
        reverse("clients:case_detail", args=[j["case"].pk]),
        reverse("clients:case_open", args=[j["client"].pk]),
        reverse("clients:decision_create", args=[j["case"].pk]),
        reverse("clients:intervention_create", args=[j["case"].pk]),
        reverse("clients:intervention_update", args=[j["intervention"].pk]),
    ]


def test_case_worker_of_the_unit_reaches_everything(login, staff, journey):
    c = login(staff.case_worker)
    assert [c.get(u).status_code for u in _pages(journey)] == [200] * 8


def test_outside_the_unit_is_the_same_404_as_missing(login, staff, journey):
    c = login(staff.other_case_worker)
    detail = c.get(reverse("clients:client_detail", args=[journey["client"].pk]))
    missing = c.get(reverse("clients:client_detail", args=[999999]))
    assert detail.status_code == missing.status_code == 404
    assert detail.content == missing.content
    for url in _pages(journey)[2:]:
        assert c.get(url).status_code == 404, url
    assert c.get(reverse("clients:client_list")).context["page"].paginator.count == 0


def test_other_municipality_sees_nothing(login, staff, journey):
    c = login(staff.kalmar_case_worker)
    for url in _pages(journey)[2:]:
        assert c.get(url).status_code == 404


@pytest.mark.parametrize("role", ["analyst", "admin"])
def test_analysts_and_administrators_never_reach_individuals(login, staff, journey, role):
    c = login(getattr(staff, role))
    for url in [*_pages(journey), reverse("clients:client_register"), reverse("imports:upload")]:
        assert c.get(url).status_code == 404, url
    for url in ["/api/clients/", f"/api/clients/{journey['client'].pk}/", "/api/interventions/"]:
        response = c.get(url)
        assert response.status_code == 404 or response.json()["count"] == 0, url


def test_quality_lead_reads_but_does_not_change(login, staff, journey):
    c = login(staff.quality_lead)
    read, write = _pages(journey)[:4], _pages(journey)[4:]
    assert [c.get(u).status_code for u in read] == [200] * 4
    for url in write:
        assert c.get(url).status_code == 404, url
    response = c.post(
        reverse("clients:case_detail", args=[journey["case"].pk]), {"closed_on": "2025-05-01"}
    )
    assert response.status_code == 404
    journey["case"].refresh_from_db()
    assert journey["case"].closed_on is None
    page = c.get(reverse("clients:client_detail", args=[journey["client"].pk]))
    assert (
        reverse("clients:decision_create", args=[journey["case"].pk]).encode() not in page.content
    )


def test_unit_manager_of_the_department_changes_data(login, staff, journey):
    c = login(staff.unit_manager)
    assert c.get(reverse("clients:decision_create", args=[journey["case"].pk])).status_code == 200


def test_client_becomes_visible_to_a_unit_through_its_case(login, tree, staff, journey):
    """A client is seen by the registering unit and by every unit holding one of its cases."""
    c = login(staff.other_case_worker)
    client = journey["client"]
    assert c.get(reverse("clients:client_detail", args=[client.pk])).status_code == 404
    f.case(client, tree.bof_unit)
    page = c.get(reverse("clients:client_detail", args=[client.pk]))
    assert page.status_code == 200
    # ... but only the case in their own unit.
    assert [cj.case.unit for cj in page.context["journey"].cases] == [tree.bof_unit]


def test_menu_shows_clients_to_those_who_read_individuals(login, staff, catalogues):
    assert (
        "Klienter" in login(staff.case_worker).get("/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    )
    assert Client.objects.count() == 0
