"""A case worker finds an overdue action item on the start page, opens the plan and marks the
item done in the browser; the unit manager's list and new-plan pages. Every page passes axe."""

from __future__ import annotations

import pytest

from insyn.quality.models import ActionItem
from tests.e2e.conftest import assert_accessible, log_in
from tests.factories import TEST_PASSWORD
from tests.quality import action_plans_factories as f


@pytest.fixture
def item(transactional_db, tree, staff, catalogues):
    plan = f.plan(tree.vux_unit, staff.unit_manager, title="Överlämningar")
    return f.item(plan, staff.case_worker, due_in=-2, activity="Ta fram checklista")


def test_responsible_marks_an_overdue_item_done(page, item, staff):
    log_in(page, staff.case_worker.username, TEST_PASSWORD)
    panel = page.get_by_role("region", name="Mina åtgärder")
    assert "Ta fram checklista" in panel.inner_text() and "Försenad" in panel.inner_text()
    assert_accessible(page)
    panel.get_by_role("link", name="Ta fram checklista").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text() == "Överlämningar"
    assert_accessible(page)
    section = page.get_by_role("region", name="Ta fram checklista")
    section.get_by_label("Steg").select_option(label="Markera som klar")
    section.get_by_role("button", name="Spara steget").click()
    page.wait_for_load_state("networkidle")
    assert "Skriv vad som gjordes" in page.locator("body").inner_text()  # result is required
    assert_accessible(page)
    page.get_by_label("Steg").select_option(label="Markera som klar")
    page.get_by_label("Resultat").fill("Checklistan används från måndag")
    page.get_by_role("button", name="Spara steget").click()
    page.wait_for_load_state("networkidle")
    item.refresh_from_db()
    assert item.status == ActionItem.Status.DONE
    assert "Checklistan används från måndag" in page.locator("main").inner_text()


def test_unit_manager_list_and_new_plan_pages(page, item, staff):
    log_in(page, staff.unit_manager.username, TEST_PASSWORD)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Kvalitet", exact=True
    ).click()
    page.wait_for_url("**/quality/")
    page.get_by_role("navigation", name="Kvalitetsarbete").get_by_role(
        "link", name="Handlingsplaner"
    ).click()
    page.wait_for_url("**/quality/action-plans/")
    page.wait_for_load_state("networkidle")
    assert "Överlämningar" in page.locator("table.data-table, table").first.inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Ny handlingsplan").click()
    page.wait_for_load_state("networkidle")
    assert_accessible(page)
    page.get_by_role("button", name="Spara").click()  # empty: messages next to the fields
    page.wait_for_load_state("networkidle")
    assert page.locator(".field--error").count() >= 2
    assert_accessible(page)
