"""The help page (linked from every signed-in page) lists the user's own pages through the
same permission check as the menu; the menu folds many entries into groups."""

from __future__ import annotations

import pytest
from django.urls import reverse

from insyn.core.navigation import nav_menu


@pytest.mark.django_db
def test_every_page_links_to_help_and_help_lists_the_roles_own_pages(login, staff):
    client = login(staff.case_worker)
    home = client.get(reverse("core:home")).content.decode()
    assert f'href="{reverse("core:help")}">Hjälp</a>' in home
    page = client.get(reverse("core:help"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>Hjälp</h1>" in html
    assert f'href="{reverse("clients:client_list")}">Klienter</a>' in html
    assert "Sök eller registrera en klient" in html
    assert reverse("core:audit") not in html  # not the case worker's page
    assert "30 minuter utan aktivitet" in html


@pytest.mark.django_db
def test_help_lists_the_audit_trail_for_the_quality_lead(login, staff):
    html = login(staff.quality_lead).get(reverse("core:help")).content.decode()
    assert reverse("core:audit") in html and "Vem som läste eller ändrade vad" in html


@pytest.mark.django_db
def test_help_needs_a_login(client):
    assert client.get(reverse("core:help")).status_code == 302


def _item(key, current=False):
    return {"key": key, "label": key, "url": f"/{key}/", "current": current}


def test_menu_groups_stand_where_their_first_member_would():
    items = [_item(k) for k in ("home", "followup_completion", "quality", "analysis", "audit")]
    menu = nav_menu(items)
    assert [m["key"] for m in menu] == ["home", "results", "quality", "audit"]
    assert [c["key"] for c in menu[1]["children"]] == ["followup_completion", "analysis"]
    assert menu[1]["current"] is False


def test_a_group_of_one_is_the_entry_itself_and_current_shows_on_the_group():
    assert nav_menu([_item("home"), _item("imports")]) == [_item("home"), _item("imports")]
    menu = nav_menu([_item("dashboard"), _item("analysis", current=True)])
    assert menu[0]["key"] == "results" and menu[0]["current"] is True


@pytest.mark.django_db
def test_the_managers_menu_bar_is_grouped(login, staff):
    html = login(staff.unit_manager).get(reverse("core:home")).content.decode()
    assert "<summary>Resultat</summary>" in html
    assert f'href="{reverse("analytics:index")}"' in html  # still a link, inside its group
