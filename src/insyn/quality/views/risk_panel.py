"""The risk panel of the quality dashboard: active risks at or above a level
(risk_matrix.DEFAULT_PANEL_LEVEL, "high"; the panel's own form opens the register with another
`min_level`), and the risks due for reassessment. Org data: no access entry."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q

from insyn.core.roles import Action
from insyn.core.scoping import has_action
from insyn.quality.models import Risk
from insyn.quality.risk_matrix import DEFAULT_PANEL_LEVEL, LEVELS, cells_at_or_above, level_of
from insyn.quality.selectors import risks as selectors

if TYPE_CHECKING:
    from insyn.accounts.models import User
    from insyn.organisations.models import OrgUnit

PANEL_ROWS = 8


def risk_panel(
    user: User, unit: OrgUnit | None, today: dt.date, level: str = DEFAULT_PANEL_LEVEL
) -> dict[str, Any] | None:
    """None for someone who may not read risks; otherwise the rows and counts."""
    if not has_action(user, Action.VIEW_QUALITY):
        return None
    level = level if level in LEVELS else DEFAULT_PANEL_LEVEL
    qs = selectors.risks_visible(user).filter(state=Risk.State.ACTIVE)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    high_q = selectors.cells_q(cells_at_or_above(level))
    due_q = selectors.due_q(today)
    high_rows = list(qs.filter(high_q)[:PANEL_ROWS])
    due_rows = list(qs.filter(due_q).order_by("reassess_on", "pk")[:PANEL_ROWS])
    totals = qs.aggregate(  # the three counts in one query
        high=Count("pk", filter=high_q),
        due=Count("pk", filter=due_q),
        overdue=Count("pk", filter=due_q & ~Q(reassess_on=today)),
    )
    for r in [*high_rows, *due_rows]:
        r.level = level_of(r.probability, r.severity)  # type: ignore[attr-defined]
    return {
        "level": LEVELS[level],
        "levels": LEVELS.values(),
        "high": high_rows,
        "high_total": totals["high"],
        "due": due_rows,
        "due_total": totals["due"],
        "overdue_total": totals["overdue"],
        "unit": unit,
    }
