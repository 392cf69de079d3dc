"""Start-up registrations of the reports app: its block kinds and its menu entry."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from insyn.core.navigation import NavItem, register_nav
from insyn.core.roles import Action


def register_all() -> None:
    from insyn.reports.blocks import load_all

    load_all()
    register_nav(
        NavItem(
            key="reports",
            label=_("Reports"),
            url_name="reports:list",
            action=Action.VIEW_QUALITY,
            order=75,
        )
    )
