"""Where quality management sits in the menus: reporting as header quick actions for every
staff role, one "Kvalitet" entry with the area's own sub-menu, lex Sarah in the menu bar only
for those who do not reach it through that sub-menu."""

from __future__ import annotations

import pytest
from django.urls import reverse

from insyn.core.navigation import nav_for


def _keys(rf, user, placement="main", path="/"):
    request = rf.get(path)
    request.user = user
    return {i["key"]: i for i in nav_for(request, placement)}


def test_every_staff_role_but_admin_and_analyst_can_report(rf, staff, officer):
    for user in (staff.case_worker, staff.unit_manager, staff.quality_lead, officer):
        assert {"deviation_report", "lex_sarah_report"} <= set(_keys(rf, user, "header"))
    for user in (staff.analyst, staff.admin):
        assert _keys(rf, user, "header") == {}


def test_lex_sarah_in_the_menu_bar_for_officers_and_in_the_sub_menu_for_quality_leads(
    rf, staff, officer
):
    assert "lex_sarah_list" in _keys(rf, officer)
    assert "lex_sarah_list" not in _keys(rf, staff.quality_lead)
    assert "quality_lex_sarah" in _keys(rf, staff.quality_lead, "quality")
    assert "quality_lex_sarah" not in _keys(rf, staff.unit_manager, "quality")
    assert "lex_sarah_list" not in _keys(rf, staff.unit_manager)


@pytest.mark.parametrize("url_name", ["quality:deviation_list", "quality:action_plans"])
def test_one_current_entry_in_the_sub_menu(rf, staff, url_name):
    items = _keys(rf, staff.quality_lead, "quality", reverse(url_name)).values()
    current = [i["key"] for i in items if i["current"]]
    assert len(current) == 1
    assert current[0] != "quality_overview"  # /quality/ is a prefix of every quality page


def test_the_sub_menu_is_on_the_list_pages(login, staff):
    page = login(staff.unit_manager).get(reverse("quality:deviation_list")).content.decode()
    assert 'aria-label="Kvalitetsarbete"' in page or 'aria-label="Quality management"' in page
    assert reverse("quality:complaint_list") in page
    assert f'href="{reverse("quality:lex_sarah_list")}"' not in page  # no view_lex_sarah
