"""Odd input gets a 400 and a clear message, never a server error, on SQLite and PostgreSQL:
NUL and other control characters (refused by InputGuardMiddleware and the API's parsers) and
digits that are not ASCII ("²" passes str.isdigit() but is no number)."""

from __future__ import annotations

import json

import pytest
from django.test.client import encode_multipart
from django.urls import reverse

from insyn.clients.models import Client, Intervention
from insyn.core.validation import parse_int, reject_control_characters
from tests.followup.factories import enrolled

MESSAGE = "Indata innehåller styrtecken (till exempel en NUL-byte) som inte är tillåtna."


@pytest.fixture
def cw(login, staff):
    return login(staff.case_worker)


@pytest.mark.parametrize(
    "url",
    [
        "/api/clients/?q=a%00b",
        "/api/cases/?status=open%00",
        "/api/catalogues/legal-bases/sol%00/",
        "/api/followup/programmes/?status=%01",
    ],
)
def test_nul_in_an_api_query_or_path_is_a_400_in_json(cw, url):
    response = cw.get(url)
    assert response.status_code == 400
    assert response.json() == {"detail": MESSAGE}


def test_nul_in_a_page_query_is_a_400_page_in_swedish(cw):
    response = cw.get(reverse("clients:case_list"), {"q": "K\x00"})
    assert response.status_code == 400
    assert MESSAGE in response.content.decode()
    assert response["Content-Type"].startswith("text/html")


def test_nul_in_a_posted_form_changes_nothing(cw, tree, catalogues):
    response = cw.post(
        reverse("clients:client_register"),
        {"personnummer": "19800101\x001234", "unit": tree.vux_unit.pk},
    )
    assert response.status_code == 400
    assert Client.objects.count() == 0


@pytest.mark.parametrize("text", ["K\x00", "a\x1bb", "\ud800"])
def test_control_characters_and_lone_surrogates_in_json_are_a_400(cw, tree, catalogues, text):
    body = json.dumps({"unit": tree.vux_unit.pk, "client_ref": text, "birth_date": "1980-01-01"})
    response = cw.post("/api/clients/", body, content_type="application/json")
    assert response.status_code == 400 and "detail" in response.json()
    assert Client.objects.count() == 0


def test_nul_as_a_json_key_is_a_400(cw):
    body = json.dumps({"q\x00": 1})
    response = cw.post("/api/clients/lookup/", body, content_type="application/json")
    assert response.status_code == 400


def test_nul_in_a_multipart_patch_is_refused_by_the_parser(cw, tree, staff):
    intervention = enrolled(tree, staff).intervention
    url = f"/api/interventions/{intervention.pk}/"
    body = encode_multipart("BoUnDaRy", {"comment": "a\x00b"})
    response = cw.patch(url, body, content_type="multipart/form-data; boundary=BoUnDaRy")
    assert response.status_code == 400
    assert response.json() == {"detail": MESSAGE}
    assert Intervention.objects.get(pk=intervention.pk).comment == ""


def test_tabs_and_line_breaks_are_ordinary_text(cw, tree, staff):
    intervention = enrolled(tree, staff).intervention
    url = f"/api/interventions/{intervention.pk}/"
    body = json.dumps({"comment": "rad ett\r\n\trad två"})
    response = cw.patch(url, body, content_type="application/json")
    assert response.status_code == 200, response.content
    assert Intervention.objects.get(pk=intervention.pk).comment == "rad ett\r\n\trad två"


@pytest.mark.parametrize(
    "url",
    [
        "/api/cases/?client=%C2%B2",
        "/api/decisions/?case=%C2%B2",
        "/api/interventions/?case=%D9%A1",
        "/api/org-units/?parent=%C2%B2",
        "/api/survey-responses/?occasion=%C2%B2",
        "/api/followup/occasions/?enrollment=%C2%B2",
    ],
)
def test_unicode_digits_in_an_id_filter_are_a_400_with_a_message(cw, url):
    response = cw.get(url)
    assert response.status_code == 400, response.content
    assert list(response.json().values()) == [["Ange ett heltal."]]


def test_unicode_digits_in_analysis_versions_and_dashboard_units(cw, staff, login):
    response = cw.get("/api/analysis/aggregate/?programme=x&variable=y&version=%C2%B2")
    assert response.status_code == 400
    manager = login(staff.unit_manager)
    assert manager.get(reverse("analytics:dashboard") + "?unit=%C2%B2").status_code in (400, 404)


def test_unicode_digits_in_an_organisation_number_get_a_message():
    from django.core.exceptions import ValidationError

    from insyn.clients.validators import normalise_org_number

    with pytest.raises(ValidationError):
        normalise_org_number("55601606²0")


def test_parse_int_takes_ascii_digits_only():
    assert parse_int("42") == 42 and parse_int(" 7 ") == 7 and parse_int(3) == 3
    for bad in ("²", "١٢", "-1", "+1", "1.0", "1e3", "", "1\n2", "9" * 19, None, True, -1):
        assert parse_int(bad) is None, bad
    assert parse_int("91", maximum=90) is None


def test_the_validator_refuses_nul_but_not_line_breaks():
    from django.core.exceptions import ValidationError

    reject_control_characters("a\tb\r\nc")
    with pytest.raises(ValidationError):
        reject_control_characters("a\x00b")


def test_too_many_form_fields_is_a_400_in_json_for_the_api(cw, settings):
    """Django's field limit answered as JSON on the API, in Swedish, before any view runs."""
    body = "&".join(f"members={i}" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = cw.post("/api/clients/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Förfrågan innehåller för många fält eller för mycket data."
    }
    assert Client.objects.count() == 0
