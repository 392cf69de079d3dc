"""Every write of the follow-up engine (steps 2–4). Split by sub-domain; import from here."""

from insyn.followup.services.enrollment import (
    enrollment_assign,
    enrollment_create,
    enrollment_ensure,
    enrollment_withdraw,
    intervention_changed,
    matching_programmes,
    occasions_refresh,
    programme_matches,
    schedule_occasions,
)
from insyn.followup.services.goals import goal_assess, goal_set
from insyn.followup.services.recording import (
    occasion_mark_done,
    occasion_mark_missed,
    occasion_record,
    occasion_reopen,
)

__all__ = [
    "enrollment_assign",
    "enrollment_create",
    "enrollment_ensure",
    "enrollment_withdraw",
    "goal_assess",
    "goal_set",
    "intervention_changed",
    "matching_programmes",
    "occasion_mark_done",
    "occasion_mark_missed",
    "occasion_record",
    "occasion_reopen",
    "occasions_refresh",
    "programme_matches",
    "schedule_occasions",
]
