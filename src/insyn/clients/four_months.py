"""The four-month rule for investigations (SoL 11 kap. 2 §: an investigation is to be finished
within four months unless a decision to extend it is recorded), as one function that the case
page, internal control and the yearly statistics all use, so they never disagree.

An investigation started on 31 October has its limit on the last day of February: the limit is
`started_on` plus four calendar months, clamped to the month's end. Exactly on the limit is in
time; one day more is over four months.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from insyn.core.dates import add_months

if TYPE_CHECKING:
    from insyn.clients.models import Investigation

FOUR_MONTHS = 4


class FourMonthStatus(enum.StrEnum):
    OK = "ok"  # within four months (so far)
    NEEDS_EXTENSION = "needs_extension"  # still open, over four months, no extension recorded
    EXTENDED = "extended"  # over four months with a recorded decision to extend
    LATE_WITHOUT_EXTENSION = "late_without_extension"  # completed over four months, no decision

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])

    @property
    def is_problem(self) -> bool:
        return self in (FourMonthStatus.NEEDS_EXTENSION, FourMonthStatus.LATE_WITHOUT_EXTENSION)


STATUS_LABELS = {
    FourMonthStatus.OK: _("Within four months"),
    FourMonthStatus.NEEDS_EXTENSION: _("Over four months: a decision to extend is needed"),
    FourMonthStatus.EXTENDED: _("Over four months, extended by decision"),
    FourMonthStatus.LATE_WITHOUT_EXTENSION: _("Over four months without a decision to extend"),
}


def four_month_limit(started_on: dt.date) -> dt.date:
    """The last day on which the investigation is still within four months."""
    return add_months(started_on, FOUR_MONTHS)


def is_over_four_months(started_on: dt.date, end: dt.date) -> bool:
    return end > four_month_limit(started_on)


def handling_days(started_on: dt.date, completed_on: dt.date | None) -> int | None:
    """Handling time in days (completed - started); None while the investigation is open."""
    return None if completed_on is None else (completed_on - started_on).days


def four_month_status_of(
    started_on: dt.date,
    completed_on: dt.date | None,
    extended_on: dt.date | None,
    today: dt.date,
) -> FourMonthStatus:
    """The rule on plain dates (for rows read with values_list)."""
    end = completed_on if completed_on is not None else today
    if not is_over_four_months(started_on, end):
        return FourMonthStatus.OK
    if extended_on is not None:
        return FourMonthStatus.EXTENDED
    if completed_on is None:
        return FourMonthStatus.NEEDS_EXTENSION
    return FourMonthStatus.LATE_WITHOUT_EXTENSION


def four_month_status(investigation: Investigation, today: dt.date) -> FourMonthStatus:
    """Where `investigation` stands against the four-month rule, judged on `today` while open."""
    return four_month_status_of(
        investigation.started_on, investigation.completed_on, investigation.extended_on, today
    )
