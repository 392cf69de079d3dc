"""A quality lead works on a programme in the browser: the pages pass axe, a published version
is changed through a new version, and publishing the new version keeps the old one."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from insyn.followup.models import Programme
from tests.e2e.conftest import assert_accessible, log_in, nav_link
from tests.factories import TEST_PASSWORD
from tests.followup.factories import programme


@pytest.fixture
def published(transactional_db, tree, staff, catalogues):
    return programme(tree.aov)


def test_quality_lead_makes_a_new_version(page, published, staff):
    log_in(page, staff.quality_lead.username, TEST_PASSWORD)
    nav_link(page, "Uppföljningsprogram").click()
    assert_accessible(page)
    page.get_by_role("link", name=published.name).click()
    assert_accessible(page)
    assert page.get_by_role("link", name="Ändra programmet").count() == 0  # published
    page.get_by_role("button", name="Skapa en ny version").click()
    expect(page.locator(".messages")).to_contain_text("Version 2 är ett utkast")
    page.get_by_role("link", name="Ändra AUDIT").click()
    assert_accessible(page)
    page.get_by_label("Etikett").fill("AUDIT – alkoholvanor")
    page.get_by_label("Lägsta värde").fill("10")
    page.get_by_label("Högsta värde").fill("2")
    page.get_by_role("button", name="Spara").click()
    expect(page.locator("#id_max_value_error")).to_have_text(
        "Det högsta värdet är lägre än det lägsta."
    )
    assert_accessible(page)
    page.get_by_label("Lägsta värde").fill("")
    page.get_by_label("Högsta värde").fill("")
    page.get_by_role("button", name="Spara").click()
    page.get_by_role("button", name="Publicera").click()
    expect(page.locator(".messages")).to_contain_text("Programmet är publicerat.")
    assert_accessible(page)
    v1, v2 = Programme.objects.filter(key=published.key).order_by("version")
    assert (v1.status, v2.status) == ("published", "published")
    assert v1.variables.get(key="audit").label == "AUDIT"
    assert v2.variables.get(key="audit").label == "AUDIT – alkoholvanor"
    assert page.csp_errors == []


def test_sample_size_planner_computes_and_passes_axe(page, published, staff):
    log_in(page, staff.quality_lead.username, TEST_PASSWORD)
    page.goto(f"/followup/programmes/{published.pk}/")
    page.get_by_role("link", name="Hur många klienter ger urvalet?").click()
    page.get_by_label("Förväntat antal klienter per år").fill("150")
    page.get_by_label("Huvudmått").select_option("change")
    page.get_by_label("Förväntad standardavvikelse för förändringen").fill("6,5")
    page.get_by_role("button", name="Beräkna").click()
    expect(page.get_by_role("heading", name="Vad urvalet ger")).to_be_visible()
    expect(page.locator("main")).to_contain_text("n = 150")
    assert_accessible(page)
    page.screenshot(path="var/screens/sample-size.png", full_page=True)
    assert page.get_by_role("button", name="Spara i utkastet").count() == 0  # published
    assert page.csp_errors == []
