"""The privacy pages of issue 15 in a real browser: retention rules and a dry run, the access
report form with a bad number, and the single sign-on rules. Each is checked with axe (no
serious or critical violation) and saved as a screenshot under var/shots/."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, log_in

PASSWORD = "insyn-demo-2026"
SHOTS = Path(__file__).resolve().parents[2] / "var" / "shots"


@pytest.fixture
def demo(transactional_db: None) -> None:
    for step in ("organisations", "retention", "access_reports"):
        call_command("demo", "--only", step, stdout=StringIO())


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_retention_rules_and_a_dry_run(page, demo):
    log_in(page, "kvalitet", PASSWORD)
    page.goto("/retention/")
    assert_accessible(page)
    shot(page, "retention-index")
    page.locator("form[action$='/dry-run/'] button").first.click()
    page.wait_for_load_state("networkidle")
    assert_accessible(page)
    shot(page, "retention-dry-run")
    assert page.csp_errors == []


def test_access_report_form_refuses_a_bad_number(page, demo):
    log_in(page, "registrator", PASSWORD)
    page.goto("/access-report/")
    assert_accessible(page)
    page.get_by_label("Personnummer").fill("19121212-1213")
    page.get_by_role("button", name="Ta fram registerutdraget").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_label("Personnummer")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    shot(page, "access-report-bad-number")
    assert page.csp_errors == []


def test_single_sign_on_rules_page(page, demo):
    log_in(page, "admin", PASSWORD)
    page.goto("/accounts/users/sso/")
    assert_accessible(page)
    shot(page, "sso-rules")
    assert page.csp_errors == []
