"""A form opened before someone else's change: saving it writes nothing, says what changed
(in Swedish) and keeps what the user typed; saving again after reading it goes through."""

from __future__ import annotations

import datetime as dt

import pytest

from insyn.clients import services
from insyn.clients.models import Case
from tests.clients import factories as f
from tests.e2e.conftest import assert_accessible, log_in
from tests.factories import TEST_PASSWORD


@pytest.fixture
def case_(transactional_db, tree, staff, catalogues):
    client = f.client(tree.vux_unit)
    return f.case(client, opened_on=dt.date(2025, 1, 10))


def test_stale_case_form_shows_the_conflict_and_keeps_the_input(page, case_, staff):
    log_in(page, staff.case_worker.username, TEST_PASSWORD)
    page.goto(f"/clients/cases/{case_.pk}/edit/")
    page.wait_for_load_state("networkidle")
    page.get_by_label("Öppnat").fill("2025-01-05")

    # Someone else closes the case while the form is open.
    services.case_close(
        actor=None, case=Case.objects.get(pk=case_.pk), closed_on=dt.date(2025, 4, 1)
    )

    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state("networkidle")
    alert = page.locator(".form-errors")
    text = alert.inner_text()
    assert "Någon annan har ändrat detta medan du redigerade" in text
    assert "Avslutat är nu ”2025-04-01”" in text
    assert page.get_by_label("Öppnat").input_value() == "2025-01-05"  # nothing typed is lost
    stored = Case.objects.get(pk=case_.pk)
    assert stored.opened_on == dt.date(2025, 1, 10)  # nothing was written
    assert_accessible(page)
    assert page.csp_errors == []

    # Having read the message, the user takes over the closing date and saves again: now it
    # goes through (the form carries the version it was re-shown with).
    page.get_by_label("Avslutat").fill("2025-04-01")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state("networkidle")
    stored = Case.objects.get(pk=case_.pk)
    assert stored.opened_on == dt.date(2025, 1, 5)
    assert stored.closed_on == dt.date(2025, 4, 1)
