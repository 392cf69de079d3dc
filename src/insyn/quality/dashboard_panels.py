"""Panels on the quality dashboard as a registry: each area of quality management II
(non-executed decisions, control rounds, risks, the annual cycle) registers a panel at start-up,
so views/dashboard.py and its template stay the same when an area is added.

`build(user, unit, today)` returns the panel's template context, or None to leave the panel out
(the user may not see that area). A panel that lists personal data records the access itself
(`insyn.core.audit.record_access`) before returning.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from insyn.accounts.models import User
    from insyn.organisations.models import OrgUnit

PanelBuilder = Callable[["User", "OrgUnit | None", dt.date], "dict[str, Any] | None"]


@dataclass(frozen=True)
class DashboardPanel:
    key: str
    template: str  # rendered with {"panel": <build's context>}; one <section class="card">
    build: PanelBuilder
    order: int = 100


_PANELS: dict[str, DashboardPanel] = {}


def register_panel(panel: DashboardPanel) -> None:
    """Register (or replace, so ready() may run twice) the panel called `panel.key`."""
    _PANELS[panel.key] = panel


def panels_for(user: User, unit: OrgUnit | None, today: dt.date) -> list[tuple[str, dict]]:
    """(template, context) for every registered panel that has something for `user`."""
    shown = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.key)):
        context = panel.build(user, unit, today)
        if context is not None:
            shown.append((panel.template, context))
    return shown
