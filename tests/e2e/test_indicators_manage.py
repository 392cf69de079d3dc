"""Managing key figures in a real browser: enter one manual value (Swedish decimal comma) and
one committee target, see who entered the value, with no serious accessibility violation and
no Content Security Policy error on the pages."""

from __future__ import annotations

from typing import Any

import pytest

from insyn.indicators.models import IndicatorTarget, IndicatorValue
from tests.conftest import Staff, Tree
from tests.e2e.conftest import assert_accessible, log_in
from tests.factories import TEST_PASSWORD
from tests.indicators import manage_factories as f


@pytest.fixture
def manage_data(transactional_db: None, tree: Tree, staff: Staff) -> Any:
    return {
        "indicator": f.indicator(staff.quality_lead, key="sjukfranvaro", title="Sjukfrånvaro"),
        "catalogue": f.catalogue_indicator(key="U31462", direction="higher"),
    }


def test_enter_a_manual_value_and_a_target(
    page: Any, manage_data: dict[str, Any], tree: Tree, staff: Staff
) -> None:
    log_in(page, staff.unit_manager.username, TEST_PASSWORD)
    page.goto("/indicators/manage/")
    page.wait_for_load_state("networkidle")
    assert_accessible(page)
    page.get_by_role("link", name="Lägg in ett värde").click()
    page.wait_for_load_state("networkidle")
    assert_accessible(page)
    page.locator("#id_indicator").select_option(label=str(manage_data["indicator"]))
    page.locator("#id_org_unit").select_option(value=str(tree.vux_unit.pk))
    page.locator("#id_year").fill("2024")
    page.locator("#id_value").fill("7,4")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_url("**/indicators/manage/")
    page.wait_for_load_state("networkidle")
    assert IndicatorValue.objects.get().value == 7.4
    row = page.locator("table.data-table tbody tr").first
    assert "7,4" in row.inner_text() and staff.unit_manager.get_full_name() in row.inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="Nämndens mål").click()
    page.wait_for_load_state("networkidle")
    assert_accessible(page)
    page.get_by_role("link", name="Nytt mål").click()
    page.wait_for_load_state("networkidle")
    page.locator("#id_indicator").select_option(label=str(manage_data["catalogue"]))
    page.locator("#id_org_unit").select_option(value=str(tree.vux.pk))
    page.locator("#id_year").fill("2026")
    page.locator("#id_value").fill("80")
    page.get_by_label("Beslutat av").fill("Socialnämnden 2026-02-12 § 14")
    assert_accessible(page)
    page.get_by_role("button", name="Spara").click()
    page.wait_for_url("**/indicators/manage/targets/")
    page.wait_for_load_state("networkidle")
    target = IndicatorTarget.objects.get()
    assert (target.value, target.comparison, target.year) == (80, "at_least", 2026)
    assert "Socialnämnden 2026-02-12 § 14" in page.content()
    assert_accessible(page)
    assert page.csp_errors == []
