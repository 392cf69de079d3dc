"""Criteria the data can answer (pre-filled in a review, and runnable over every case).

Each rule answers one case with yes / no / partly / na and a short reason, from the model
fields directly (no service of another area is needed):

- four_month_rule: an investigation over four calendar months (completed, or still open
  today) needs `extended_on`; no investigation over four months → na.
- executed_3m: each decision executed within three calendar months of `decided_on`; a
  decision not yet executed but still inside the three months is not judged yet; all in time →
  yes, none → no, some → partly.
- followup_done: follow-up occasions of the case's enrolments due by today: all done → yes,
  none → no, some → partly; nothing due → na.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from insyn.clients.models import Case, Decision, Investigation
from insyn.core.dates import add_months
from insyn.followup.models import Occasion
from insyn.quality.models import ReviewAnswer, ReviewCriterion

A = ReviewAnswer.Answer
R = ReviewCriterion.DataRule


@dataclass(frozen=True)
class RuleResult:
    answer: str
    reason: str


def _mixed(ok: int, total: int) -> str:
    if total == 0:
        return A.NOT_APPLICABLE
    if ok == total:
        return A.YES
    return A.NO if ok == 0 else A.PARTLY


def four_month_rule(case: Case, today: dt.date) -> RuleResult:
    over = extended = 0
    for inv in Investigation.objects.filter(case=case):
        end = inv.completed_on or today
        if end > add_months(inv.started_on, Investigation.FOUR_MONTHS):
            over += 1
            extended += inv.extended_on is not None
    if over == 0:
        return RuleResult(A.NOT_APPLICABLE, "no investigation over four months")
    answer = A.YES if extended == over else A.NO
    return RuleResult(answer, f"{extended} of {over} investigations over four months extended")


def executed_3m(case: Case, today: dt.date) -> RuleResult:
    judged = in_time = 0
    for d in Decision.objects.filter(case=case):
        limit = add_months(d.decided_on, 3)
        if d.executed_on is not None:
            judged += 1
            in_time += d.executed_on <= limit
        elif today > limit or d.ended_unexecuted_on is not None:
            judged += 1
    return RuleResult(_mixed(in_time, judged), f"{in_time} of {judged} decisions in time")


def followup_done(case: Case, today: dt.date) -> RuleResult:
    occasions = Occasion.objects.filter(
        enrollment__intervention__case=case, due_on__isnull=False, due_on__lte=today
    )
    due = occasions.count()
    done = occasions.filter(status=Occasion.Status.DONE).count()
    return RuleResult(_mixed(done, due), f"{done} of {due} due occasions done")


RULES: dict[str, Callable[[Case, dt.date], RuleResult]] = {
    R.FOUR_MONTH_RULE: four_month_rule,
    R.EXECUTED_IN_THREE_MONTHS: executed_3m,
    R.FOLLOWUP_DONE: followup_done,
}


def apply(criterion: ReviewCriterion, case: Case, today: dt.date) -> RuleResult | None:
    """The data's answer to `criterion` for `case`, or None when it is not a data rule. A
    `partly` becomes `no` where the criterion does not allow partly."""
    rule = RULES.get(criterion.data_rule)
    if rule is None:
        return None
    result = rule(case, today)
    if result.answer == A.PARTLY and not criterion.allow_partly:
        return RuleResult(A.NO, result.reason)
    return result


def run_checks(
    cases: Iterable[Case], rules: Iterable[str], today: dt.date
) -> list[tuple[Case, dict[str, RuleResult]]]:
    """Every rule over every case (no sample): the rows of "run data checks"."""
    chosen = [r for r in rules if r in RULES]
    return [(case, {r: RULES[r](case, today) for r in chosen}) for case in cases]
