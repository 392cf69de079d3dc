"""The risk panel of the quality dashboard: active risks at or above a level
(risk_matrix.DEFAULT_PANEL_LEVEL, "high"; the panel's own form opens the register with another
`min_level`), and the risks due for reassessment. Org data: no access entry."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Q

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
    high = qs.filter(selectors.cells_q(cells_at_or_above(level)))
    due = selectors.due_for_reassessment(qs, today)
    high_rows = list(high[:PANEL_ROWS])
    due_rows = list(due.order_by("reassess_on", "pk")[:PANEL_ROWS])
    for r in [*high_rows, *due_rows]:
        r.level = level_of(r.probability, r.severity)  # type: ignore[attr-defined]
    return {
        "level": LEVELS[level],
        "levels": LEVELS.values(),
        "high": high_rows,
        "high_total": high.count(),
        "due": due_rows,
        "due_total": due.count(),
        "overdue_total": due.filter(~Q(reassess_on=today)).count(),
        "unit": unit,
    }
