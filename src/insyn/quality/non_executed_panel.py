"""The quality dashboard's panel of non-executed decisions: how many decisions approach the
three-month limit (day 60 on) and how many are due to IVO this quarter, and how many of
those are recorded as reported. Counts only (no decision or client is named), so the panel is
not personal data; the list behind it needs view_individual."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from insyn.clients.models import Decision
from insyn.core.roles import Action
from insyn.core.scoping import has_action
from insyn.quality.models import NonExecutedReportRecord
from insyn.quality.selectors import non_executed as sel

if TYPE_CHECKING:
    from insyn.accounts.models import User
    from insyn.organisations.models import OrgUnit


def build_panel(user: User, unit: OrgUnit | None, today: dt.date) -> dict[str, Any] | None:
    if not has_action(user, Action.VIEW_QUALITY):
        return None
    qs = Decision.objects.restrict(user, Action.VIEW_QUALITY)
    if unit is not None:
        qs = qs.filter(case__unit__path__startswith=unit.path)
    decisions = list(sel.reportable_decisions(qs))
    quarter = sel.quarter_of(today)
    soon = sel.approaching(decisions, today)
    due = sel.quarter_list(decisions, quarter)
    # what IVO will take for this quarter, as far as is known today
    due = [e for e in due if e.reportable_from <= today]
    reported = set(
        NonExecutedReportRecord.objects.filter(
            quarter=quarter.label,
            non_executed__decision_id__in={e.decision.pk for e in due},
        ).values_list("non_executed__decision_id", "non_executed__kind", "non_executed__clock_from")
    )
    return {
        "quarter": quarter,
        "approaching": len(soon),
        "over_80": sum(1 for e in soon if e.days >= sel.WARNING_DAYS[1]),
        "due": len(due),
        "reported": sum(1 for e in due if e.key in reported),
        "can_list": has_action(user, Action.VIEW_INDIVIDUAL),
    }
