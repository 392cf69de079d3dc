"""The permission matrix of docs/permissions.md, role by role, through the pages users open."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from insyn.core.roles import PERMISSIONS, Action, Role
from insyn.core.viewmixins import InsynView

# page -> roles that may open it (for their own scope)
PAGES = {
    "core:home": {"case_worker", "unit_manager", "quality_lead", "analyst", "admin"},
    "accounts:profile": {"case_worker", "unit_manager", "quality_lead", "analyst", "admin"},
    "core:audit": {"quality_lead", "admin"},
    "accounts:users": {"admin"},
    "organisations:root": {"admin"},
    "retention:index": {"quality_lead", "admin"},
}
USERS = {
    "case_worker": "case_worker",
    "unit_manager": "unit_manager",
    "quality_lead": "quality_lead",
    "analyst": "analyst",
    "admin": "admin",
}


@pytest.mark.parametrize("role", sorted(USERS))
@pytest.mark.parametrize("page", sorted(PAGES))
def test_page_access_by_role(login, staff, role, page):
    user = getattr(staff, USERS[role])
    status = login(user).get(reverse(page), follow=True).status_code
    assert status == (200 if role in PAGES[page] else 404)


@pytest.mark.parametrize("role", sorted(USERS))
def test_navigation_shows_the_role_menu(login, staff, role):
    user = getattr(staff, USERS[role])
    nav = {item["key"] for item in login(user).get(reverse("core:home")).context["nav_items"]}
    expected = {"home"}
    if role in PAGES["core:audit"]:
        expected.add("audit")
    if role == "admin":
        expected |= {"users", "organisation"}
    assert expected <= nav
    assert ("audit" in nav) == (role in PAGES["core:audit"])
    assert ("users" in nav) == (role == "admin")


def test_no_role_but_case_workers_and_managers_may_change_individuals():
    changers = {
        role for role, actions in PERMISSIONS.items() if Action.CHANGE_INDIVIDUAL in actions
    }
    assert changers == {Role.CASE_WORKER, Role.UNIT_MANAGER}


def test_analyst_never_reaches_an_individual():
    assert not PERMISSIONS[Role.ANALYST] & {
        Action.VIEW_INDIVIDUAL,
        Action.CHANGE_INDIVIDUAL,
        Action.EXPORT_INDIVIDUAL,
        Action.VIEW_AUDIT,
    }


def test_admin_does_not_read_clients():
    assert Action.VIEW_INDIVIDUAL not in PERMISSIONS[Role.ADMIN]


def test_permissions_doc_matches_the_matrix():
    """docs/permissions.md states the matrix the code enforces (rows: actions; columns: roles)."""
    from pathlib import Path

    doc = (Path(__file__).resolve().parent.parent / "docs" / "permissions.md").read_text()
    lines = [line for line in doc.splitlines() if line.startswith("|")]
    header = [c.strip().strip("`") for c in lines[0].strip("|").split("|")]
    roles = header[1:-1]
    assert set(roles) == set(Role.values)
    table = {}
    for line in lines[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        action = cells[0].strip("`")
        if action in {a.value for a in Action}:
            table[action] = dict(zip(roles, cells[1:-1], strict=True))
    assert set(table) == {a.value for a in Action}
    for role, actions in PERMISSIONS.items():
        for action in Action:
            assert table[action][role] == ("✔" if action in actions else "–"), (role, action)


# --- The whole URL map: every page without a URL argument, for every role ----------------------

ROLES = ("case_worker", "unit_manager", "quality_lead", "analyst", "admin")
# Images and files of one analysis: without a programme and variable there is no such resource,
# so they answer 404 to everyone (tests/analytics/test_web.py covers them with parameters).
NEEDS_PARAMETERS = {"analytics:chart", "analytics:dashboard_chart", "analytics:export"}


def _pages() -> list[tuple[str, Any]]:
    """Every named staff page (an InsynView answering GET, no URL argument), from the URL map."""
    from tests.routes import routes, view_class

    out = []
    for route, name, callback in routes():
        cls = view_class(callback)
        if not name or "<" in route or not isinstance(cls, type):
            continue
        if issubclass(cls, InsynView) and hasattr(cls, "get") and name not in NEEDS_PARAMETERS:
            out.append((name, cls))
    return sorted(out, key=lambda item: item[0])


def test_the_generated_matrix_covers_the_url_map():
    names = [name for name, _cls in _pages()]
    assert len(names) >= 40, names  # the map was really walked
    assert set(PAGES) <= set(names)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_answers_by_its_required_action(login, staff, role):
    """A role without the page's action anywhere gets the same 404 as for a missing page; a
    role with it gets the page (or a redirect or a form error), never a server error."""
    user = getattr(staff, role)
    client = login(user)
    wrong = []
    for name, cls in _pages():
        allowed = cls.allows(user)
        status = client.get(reverse(name)).status_code
        if (status == 404) == allowed or status >= 500:
            wrong.append((name, status, "allowed" if allowed else "not allowed"))
    assert wrong == [], wrong


@pytest.mark.parametrize("role", ROLES)
def test_every_menu_link_of_a_role_opens(login, staff, role):
    """The menu is derived from the same permission as the page: no link answers 404."""
    client = login(getattr(staff, role))
    items = client.get(reverse("core:home")).context["nav_items"]
    broken = []
    for item in items:
        url = item.get("url") if isinstance(item, dict) else getattr(item, "url", None)
        if not url:
            continue
        status = client.get(url).status_code
        if status not in (200, 302):
            broken.append((url, status))
    assert broken == [], broken
