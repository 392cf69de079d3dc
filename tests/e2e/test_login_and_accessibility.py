"""Every demo role logs in through the real login page, sees its own menu, and its start page
has no serious or critical accessibility violation."""

from __future__ import annotations

from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from tests.e2e.conftest import assert_accessible, log_in

PASSWORD = "insyn-demo-2026"
MENUS = {
    "handlaggare": {"present": ["Start"], "absent": ["Användare", "Loggar", "Organisation"]},
    "enhetschef": {"present": ["Start"], "absent": ["Användare", "Loggar"]},
    "kvalitet": {"present": ["Start", "Loggar"], "absent": ["Användare", "Organisation"]},
    "analytiker": {"present": ["Start"], "absent": ["Användare", "Loggar", "Organisation"]},
    "admin": {"present": ["Start", "Användare", "Organisation", "Loggar"], "absent": []},
}


@pytest.fixture
def demo(transactional_db: None) -> None:
    call_command("demo", "--only", "organisations", stdout=StringIO())


def test_login_page_is_accessible(page, demo):
    page.goto("/accounts/login/")
    assert page.title().startswith("Logga in")
    assert_accessible(page)
    assert page.csp_errors == []


@pytest.mark.parametrize("username", sorted(MENUS))
def test_role_logs_in_and_sees_its_menu(page, demo, username):
    log_in(page, username, PASSWORD)
    assert urlsplit(page.url).path == "/", page.url  # the start page, not the login page again
    nav = page.get_by_role("navigation", name="Huvudmeny")
    for label in MENUS[username]["present"]:
        assert nav.get_by_role("link", name=label, exact=True).count() == 1, label
    for label in MENUS[username]["absent"]:
        assert nav.get_by_role("link", name=label, exact=True).count() == 0, label
    assert_accessible(page)
    assert page.csp_errors == []


def test_wrong_password_shows_a_message_and_keyboard_reaches_the_form(page, demo):
    page.goto("/accounts/login/")
    assert page.evaluate("document.activeElement.name") == "username"  # autofocus
    seen = []
    for _ in range(5):  # backwards from the username field to the skip link, keyboard only
        page.keyboard.press("Shift+Tab")
        seen.append(page.evaluate("document.activeElement.textContent.trim()"))
        if seen[-1] == "Hoppa till innehållet":
            break
    assert seen[-1] == "Hoppa till innehållet", seen
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.get_by_label("Användarnamn").focus()
    page.get_by_label("Användarnamn").fill("handlaggare")
    page.get_by_label("Lösenord").fill("fel-losenord-123")
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("alert").count() >= 1
    assert "/accounts/login/" in page.url


def test_language_switch_in_the_browser(page, demo):
    page.goto("/accounts/login/")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Log in to insyn").count() == 1
    page.get_by_role("button", name="Svenska").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "sv"


def test_admin_pages_are_accessible(page, demo):
    log_in(page, "admin", PASSWORD)
    for path in ("/accounts/users/", "/organisation/", "/audit/", "/accounts/profile/"):
        page.goto(path)
        assert_accessible(page)
    assert page.csp_errors == []
