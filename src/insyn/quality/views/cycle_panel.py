"""The annual cycle's panel on the quality dashboard: this month's tasks and every earlier one
still open (overdue), for the chosen unit's subtree. Org data, so it records no access."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.utils.dates import MONTHS

from insyn.core.roles import Action
from insyn.core.scoping import has_action
from insyn.quality.selectors import cycle as selectors

if TYPE_CHECKING:
    from insyn.accounts.models import User
    from insyn.organisations.models import OrgUnit

PANEL_ROWS = 15


def build_panel(user: User, unit: OrgUnit | None, today: dt.date) -> dict[str, Any] | None:
    if not has_action(user, Action.VIEW_QUALITY):
        return None
    tasks = list(selectors.month_tasks(user, today, unit).select_related("activity")[:200])
    rows = [{"task": t, "overdue": selectors.is_overdue(t, today)} for t in tasks]
    return {
        "month": str(MONTHS[today.month]),
        "year": today.year,
        "rows": rows[:PANEL_ROWS],
        "total": len(rows),
        "overdue": sum(1 for r in rows if r["overdue"]),
        "done": sum(1 for t in tasks if t.status == t.Status.DONE),
    }
