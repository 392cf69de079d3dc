"""The quality report in a real browser, on the demo organisation with a small world of key
figures built by the factories (not the whole demo): the quality lead makes a draft, edits a
text block, previews it, approves the report and downloads the frozen PDF. axe on the pages."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import call_command

from tests.e2e.conftest import assert_accessible, log_in, nav_link

PASSWORD = "insyn-demo-2026"
SHOTS = Path(__file__).resolve().parents[2] / "var" / "shots"


@pytest.fixture
def figures(transactional_db: None) -> None:
    from insyn.organisations.demo import unit
    from tests.reports import factories as rf

    call_command("demo", "--only", "organisations", stdout=StringIO())
    rf.world(SimpleNamespace(vaxjo=unit("0780"), aov=unit("AOV")))


def test_quality_lead_writes_previews_approves_and_downloads(page: Any, figures: None) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    log_in(page, "kvalitet", PASSWORD)
    nav_link(page, "Rapporter").click()
    page.wait_for_load_state("networkidle")
    assert_accessible(page)
    page.get_by_label("Organisation").select_option(label="Arbete och välfärd")
    page.get_by_label("År").fill("2024")
    page.get_by_role("button", name="Skapa utkastet").click()
    page.wait_for_load_state("networkidle")
    assert "62,5 %" in page.locator("main").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="Redigera texten ”Förord”").click()
    page.get_by_label("Text (Markdown)").fill(
        "Nämnden har följt **{{ indicator:U31462 }}** under {{ year }}."
    )
    page.get_by_role("button", name="Spara och förhandsgranska").click()
    page.wait_for_load_state("networkidle")
    assert "Nämnden har följt 62,5 % under 2024." in page.locator("main").inner_text()
    page.screenshot(path=str(SHOTS / "report-draft.png"), full_page=False)

    page.get_by_label("Jag fastställer rapporten till nämnden").check()
    page.get_by_role("button", name="Fastställ och frys").click()
    page.wait_for_load_state("networkidle")
    main = page.locator("main").inner_text()
    assert "Rapporten är fastställd och fryst." in main and "Fastställd" in main
    assert page.get_by_role("link", name="Redigera texten ”Förord”").count() == 0
    with page.expect_download() as info:
        page.get_by_role("link", name="Ladda ned PDF").click()
    pdf = Path(info.value.path()).read_bytes()
    assert pdf[:4] == b"%PDF"
    assert_accessible(page)
    page.set_viewport_size({"width": 375, "height": 800})
    page.screenshot(path=str(SHOTS / "report-approved-375.png"), full_page=False)
    assert_accessible(page)
