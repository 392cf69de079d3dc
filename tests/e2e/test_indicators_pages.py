"""The key-figure pages in a real browser on the demo: the quality lead opens "Nyckeltal",
sees the tiles, opens an indicator with its similar group and funnel plot; axe finds no
serious or critical violation and the CSP holds (charts are data: images)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from tests.e2e.conftest import assert_accessible, log_in


@pytest.fixture
def demo(transactional_db: None) -> None:
    call_command("demo", stdout=StringIO())


def test_overview_and_indicator_page(page, demo):
    page.set_default_timeout(120000)  # the full demo's overview computes every tile
    log_in(page, "kvalitet", "insyn-demo-2026")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Nyckeltal", exact=True
    ).click()
    page.wait_for_url("**/indicators/")
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Nyckeltal")
    assert page.locator(".indicator-tile").count() > 5
    assert_accessible(page)
    assert page.csp_errors == []

    page.goto("/indicators/U31462/?year=2024&mode=honest")
    page.wait_for_load_state("networkidle")
    assert "Liknande kommuner IFO" in page.locator("#id_against").inner_text()
    assert page.get_by_role("heading", name="Trattdiagram").count() == 1
    assert page.locator("#group-table tbody tr").count() > 3
    page.wait_for_function(  # polled: a chart may still be arriving on a busy machine
        "() => [...document.images].filter(i => i.src.startsWith('data:image/svg'))"
        ".every(i => i.complete && i.naturalWidth > 0)",
        timeout=60000,
    )
    assert_accessible(page)
    assert page.csp_errors == []

    page.goto("/indicators/compare/?year=2024")
    page.wait_for_load_state("networkidle")
    assert page.locator(".compare-table tbody tr").count() > 2
    assert_accessible(page)
