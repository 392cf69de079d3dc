"""The Open Comparisons workflow in a real browser: the demo's “ÖJ 2026 Barn och unga” walked
from the quick analysis through the prioritisation matrix and a deep analysis to an action
plan that the action plan list shows; axe finds no serious or critical violation on the way."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from insyn.indicators.models import OjPublication
from tests.e2e.conftest import assert_accessible, log_in

PASSWORD = "insyn-demo-2026"


@pytest.fixture
def demo(transactional_db: None) -> None:
    call_command(
        "demo",
        "--only",
        "organisations",
        "--only",
        "quality",
        "--only",
        "indicators",
        stdout=StringIO(),
    )


def _submit(page: Any, button: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state("networkidle")


def test_walk_a_publication_to_an_action_plan(page: Any, demo: Any) -> None:
    publication = OjPublication.objects.get(title="ÖJ 2026 Barn och unga")
    log_in(page, "kvalitet", PASSWORD)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Öppna jämförelser", exact=True
    ).click()
    page.wait_for_load_state("networkidle")
    assert_accessible(page)
    page.get_by_role("link", name="ÖJ 2026 Barn och unga").click()
    page.wait_for_load_state("networkidle")
    assert_accessible(page)

    # quick analysis of each negative result
    negatives = publication.results.filter(negative=True).count()
    assert negatives == 3
    for _ in range(negatives):
        form = page.locator("details[open] form.oj-quick").first
        for name in ("important", "reliable", "ongoing_work"):
            value = "no" if name == "ongoing_work" else "yes"
            form.locator(f"input[name$='-{name}'][value='{value}']").check()
        form.get_by_role("button", name="Spara snabbanalysen").click()
        page.wait_for_load_state("networkidle")
    expect(page.get_by_text("Inte analyserat ännu")).to_have_count(0)
    _submit(page, "Snabbanalysen klar")
    expect(page.locator("dd strong")).to_have_text("Snabbanalys klar: prioritering")

    # the matrix: give the second row priority 1 and the first priority 2
    page.get_by_role("link", name="Redigera prioriteringsmatrisen").click()
    page.wait_for_load_state("networkidle")
    assert_accessible(page)
    selects = page.locator("select[name$='-priority']")
    assert selects.count() == 3
    first_row = page.locator("table.oj-matrix tbody th").nth(0).inner_text()
    second_row = page.locator("table.oj-matrix tbody th").nth(1).inner_text()
    selects.nth(0).select_option("2")
    selects.nth(1).select_option("1")
    page.locator("textarea[name$='-decision']").nth(1).fill("Analyseras fördjupat först.")
    _submit(page, "Spara matrisen")
    rows = page.locator("table.oj-matrix tbody th")
    assert rows.nth(0).inner_text() == second_row  # ordered by priority
    assert rows.nth(1).inner_text() == first_row
    page.get_by_role("link", name="ÖJ 2026 Barn och unga").click()
    page.wait_for_load_state("networkidle")
    _submit(page, "Besluta prioriteringen")

    # deep analysis of the result with priority 1
    page.get_by_role("link", name="Analysera fördjupat").first.click()
    page.wait_for_load_state("networkidle")
    assert_accessible(page)
    page.get_by_label("Nuläge").fill("Få unga får kontakt med sin handläggare när de behöver.")
    page.get_by_label("Orsaker").fill("Hög personalomsättning; ingen ersättare vid frånvaro.")
    page.locator("input[name='influence'][value='high']").check()
    page.get_by_label("Föreslaget förbättringsområde").fill("Tillgänglighet för unga")
    page.get_by_label("Prioritet").select_option("1")
    _submit(page, "Spara den fördjupade analysen")
    _submit(page, "Fördjupad analys klar")

    # an improvement proposal becomes an action plan
    page.locator("input[name=title]").fill("Kontaktväg för unga via sms")
    page.locator("textarea[name=description]").fill(
        "En gemensam sms-tjänst och en ersättare vid frånvaro."
    )
    _submit(page, "Lägg till förslaget")
    assert_accessible(page)
    _submit(page, "Besluta: skapa handlingsplanen")
    expect(page.get_by_role("link", name="Kontaktväg för unga via sms")).to_have_count(1)
    _submit(page, "Handlingsplaner beslutade")
    expect(page.locator("dd strong")).to_have_text("Handlingsplaner beslutade: uppföljning")
    assert_accessible(page)

    page.goto(reverse("quality:action_plans"))
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("link", name="Kontaktväg för unga via sms")).to_have_count(1)

    page.goto(reverse("indicators:oj_a3", args=[publication.pk]))
    page.wait_for_load_state("networkidle")
    assert_accessible(page)
    assert page.csp_errors == []
