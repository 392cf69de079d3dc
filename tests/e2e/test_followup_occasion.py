"""A case worker records a before occasion in the browser: the AUDIT items add up live (htmx),
the band appears, a bad value gets a message next to the field and nothing typed is lost, and
the pages pass axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, log_in
from tests.factories import TEST_PASSWORD
from tests.followup.factories import enrolled


@pytest.fixture
def enrollment(transactional_db, tree, staff):
    return enrolled(tree, staff, started_days_ago=3)


def test_case_worker_records_a_before_occasion(page, enrollment, staff):
    client_ref = enrollment.client.client_ref
    log_in(page, staff.case_worker.username, TEST_PASSWORD)
    panel = page.get_by_role("region", name="Mina uppföljningar")
    assert client_ref in panel.inner_text()
    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Mina uppföljningar"
    ).click()
    assert_accessible(page)
    page.get_by_role("link", name=f"Före – {client_ref}").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text() == f"Registrera Före – {client_ref}"
    assert_accessible(page)

    score = page.locator("#score-audit")
    for number, points in enumerate([2, 1, 1, 1, 1, 0, 0, 0], start=1):
        page.get_by_label(f"{number}. ", exact=False).first.select_option(str(points))
    expect(score).to_contain_text("Hittills 6 (8 av 10 frågor besvarade)")
    page.get_by_label("9. Har du eller någon annan blivit skadad").select_option("2")
    page.get_by_label("10. Har en släkting eller vän").select_option("0")
    expect(score).to_contain_text("Totalt 8 av 40 – Riskbruk")  # a man with 8 points

    page.get_by_label("Problemdagar").fill("45")
    page.get_by_role("group", name="Boende").get_by_label("Ja").check()
    page.get_by_role("button", name="Spara uppföljningen").click()
    page.wait_for_load_state("networkidle")
    error = page.locator("#id_v-problem_days_error")
    assert error.inner_text() == "Värdet får vara högst 30."
    assert page.get_by_label("Problemdagar").input_value() == "45"  # nothing lost
    assert page.get_by_label("9. Har du eller någon annan blivit skadad").input_value() == "2"
    assert "Totalt 8" in page.locator("#score-audit").inner_text()  # computed by the server too
    assert_accessible(page)

    page.get_by_label("Problemdagar").fill("12")
    page.get_by_label("Mål", exact=True).fill("Högst 4 problemdagar i månaden")
    page.get_by_label("Mått").select_option(label="Problemdagar")
    page.get_by_label("Målvärde").fill("4")
    page.get_by_role("button", name="Spara uppföljningen").click()
    page.wait_for_load_state("networkidle")
    assert "Uppföljningen registrerades." in page.locator(".messages").inner_text()
    values = page.get_by_role("table", name="Registrerade värden").inner_text()
    assert "8" in values and "Riskbruk" in values
    goals = page.get_by_role("table", name="Mål").inner_text()
    assert "Högst 4 problemdagar i månaden" in goals and "12" in goals
    assert_accessible(page)
    assert page.csp_errors == []
