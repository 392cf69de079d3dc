"""The layout on an ordinary office screen (1366 px) and on paper: a manager's menu stays on
one line, the help link is there, and a printed page carries no menu, buttons or footer."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from tests.e2e.conftest import assert_accessible, log_in

PASSWORD = "insyn-demo-2026"


@pytest.fixture
def demo(transactional_db: None) -> None:
    call_command("demo", "--only", "organisations", stdout=StringIO())


@pytest.mark.parametrize("username", ["enhetschef", "kvalitet"])
def test_menu_is_one_line_at_1366_px(page, demo, username):
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, username, PASSWORD)
    entries = page.locator(".main-nav > ul > li")
    labels = entries.all_inner_texts()
    tops = {round(li.bounding_box()["y"]) for li in entries.all()}
    assert len(tops) == 1, f"{username}: the menu wraps: {labels}"
    # every page of the role is still one or two clicks away: a group opens in place
    results = page.locator(".main-nav details", has_text="Resultat")
    results.locator("summary").click()
    assert results.get_by_role("link", name="Analys", exact=True).is_visible()
    page.keyboard.press("Escape")
    assert not results.get_by_role("link", name="Analys", exact=True).is_visible()
    header = page.locator(".site-header__inner")
    assert header.bounding_box()["height"] < 60, "the header row wraps"
    assert page.get_by_role("link", name="Hjälp", exact=True).count() >= 1


def test_printed_page_has_no_menu_buttons_or_footer(page, demo):
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, "enhetschef", PASSWORD)
    page.emulate_media(media="print")
    for selector in (".main-nav", ".user-menu", ".site-footer", ".language-form"):
        assert not page.locator(selector).first.is_visible(), selector
    assert page.locator("main h1").first.is_visible()
    page.emulate_media(media="screen")
    page.get_by_role("link", name="Hjälp", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Hjälp"
    assert_accessible(page)
