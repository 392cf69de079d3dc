"""The pages the trust issue added, in a real browser: the API-token form on the profile, an
import batch page, the audit trail's denied-attempts view, the bad-input page. Each is checked
with axe (no serious or critical violation) and saved as a screenshot under var/shots/."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from tests.e2e.conftest import assert_accessible, log_in

PASSWORD = "insyn-demo-2026"
SHOTS = Path(__file__).resolve().parents[2] / "var" / "shots"
EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "import-examples"


@pytest.fixture
def demo(transactional_db: None) -> None:
    call_command("demo", "--only", "organisations", stdout=StringIO())


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_api_token_form_and_new_token(page, demo):
    log_in(page, "handlaggare", PASSWORD)
    page.goto("/accounts/profile/")
    assert_accessible(page)
    page.get_by_role("button", name="Skapa nyckel").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("code.secret").count() == 1
    assert_accessible(page)
    shot(page, "profile-api-token")
    assert page.csp_errors == []


def test_import_batch_page(page, demo):
    log_in(page, "handlaggare", PASSWORD)
    page.goto("/import/")
    assert_accessible(page)
    page.locator("input[type=file]").set_input_files(str(EXAMPLES / "clients.csv"))
    page.get_by_role("button", name="Ladda upp och kontrollera").click()
    page.wait_for_load_state("networkidle")
    assert "/import/" in page.url and page.url.rstrip("/").split("/")[-1].isdigit()
    assert_accessible(page)
    shot(page, "import-batch")
    assert page.csp_errors == []


def test_audit_denied_view(page, demo):
    log_in(page, "kvalitet", PASSWORD)
    page.goto("/audit/?log=denied")
    assert page.locator("h1").count() == 1
    assert_accessible(page)
    shot(page, "audit-denied")
    assert page.csp_errors == []


def test_bad_input_page(page, demo):
    log_in(page, "handlaggare", PASSWORD)
    response = page.goto("/clients/?q=%01")
    assert response is not None and response.status == 400
    assert_accessible(page)
    shot(page, "bad-input")
