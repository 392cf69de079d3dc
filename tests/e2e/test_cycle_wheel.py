"""The annual cycle in a real browser: a quality lead opens "Årshjul" from the quality menu,
sees the wheel (an SVG with one marker per task) and the table alternative, opens a task and
marks it done; the wheel, list, task and calendar pages pass axe."""

from __future__ import annotations

import pytest
from django.utils import timezone

from insyn.quality.models import CycleTask
from insyn.quality.services import cycle as services
from tests.e2e.conftest import assert_accessible, log_in
from tests.factories import TEST_PASSWORD


@pytest.fixture
def cycle(transactional_db, tree, staff):
    services.install_default(actor=None, unit=tree.aov)
    services.generate_tasks(actor=None, year=timezone.localdate().year)
    return CycleTask.objects.filter(year=timezone.localdate().year).count()


def test_quality_lead_reads_the_wheel(page, cycle, staff):
    log_in(page, staff.quality_lead.username, TEST_PASSWORD)
    page.goto("/quality/")
    page.get_by_role("navigation", name="Kvalitetsarbete").get_by_role(
        "link", name="Årshjul"
    ).click()
    page.wait_for_url("**/quality/cycle/")
    wheel = page.locator("svg#cycle-wheel")
    wheel.wait_for(state="visible")
    assert wheel.is_visible()
    assert wheel.get_attribute("role") == "img"
    assert page.locator("svg#cycle-wheel .cycle-marker").count() == cycle
    assert page.locator("tr.cycle-row").count() == cycle
    assert_accessible(page)
    page.locator("tr.cycle-row a").first.click()
    page.wait_for_url("**/quality/cycle/tasks/*/")
    assert_accessible(page)
    page.get_by_label("Steg").select_option(label="Markera som klar")
    page.get_by_role("button", name="Spara").first.click()
    page.wait_for_url("**/quality/cycle/tasks/*/")
    page.wait_for_load_state("networkidle")
    assert CycleTask.objects.filter(status="done").count() == 1
    page.goto("/quality/cycle/list/")
    page.wait_for_load_state("networkidle")
    assert_accessible(page)
    page.goto("/quality/cycle/feed/")
    page.wait_for_load_state("networkidle")
    assert ".ics" in page.get_by_label("Din kalenderadress").input_value()
    assert_accessible(page)
