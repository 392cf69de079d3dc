"""A case worker reports a deviation from the navigation of any page in under a minute: the
form has the unit and today filled in, a future date gets a message on the field, and every
page is axe clean. The unit manager then receives it on the detail page."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from insyn.quality.models import Deviation
from tests.e2e.conftest import assert_accessible, log_in
from tests.factories import TEST_PASSWORD


@pytest.fixture
def people(transactional_db: None, tree, staff, catalogues):
    return staff


def test_case_worker_reports_a_deviation_from_the_menu(page, people, tree):
    log_in(page, people.case_worker.username, TEST_PASSWORD)
    quick = page.get_by_role("list", name="Snabbval")  # the header, on every page
    quick.get_by_role("link", name="Rapportera avvikelse").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapportera avvikelse")
    assert page.get_by_label("När hände det?").input_value() == dt.date.today().isoformat()
    assert page.get_by_label("Var (enhet)").input_value() == str(tree.vux_unit.pk)
    assert_accessible(page)

    # a date in the future: a message on the field, nothing saved
    page.get_by_label("Vad hände?").fill("Fel mottagare på ett brev.")
    page.get_by_label("Kategori").select_option(label="Dokumentation")
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    page.get_by_label("När hände det?").fill(future)
    page.get_by_role("button", name="Rapportera").click()
    expect(page.locator("#id_occurred_on_error")).to_contain_text("framtiden")
    assert not Deviation.objects.exists()
    assert_accessible(page)

    page.get_by_label("När hände det?").fill(dt.date.today().isoformat())
    page.get_by_role("button", name="Rapportera").click()
    expect(page.locator(".messages")).to_contain_text("är rapporterad")
    d = Deviation.objects.get()
    expect(page.get_by_role("heading", level=1)).to_contain_text(d.reference)
    assert_accessible(page)


def test_unit_manager_receives_on_the_detail_page(page, people, tree):
    from tests.quality.deviation_factories import deviation

    d = deviation(tree, people)
    log_in(page, people.unit_manager.username, TEST_PASSWORD)
    page.goto(f"/quality/deviations/{d.pk}/")
    assert_accessible(page)
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("heading", name="Utred")).to_be_visible()
    d.refresh_from_db()
    assert d.state == "received"
    assert_accessible(page)
