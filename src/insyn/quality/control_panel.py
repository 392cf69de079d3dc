"""The quality dashboard's panel of internal control: rounds due (not completed, due within a
month or overdue) and the compliance of the latest completed rounds. Organisation data only:
counts per round, no case is named."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from insyn.core.roles import Action
from insyn.core.scoping import has_action
from insyn.quality.dashboard_panels import DashboardPanel, register_panel
from insyn.quality.models import ControlRound
from insyn.quality.selectors import control as selectors

if TYPE_CHECKING:
    from insyn.accounts.models import User
    from insyn.organisations.models import OrgUnit

DUE_WITHIN = 30  # days


def overall_share(round_: ControlRound) -> tuple[int, int]:
    """(yes, judged) over every criterion of the round."""
    overall, _ = selectors.compliance(round_)
    return sum(r.yes for r in overall), sum(r.judged for r in overall)


def build(user: User, unit: OrgUnit | None, today: dt.date) -> dict[str, Any] | None:
    if not has_action(user, Action.VIEW_QUALITY):
        return None
    rounds = selectors.rounds(user)
    if unit is not None:
        rounds = rounds.filter(unit__path__startswith=unit.path)
    due = list(
        rounds.exclude(state=ControlRound.State.COMPLETED)
        .filter(due_on__isnull=False, due_on__lte=today + dt.timedelta(days=DUE_WITHIN))
        .order_by("due_on")[:10]
    )
    completed = []
    for r in rounds.filter(state=ControlRound.State.COMPLETED).order_by("-completed_on")[:5]:
        yes, judged = overall_share(r)
        completed.append(
            {"round": r, "yes": yes, "judged": judged, "share": yes / judged if judged else None}
        )
    if not due and not completed:
        return None
    return {"due": due, "completed": completed, "today": today}


def register() -> None:
    register_panel(DashboardPanel("control", "quality/control/panel.html", build, order=30))
