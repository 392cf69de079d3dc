"""Lex Sarah in the browser: a case worker reports from the menu, the officer registers the
report from its page; the pages have no serious or critical accessibility violation."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, log_in

PASSWORD = "insyn-demo-2026"


@pytest.fixture
def demo(transactional_db: None) -> None:
    call_command("demo", "--only", "organisations", "--only", "quality", stdout=StringIO())


def test_report_and_register(page, demo):
    log_in(page, "handlaggare", PASSWORD)
    quick = page.get_by_role("list", name="Snabbval")  # the header, on every page
    quick.get_by_role("link", name="Rapportera lex Sarah", exact=True).click()
    assert_accessible(page)
    page.get_by_label("Påtaglig risk för missförhållande").check()
    page.get_by_label("Berörd enhet").select_option(label="Missbruksbehandling öppenvård")
    page.get_by_label("Vad hände?").fill("Medicinskåpet stod olåst under kvällen.")
    page.get_by_role("button", name="Skicka rapporten").click()
    expect(page.get_by_text("Tack. Din lex Sarah-rapport har skickats")).to_have_count(1)
    assert_accessible(page)
    report_url = page.url

    page.context.clear_cookies()
    log_in(page, "lexsarah", PASSWORD)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Lex Sarah", exact=True
    ).click()
    assert_accessible(page)
    page.goto(report_url)
    page.get_by_role("button", name="Registrera", exact=True).click()
    expect(page.get_by_text("Sparat: Registrera.")).to_have_count(1)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Lex Sarah-rapport LS ")
    assert_accessible(page)
    assert page.csp_errors == []
