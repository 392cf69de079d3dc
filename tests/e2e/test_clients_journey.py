"""A case worker registers a client with a personnummer, opens a case, records a decision and
an intervention, keyboard and screen-reader friendly (axe clean on every page)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from insyn.clients.models import Client, Intervention
from insyn.core.identity import person_key
from tests.clients.factories import personnummer
from tests.e2e.conftest import assert_accessible, log_in, nav_link

PASSWORD = "insyn-demo-2026"


@pytest.fixture
def demo(transactional_db: None) -> None:
    call_command("demo", stdout=StringIO())


def test_case_worker_registers_a_client_and_records_the_journey(page, demo):
    number = personnummer(dt.date(1979, 11, 23), female=True)
    log_in(page, "handlaggare", PASSWORD)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Klienter").click()
    assert_accessible(page)
    page.get_by_role("link", name="Registrera klient").click()
    expect(page.get_by_label("Personnummer eller samordningsnummer")).to_be_focused()
    assert_accessible(page)

    # A wrong number first: a clear message next to the field, and nothing saved.
    page.keyboard.type("19791123-0000")
    page.keyboard.press("Enter")
    error = page.locator("#id_personnummer_error")
    assert "inte ett giltigt" in error.inner_text() or "not a valid" in error.inner_text()
    assert page.get_by_label("Personnummer eller samordningsnummer").input_value() == ""
    assert_accessible(page)

    page.get_by_label("Personnummer eller samordningsnummer").fill(number)
    page.get_by_role("button", name="Registrera").click()
    client = Client.objects.get(person_key=person_key(number))
    assert client.birth_date == dt.date(1979, 11, 23) and client.sex == "K"

    # Open a case: today and the user's own unit are already filled in.
    assert page.get_by_role("heading", level=1).inner_text().startswith("Öppna ärende")
    assert page.get_by_label("Öppnat").input_value() == dt.date.today().isoformat()
    page.get_by_label("Aktualiseringsorsak").select_option(label="Alkohol")
    assert_accessible(page)
    page.get_by_role("button", name="Öppna ärende").click()
    assert "öppnades" in page.locator(".messages").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="Registrera beslut").first.click()
    page.get_by_label("Insatstyp").select_option(label="Strukturerad öppenvårdsbehandling")
    page.get_by_label("Lagrum").select_option(
        label="Bistånd efter individuell behovsprövning, socialtjänstlagen (2025:400)"
    )
    assert_accessible(page)
    page.get_by_role("button", name="Spara beslut").click()

    # The intervention form follows, with the decision's type and date filled in.
    assert page.get_by_label("Startade").input_value() == dt.date.today().isoformat()
    page.get_by_label("Planerade tillfällen").fill("10")
    assert_accessible(page)
    page.get_by_role("button", name="Spara insats").click()

    intervention = Intervention.objects.get(case__client=client)
    assert intervention.intervention_type.code == "opv_adults_structured"
    assert intervention.decision is not None and intervention.sessions_planned == 10
    timeline = page.locator(".timeline")
    for step in ("Ärende öppnat", "Beslut", "Insats startade"):
        assert step in timeline.inner_text()
    assert number[2:8] not in page.content()
    assert_accessible(page)
    assert page.csp_errors == []


def test_administrator_keeps_the_provider_register(page, demo):
    log_in(page, "admin", PASSWORD)
    nav_link(page, "Utförare").click()
    assert_accessible(page)
    page.get_by_role("link", name="Lägg till utförare").click()
    page.get_by_label("Namn", exact=False).first.fill("Behandlingshemmet Solgläntan AB")
    page.get_by_label("Typ", exact=False).first.select_option("external")
    page.get_by_label("Organisationsnummer").fill("556016-0681")
    page.get_by_role("button", name="Spara").click()
    assert "kontrollsiffran" in page.locator("#id_org_number_error").inner_text()
    assert_accessible(page)
    page.get_by_label("Organisationsnummer").fill("556016-0680")
    page.get_by_role("button", name="Spara").click()
    assert "Solgläntan" in page.locator("table").inner_text()
    page.get_by_role("link", name="Kodlistor").click()
    assert_accessible(page)


def test_import_page_is_accessible(page, demo):
    log_in(page, "handlaggare", PASSWORD)
    nav_link(page, "Import").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Import från verksamhetssystemet"
    assert_accessible(page)
