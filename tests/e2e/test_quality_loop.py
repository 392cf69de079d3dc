"""The improvement loop in a browser, as the issue walks it: a case worker reports a deviation
from the header of any page; the unit manager receives and investigates it, starts an action
plan from it and adds an item; the item is done; the deviation gets its measures and is closed
with feedback to the reporter. Every page on the way passes axe."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from insyn.quality.models import ActionItem, ActionPlan, Deviation
from tests.e2e.conftest import assert_accessible, log_in
from tests.factories import TEST_PASSWORD


@pytest.fixture
def people(transactional_db: None, tree, staff, catalogues):
    return staff


def _save_step(page, op: str) -> None:
    with page.expect_navigation():
        page.locator(f"form:has(input[name=op][value={op}])").get_by_role("button").click()
    page.wait_for_load_state("networkidle")


def test_report_investigate_plan_do_and_close(page, people, tree):
    # 1. the case worker reports from the header quick action
    log_in(page, people.case_worker.username, TEST_PASSWORD)
    page.get_by_role("list", name="Snabbval").get_by_role(
        "link", name="Rapportera avvikelse"
    ).click()
    page.get_by_label("Vad hände?").fill("Beslutet skickades till fel adress.")
    page.get_by_label("Kategori").select_option(label="Handläggning")
    page.get_by_role("button", name="Rapportera").click()
    expect(page.locator(".messages")).to_contain_text("är rapporterad")
    deviation = Deviation.objects.get()
    assert deviation.reported_by == people.case_worker and deviation.unit == tree.vux_unit
    page.get_by_role("button", name="Logga ut").click()

    # 2. the unit manager receives and investigates it
    log_in(page, people.unit_manager.username, TEST_PASSWORD)
    page.goto(f"/quality/deviations/{deviation.pk}/")
    assert_accessible(page)
    _save_step(page, "receive")
    page.locator("#id_investigate-investigation_facts").fill("Adressen var inaktuell.")
    page.locator("input[name=investigate-root_causes]").first.check()
    page.locator("#id_investigate-consequences").fill("Beslutet kom fram en vecka för sent.")
    _save_step(page, "investigate")
    deviation.refresh_from_db()
    assert deviation.state == Deviation.State.INVESTIGATED
    assert_accessible(page)

    # 3. an action plan from the deviation, with one item
    with page.expect_navigation():
        page.get_by_role("link", name="Ny handlingsplan").click()
    page.wait_for_load_state("networkidle")
    assert_accessible(page)
    page.locator("#id_title").fill("Adresskontroll före utskick")
    page.locator("#id_problem").fill("Beslut skickas till inaktuella adresser.")
    with page.expect_navigation():
        page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state("networkidle")
    plan = ActionPlan.objects.get()
    assert plan.deviation == deviation and plan.unit == tree.vux_unit
    page.goto(f"/quality/action-plans/{plan.pk}/items/new/")
    page.locator("#id_activity").fill("Kontrollera adressen i folkbokföringen före utskick")
    page.locator("#id_responsible").select_option(str(people.unit_manager.pk))
    due = (dt.date.today() + dt.timedelta(days=14)).isoformat()
    page.locator("#id_due_on").fill(due)
    with page.expect_navigation():
        page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state("networkidle")
    item = ActionItem.objects.get()
    assert_accessible(page)

    # 4. the item is done
    section = page.get_by_role("region", name=item.activity)
    section.get_by_label("Steg").select_option(label="Markera som klar")
    section.get_by_label("Resultat").fill("Rutinen används sedan i dag.")
    with page.expect_navigation():
        section.get_by_role("button", name="Spara steget").click()
    page.wait_for_load_state("networkidle")
    item.refresh_from_db()
    assert item.status == ActionItem.Status.DONE

    # 5. measures, then closed with feedback to the reporter
    page.goto(f"/quality/deviations/{deviation.pk}/")
    expect(page.get_by_role("link", name="Adresskontroll före utskick")).to_be_visible()
    page.locator("#id_decide_measures-measures_text").fill("Adresskontroll före utskick.")
    _save_step(page, "decide_measures")
    page.locator("#id_close-feedback").fill("Tack! Vi kontrollerar nu adressen före utskick.")
    _save_step(page, "close")
    deviation.refresh_from_db()
    assert deviation.state == Deviation.State.CLOSED
    assert deviation.feedback.startswith("Tack!")
    assert_accessible(page)
    assert page.csp_errors == []
