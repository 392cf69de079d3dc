"""The complaints coordinator reads the list and a complaint, and assigns it to a unit, in a
real browser: no serious or critical accessibility violation, no CSP error."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from insyn.quality.models import Complaint
from tests.e2e.conftest import assert_accessible, log_in
from tests.factories import TEST_PASSWORD
from tests.quality.complaints_factories import complaint_in, intake


@pytest.fixture
def world(transactional_db, tree, staff, catalogues):
    return complaint_in(tree)


def test_coordinator_assigns_a_complaint(page, world, tree, staff):
    user = intake(tree)
    log_in(page, user.username, TEST_PASSWORD)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Kvalitet", exact=True
    ).click()
    page.wait_for_url("**/quality/")
    nav = page.get_by_role("navigation", name="Kvalitetsarbete")
    nav.get_by_role("link", name="Klagomål och synpunkter", exact=True).click()
    page.wait_for_url("**/quality/complaints/")
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("heading", name="Klagomål och synpunkter", level=1)).to_have_count(1)
    assert_accessible(page)
    page.get_by_role("link", name=world.receipt_number).click()
    page.wait_for_load_state("networkidle")
    assert_accessible(page)
    page.locator("#id_assign-unit").select_option(str(tree.vux_unit.pk))
    page.get_by_role("button", name="Fördela").click()
    page.wait_for_load_state("networkidle")
    world.refresh_from_db()
    assert world.state == Complaint.State.ASSIGNED and world.unit == tree.vux_unit
    expect(page.get_by_role("heading", name="Utred")).to_have_count(1)
    assert_accessible(page)
    page.goto("/quality/complaints/register/")
    assert_accessible(page)
    assert page.csp_errors == []
