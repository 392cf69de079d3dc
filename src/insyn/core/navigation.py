"""Navigation and start-page panels as registries: each app adds its own entries in ready().

A user sees an entry when some membership grants its action, so the menu is the role's menu.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise

from insyn.core.roles import Action
from insyn.core.scoping import has_action

if TYPE_CHECKING:
    from django.http import HttpRequest


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str | Promise
    url_name: str
    action: Action
    order: int = 100
    # "main": the menu bar; "header": a quick action beside the user's name on every page
    # (e.g. "Report a deviation", reachable from anywhere without crowding the menu)
    placement: str = "main"
    # not shown to someone who also holds this action (who reaches the page another way,
    # e.g. lex Sarah through the quality area's own menu)
    hide_with: Action | None = None
    # the page's own finer check (e.g. "keeps a municipality's register"), so the menu and the
    # page answer alike: no link that leads to a 404
    visible: Callable[[Any], bool] | None = None


@dataclass(frozen=True)
class NavGroup:
    """Menu entries folded under one heading (a disclosure in the menu bar), so a role with
    many pages keeps the menu on one line. Grouping is layout only: who sees an entry is still
    decided by the entry itself; a group of one visible entry is that entry."""

    key: str
    label: str | Promise
    members: tuple[str, ...]  # NavItem keys, in the order the group lists them


@dataclass(frozen=True)
class HomePanel:
    """A block on the start page, rendered from `template` with `context(request)`."""

    key: str
    template: str
    action: Action
    order: int = 100
    context: Any = None
    # A panel that shows anyone's data says so and records its reads in `context` (an empty
    # list too: `record_access(..., model=...)`), like any personal-data view.
    personal_data: bool = False


_NAV: dict[str, NavItem] = {}
_GROUPS: dict[str, NavGroup] = {}
_PANELS: dict[str, HomePanel] = {}


def register_nav(item: NavItem) -> None:
    _NAV[item.key] = item


def register_nav_group(group: NavGroup) -> None:
    _GROUPS[group.key] = group


def register_panel(panel: HomePanel) -> None:
    _PANELS[panel.key] = panel


def nav_for(request: HttpRequest, placement: str = "main") -> list[dict[str, Any]]:
    user = request.user
    items = []
    for item in sorted(_NAV.values(), key=lambda i: (i.order, i.key)):
        if item.placement != placement or not has_action(user, item.action):
            continue
        if item.hide_with is not None and has_action(user, item.hide_with):
            continue
        if item.visible is not None and not item.visible(user):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        current = request.path == url or (url != "/" and request.path.startswith(url))
        items.append({"key": item.key, "label": item.label, "url": url, "current": current})
    # One current entry: the longest address that matches (/quality/deviations/ over /quality/).
    matching = [i for i in items if i["current"]]
    if len(matching) > 1:
        best = max(matching, key=lambda i: len(str(i["url"])))
        for i in matching:
            i["current"] = i is best
    return items


def nav_menu(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The menu bar from `nav_for`'s flat entries: each group stands where its first visible
    member would, its members (as the group orders them) under it as `children`."""
    group_of = {key: g for g in _GROUPS.values() for key in g.members}
    by_key = {item["key"]: item for item in items}
    menu: list[dict[str, Any]] = []
    placed: set[str] = set()
    for item in items:
        group = group_of.get(item["key"])
        if group is None:
            menu.append(item)
            continue
        if group.key in placed:
            continue
        placed.add(group.key)
        children = [by_key[key] for key in group.members if key in by_key]
        if len(children) == 1:
            menu.append(children[0])
            continue
        menu.append(
            {
                "key": group.key,
                "label": group.label,
                "children": children,
                "current": any(child["current"] for child in children),
            }
        )
    return menu


def panels_for(request: HttpRequest) -> list[dict[str, Any]]:
    shown = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.key)):
        if has_action(request.user, panel.action):
            extra = panel.context(request) if panel.context else {}
            shown.append(
                {
                    "key": panel.key,
                    "template": panel.template,
                    "personal_data": panel.personal_data,
                    **extra,
                }
            )
    return shown
