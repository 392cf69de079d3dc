"""Computed key figures from quality management: complaints answered within the target and
lex Sarah reports (docs/indicators.md, "Figures from follow-up, surveys and quality"). The same
counts as the yearly quality statistics (`insyn.quality.selectors.stats`), by unit and sex.
Neither is in an analysis frame (they are not follow-up of an enrolment), so they read the
quality models directly."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from insyn.indicators.computations import Cell, register
from insyn.indicators.computations._measures import roll_up
from insyn.indicators.periods import Period
from insyn.organisations.models import OrgUnit
from insyn.quality.models import Complaint, LexSarahReport


def _local_bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    """The period's first day 00:00 to the day after its last, local time."""
    tz = timezone.get_default_timezone()
    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


@dataclass
class ComplaintsAnsweredInTime:
    """Complaints and suggestions received in the period (received_on) that have been answered
    or whose answer date has passed (as of today): the share answered on or before the answer
    date (answer_due_on = received_on + the municipality's complaint_answer_days when it was
    registered). Unit: the complaint's unit; sex: the client's, when the complaint is linked
    to a client."""

    name: str = "complaints_answered_in_time"

    def compute(self, municipality: OrgUnit, period: Period) -> Sequence[Cell]:
        today = timezone.localdate()
        complaints = (
            Complaint.objects.filter(
                municipality=municipality,
                received_on__gte=period.start,
                received_on__lte=period.end,
            )
            .filter(Q(answered_on__isnull=False) | Q(answer_due_on__lt=today))
            .values_list("unit__path", "client__sex", "answered_on", "answer_due_on")
        )
        rows = [
            (path, sex, 1.0 if answered is not None and answered <= due else 0.0, 1.0)
            for path, sex, answered, due in complaints
        ]
        return roll_up(municipality, rows)


@dataclass
class LexSarahReports:
    """The number of lex Sarah reports made in the period (reported_at, local time), at the
    unit the report concerns; sex of the client when the report names one. A count, not a
    share: value = the count, denominator = the same count (the reports it is computed over,
    for suppression). No reports: no cell (a unit without reports is not shown as 0)."""

    name: str = "lex_sarah_reports"

    def compute(self, municipality: OrgUnit, period: Period) -> Sequence[Cell]:
        start, end = _local_bounds(period)
        reports = LexSarahReport.objects.filter(
            municipality=municipality, reported_at__gte=start, reported_at__lt=end
        ).values_list("unit__path", "client__sex")
        return roll_up(municipality, ((path, sex, 1.0, 1.0) for path, sex in reports), count=True)


register(ComplaintsAnsweredInTime())
register(LexSarahReports())
