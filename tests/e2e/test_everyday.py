"""Everyday use as the quality lead (issue 14, item 6), in a real browser on a 1366 px screen:
every link of the main menu opens a page (200), and the survey results page, broken down as
wide as it goes, fits the screen and is clean under axe (scrollable-region-focusable was the
finding). Built with factories (the placement world of the surveys test), not the demo."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import assert_accessible, log_in
from tests.e2e.test_surveys import placement_world  # noqa: F401 - the shared fixture

WIDE = {"width": 1366, "height": 768}


@pytest.fixture
def quality_lead(placement_world):  # noqa: F811 - the fixture imported above
    from insyn.core.roles import Role
    from insyn.organisations.models import OrgUnit
    from tests.factories import user_with_role

    _worker, occasion = placement_world
    aov = OrgUnit.objects.get(code="AOV")
    return user_with_role(Role.QUALITY_LEAD, aov, username="kvalitet"), occasion


def test_quality_lead_menu_links_answer_200(page, quality_lead, password):
    lead, _occasion = quality_lead
    page.set_viewport_size(WIDE)
    log_in(page, lead.username, password)
    menu = page.get_by_role("navigation", name="Huvudmeny")
    hrefs = [a.get_attribute("href") for a in menu.get_by_role("link").all()]
    assert len(hrefs) >= 5, hrefs
    answers = {href: page.request.get(href).status for href in hrefs}
    assert all(status == 200 for status in answers.values()), answers


def test_survey_results_fit_1366_px_and_are_accessible(page, quality_lead, password):
    lead, _occasion = quality_lead
    page.set_viewport_size(WIDE)
    log_in(page, lead.username, password)
    page.goto(
        "/surveys/results/?questionnaire=placering-barn-unga&by=role&by=unit&by=provider&by=period"
    )
    table = page.locator("#results-table")
    assert table.count() == 1
    assert "Björkgårdens HVB" in table.inner_text()
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page is {overflow} px wider than the screen"
    sideways = table.evaluate("t => t.parentElement.scrollWidth - t.parentElement.clientWidth")
    assert sideways <= 0, f"the results table is {sideways} px wider than its place"
    assert_accessible(page)
