"""The clients API: same services, same scope and audit as the web; validation errors as 400
with field messages; the personnummer accepted but never returned."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
import yaml
from django.core.management import call_command

from insyn.clients.models import Case, Client, Intervention
from insyn.core.models import AccessEntry
from tests.clients import factories as f


def _post(c, url, data, method="post"):
    return getattr(c, method)(url, json.dumps(data), content_type="application/json")


@pytest.fixture
def api(login, staff, catalogues):
    return login(staff.case_worker)


def test_register_client_and_the_number_never_comes_back(api, tree):
    number = f.personnummer(dt.date(1988, 8, 18), female=True)
    response = _post(api, "/api/clients/", {"unit": tree.vux_unit.pk, "personnummer": number})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["birth_date"] == "1988-08-18" and body["sex"] == "K"
    assert body["id_kind"] == "personnummer" and body["client_ref"] == "K-000001"
    assert "personnummer" not in body and "person_key" not in body
    detail = api.get(f"/api/clients/{body['id']}/")
    assert number not in detail.content.decode() and number[2:] not in detail.content.decode()


def test_invalid_number_is_a_400_with_a_field_message(api, tree):
    response = _post(api, "/api/clients/", {"unit": tree.vux_unit.pk, "personnummer": "123456"})
    assert response.status_code == 400
    assert list(response.json()) == ["personnummer"]
    assert Client.objects.count() == 0


def test_duplicate_points_to_the_existing_client(api, tree):
    number = f.personnummer(dt.date(1950, 5, 25))
    existing = f.client(tree.vux_unit, number=number)
    response = _post(api, "/api/clients/", {"unit": tree.vux_unit.pk, "personnummer": number})
    assert response.status_code == 400
    assert response.json()["existing_client"] == str(existing.pk)


def test_lookup_by_number_is_posted_and_audited(api, tree):
    number = f.personnummer(dt.date(1955, 2, 2))
    client = f.client(tree.vux_unit, number=number)
    f.client(tree.bof_unit, number=f.personnummer(dt.date(1955, 2, 3)))
    response = _post(api, "/api/clients/lookup/", {"personnummer": number})
    assert [c["id"] for c in response.json()] == [client.pk]
    entry = AccessEntry.objects.latest("id")
    assert entry.object_id == str(client.pk) and number not in entry.path
    assert api.get("/api/clients/lookup/").status_code == 405


def test_case_decision_intervention_through_the_api(api, tree):
    client = f.client(tree.vux_unit)
    case = _post(
        api,
        "/api/cases/",
        {
            "client": client.pk,
            "unit": tree.vux_unit.pk,
            "opened_on": "2025-01-13",
            "source": "application",
            "reason": "alcohol",
        },
    )
    assert case.status_code == 201, case.content
    case_id = case.json()["id"]
    decision = _post(
        api,
        "/api/decisions/",
        {
            "case": case_id,
            "intervention_type": "opv_adults_structured",
            "legal_basis": "sol2001_4_1",
            "decided_on": "2025-01-20",
        },
    )
    assert decision.status_code == 201, decision.content
    intervention = _post(
        api,
        "/api/interventions/",
        {"case": case_id, "decision": decision.json()["id"], "started_on": "2025-01-27"},
    )
    assert intervention.status_code == 201, intervention.content
    body = intervention.json()
    assert body["intervention_type"] == "opv_adults_structured"
    url = f"/api/interventions/{body['id']}/"
    bad = _post(api, url, {"ended_on": "2025-01-01", "end_reason": "completed"}, "patch")
    assert bad.status_code == 400 and list(bad.json()) == ["ended_on"]
    assert Intervention.objects.get().ended_on is None
    ended = _post(api, url, {"ended_on": "2025-05-01", "end_reason": "completed"}, "patch")
    assert ended.status_code == 200 and ended.json()["ended_on"] == "2025-05-01"
    closed = _post(api, f"/api/cases/{case_id}/", {"closed_on": "2025-05-02"}, "patch")
    assert closed.status_code == 200 and Case.objects.get().closed_on == dt.date(2025, 5, 2)


def test_unknown_catalogue_code_is_a_400(api, tree):
    client = f.client(tree.vux_unit)
    response = _post(
        api,
        "/api/cases/",
        {"client": client.pk, "unit": tree.vux_unit.pk, "opened_on": "2025-01-13", "source": "x"},
    )
    assert response.status_code == 400 and list(response.json()) == ["source"]
    assert Case.objects.count() == 0


def test_scope_on_reads_and_writes(login, staff, tree, catalogues):
    client = f.client(tree.vux_unit)
    case = f.case(client)
    other = login(staff.other_case_worker)
    assert other.get(f"/api/clients/{client.pk}/").status_code == 404
    assert other.get("/api/cases/").json()["count"] == 0
    quality = login(staff.quality_lead)
    assert quality.get(f"/api/cases/{case.pk}/").status_code == 200
    patch = _post(quality, f"/api/cases/{case.pk}/", {"closed_on": "2025-05-02"}, "patch")
    assert patch.status_code == 404
    create = _post(
        quality,
        "/api/decisions/",
        {
            "case": case.pk,
            "intervention_type": "other",
            "legal_basis": "other",
            "decided_on": "2025-02-01",
        },
    )
    # The quality lead changes no client data anywhere: like the web, the API says 404.
    assert create.status_code == 404
    # A case worker of another unit may change data, just not this case's: the case is unknown.
    body = {"case": case.pk, "intervention_type": "other", "legal_basis": "other"}
    other = login(staff.other_case_worker)
    create = _post(other, "/api/decisions/", {**body, "decided_on": "2025-02-01"})
    assert create.status_code == 400 and "case" in create.json()
    # The analyst reads no individual at all: 404, as on the web (not an empty list).
    assert login(staff.analyst).get("/api/clients/").status_code == 404


def test_providers_and_catalogues_are_readable(api, tree):
    f.own_provider(tree.vaxjo, "Öppenvården")
    f.own_provider(tree.kalmar, "Kalmar öppenvård")
    names = [p["name"] for p in api.get("/api/providers/").json()["results"]]
    assert "Öppenvården" in names and "Statens institutionsstyrelse (SiS)" in names
    assert "Kalmar öppenvård" not in names
    basis = api.get("/api/catalogues/legal-bases/sol2001_4_1/").json()
    assert basis["valid_to"] == "2025-06-30" and basis["paragraph"] == "4 kap. 1 §"
    types = api.get("/api/catalogues/intervention-types/?page_size=200").json()
    assert types["count"] > 30


def test_schema_has_no_warnings_and_hides_the_number(db, tmp_path):
    out = tmp_path / "schema.yaml"
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(out), stdout=StringIO()
    )
    schema = yaml.safe_load(out.read_text())
    client = schema["components"]["schemas"]["ClientRequest"]["properties"]
    assert client["personnummer"]["writeOnly"] is True
    assert "personnummer" not in schema["components"]["schemas"]["Client"]["properties"]
    assert "/api/clients/lookup/" in schema["paths"]
