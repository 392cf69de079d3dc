"""Small things a new user trips over (issue 14, item 6): the sex message speaks the form's
words, and the analyst, who may not read clients, gets the web's 404 from the API too."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from insyn.clients.models import Client


def test_the_sex_message_names_the_options_the_form_shows(login, tree, staff, catalogues):
    c = login(staff.case_worker)
    response = c.post(
        reverse("clients:client_register"),
        {"unit": tree.vux_unit.pk, "no_number": "on", "birth_date": "2002-05-05"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    options = re.findall(r'<option value="[KMX]"[^>]*>([^<]+)</option>', html)
    assert options == ["Kvinna", "Man", "Annat / ej angivet"]
    assert "Utan personnummer måste kön anges: Kvinna, Man eller Annat / ej angivet." in html
    assert "K, M eller X" not in html
    assert not Client.objects.exists()


@pytest.mark.parametrize(
    "url", ["/api/clients/", "/api/cases/", "/api/interventions/", "/api/decisions/"]
)
def test_the_analyst_gets_the_webs_404_from_the_client_api(login, staff, tree, url):
    c = login(staff.analyst)
    assert c.get(reverse("clients:client_list")).status_code == 404  # the web
    response = c.get(url)
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}
    assert c.post(url, {}, content_type="application/json").status_code == 404
    browsable = c.get(url, HTTP_ACCEPT="text/html")
    assert browsable.status_code == 404
    html = browsable.content.decode()
    assert "Växjö" not in html and "Kalmar" not in html
    assert 'name="unit"' not in html and "<option" not in html  # no entry form


def test_a_case_worker_still_lists_and_a_quality_lead_still_reads(login, staff, tree):
    assert login(staff.case_worker).get("/api/clients/").status_code == 200
    assert login(staff.quality_lead).get("/api/clients/").status_code == 200
