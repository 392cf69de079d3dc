"""The Analys page in a real browser: a quality lead chooses a programme, a variable and a
breakdown, sees the table and the chart image, with no serious accessibility violation and no
Content Security Policy error."""

from __future__ import annotations

import pytest

from tests.analytics.factories import make_programme, populate
from tests.e2e.conftest import assert_accessible, log_in, nav_link
from tests.factories import TEST_PASSWORD


@pytest.fixture
def analysis_data(transactional_db, tree, staff, settings, tmp_path):
    settings.INSYN_ANALYTICS_CACHE = tmp_path / "analytics"
    design = make_programme(tree)
    populate(tree, design, n=120, seed=11)
    return design


def test_quality_lead_runs_an_analysis(page, analysis_data, staff):
    log_in(page, staff.quality_lead.username, TEST_PASSWORD)
    nav_link(page, "Analys", exact=True).click()
    page.wait_for_load_state("networkidle")
    # Generic labels ("Stage", "Break down by") may take another app's wording, so the
    # fields are found by id; their labels are checked by axe below.
    page.locator("#id_programme").select_option("vux")
    page.get_by_role("button", name="Visa uppföljningsprogrammets variabler").click()
    page.wait_for_load_state("networkidle")
    page.get_by_label("Dagar med problem").check()
    page.locator("#id_stage").select_option("before")
    page.locator("#id_by1").select_option("sex")
    page.locator(".analysis-form .actions button").click()
    page.wait_for_load_state("networkidle")
    table = page.get_by_role("table", name="Dagar med problem vid Före")
    assert table.count() == 1
    assert table.get_by_role("columnheader").count() >= 6
    assert table.get_by_role("rowheader").count() >= 3  # women, men, … and all
    image = page.get_by_role("img", name="Diagram över Dagar med problem")
    image.wait_for()
    page.wait_for_function(  # polled: a chart may still be arriving on a busy machine
        "() => [...document.images].filter(i => i.src.includes('chart.svg'))"
        ".every(i => i.complete && i.naturalWidth > 0)",
        timeout=60000,
    )
    assert "inte effekten av insatsen" in page.content()
    assert_accessible(page)
    assert page.csp_errors == []
    # the download link is there and keyboard-reachable
    link = page.get_by_role("link", name="CSV för svenska Excel")
    link.focus()
    assert page.evaluate("document.activeElement.textContent.trim()") == "CSV för svenska Excel"


def test_unit_manager_reads_the_unit_overview(page, analysis_data, staff):
    log_in(page, staff.unit_manager.username, TEST_PASSWORD)
    assert page.get_by_role("heading", name="Uppföljningsresultat").count() == 1
    nav_link(page, "Enhetsöversikt").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="Måluppfyllelse").count() == 1
    assert page.get_by_role("table", name="Genomförandegrad per mättillfälle").count() == 1
    assert_accessible(page)
    assert page.csp_errors == []
