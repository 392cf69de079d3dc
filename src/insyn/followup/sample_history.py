"""The programme's own history as input to the sample-size guidance (issue 15, item 4).

Aggregates only, read through `restrict(user, VIEW_AGGREGATE)` like any group table: the intake
of the last twelve months, the share of due after-measures that were done, and the observed
spread of the before/after change of the main measure. A figure from fewer than the
suppression threshold of clients is not offered (it would be noise, and it would show a small
group's result on a planning page).
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from insyn.core.roles import Action
from insyn.followup.models import Enrollment, Occasion, Programme, Stage, Value, Variable
from insyn.followup.sample_size import sampled_fraction

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from insyn.accounts.models import User


@dataclass
class History:
    """Observed figures; None where the programme has too little history to say."""

    enrolled_last_year: int | None = None
    intake_per_year: float | None = None
    completion_percent: float | None = None
    sd_change: float | None = None
    share_percent: float | None = None
    pairs: int | None = None


def programme_history(
    user: User | AnonymousUser, programme: Programme, variable: str = ""
) -> History:
    """What the programme's enrolments (every version of its key) in the user's scope show."""
    min_cell = int(settings.INSYN_MIN_CELL)
    today = timezone.localdate()
    enrollments = Enrollment.objects.restrict(user, Action.VIEW_AGGREGATE).filter(
        programme__key=programme.key
    )
    history = History()
    recent = enrollments.filter(enrolled_on__gt=today - dt.timedelta(days=365)).count()
    if recent >= min_cell:
        history.enrolled_last_year = recent
        fraction = sampled_fraction(programme.sampling, list(programme.sampling_days or []))
        if programme.sampling != Programme.Sampling.PERIOD:
            history.intake_per_year = recent / fraction
    after_due = Occasion.objects.filter(
        enrollment__in=enrollments, stage__kind=Stage.Kind.AFTER, due_on__lte=today
    ).exclude(status=Occasion.Status.PLANNED)
    due = after_due.count()
    if due >= min_cell:
        done = after_due.filter(status=Occasion.Status.DONE).count()
        history.completion_percent = 100 * done / due
    if variable:
        _measure_history(history, enrollments, variable, min_cell)
    return history


def _measure_history(
    history: History, enrollments: QuerySet[Enrollment], variable: str, min_cell: int
) -> None:
    rows = Value.objects.filter(
        occasion__enrollment__in=enrollments,
        occasion__status=Occasion.Status.DONE,
        occasion__stage__kind__in=[Stage.Kind.BEFORE, Stage.Kind.AFTER],
        variable__key=variable,
        item__isnull=True,
        number__isnull=False,
    ).values_list("occasion__enrollment_id", "occasion__stage__kind", "number", "variable__type")
    before: dict[int, float] = {}
    after: dict[int, float] = {}
    flags: list[bool] = []
    for enrollment_id, kind, number, type_ in rows:
        if number is None:
            continue
        (before if kind == Stage.Kind.BEFORE else after)[enrollment_id] = number
        if type_ == Variable.Type.BOOLEAN and kind == Stage.Kind.AFTER:
            flags.append(number >= 1)
    changes = [after[e] - before[e] for e in before.keys() & after.keys()]
    if len(changes) >= max(min_cell, 2):
        history.pairs = len(changes)
        history.sd_change = statistics.stdev(changes)
    if len(flags) >= min_cell:
        history.share_percent = 100 * sum(flags) / len(flags)
