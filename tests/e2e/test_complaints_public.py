"""A citizen files a complaint on the public page with a phone-sized screen, without logging
in, first forgetting the text (the error summary leads to the field), then sending; the
receipt number is shown. axe finds no serious or critical violation on the form, the form
with errors, or the receipt, in Swedish and English; no Content Security Policy error."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from insyn.quality.models import Complaint
from tests.e2e.conftest import assert_accessible

PHONE = {"width": 375, "height": 740}
SHOTS = os.environ.get("INSYN_SHOTS_DIR", "")


@pytest.fixture
def world(transactional_db, tree, catalogues):
    from django.core.cache import cache

    cache.clear()
    return tree


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_citizen_files_a_complaint_on_a_phone(page, world):
    page.set_viewport_size(PHONE)
    page.goto("/feedback/0780/")
    expect(page.get_by_role("heading", name="Klagomål och synpunkter", level=1)).to_have_count(1)
    # nothing overflows sideways on a 375px screen
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)
    _shot(page, "complaint-form-phone")

    page.get_by_label("Ett klagomål").check()
    page.get_by_role("button", name="Skicka").click()
    page.wait_for_load_state("networkidle")
    summary = page.get_by_role("alert")
    assert "Skriv vad ditt klagomål eller din synpunkt handlar om." in summary.inner_text()
    assert_accessible(page)
    _shot(page, "complaint-form-errors-phone")
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "id_text"
    assert Complaint.objects.count() == 0

    page.get_by_label("Berätta vad som hände eller vad du föreslår").fill(
        "Jag har väntat i fyra veckor på ett svar om min ansökan."
    )
    page.get_by_label("Vad gäller det? (frivilligt)").select_option(label="Handläggning")
    page.get_by_label("Jag vill ha svar").check()
    page.get_by_label("E-post (frivilligt)").fill("medborgare@example.se")
    page.get_by_role("button", name="Skicka").click()
    page.wait_for_load_state("networkidle")

    complaint = Complaint.objects.get()
    expect(page.get_by_role("heading", name="Tack – vi har tagit emot det")).to_have_count(1)
    shown = page.get_by_role("status").inner_text()
    assert shown.strip() == complaint.receipt_number
    assert re.fullmatch(r"K-\d{4}-[A-Z0-9]{6}", shown.strip())
    assert complaint.receipt_number not in page.url
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)
    _shot(page, "complaint-receipt-phone")
    assert page.csp_errors == []


def test_english_form_on_a_desktop(page, world):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/feedback/0780/")
    page.get_by_role("link", name="In English").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("heading", name="Complaints and suggestions", level=1)).to_have_count(1)
    assert page.evaluate("document.documentElement.lang") == "en"
    assert_accessible(page)
    _shot(page, "complaint-form-desktop-en")
    page.goto("/feedback/0780/?lang=sv")
    _shot(page, "complaint-form-desktop")
    assert page.csp_errors == []
