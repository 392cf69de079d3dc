"""Periods a key figure is computed for: a calendar year, or the rolling twelve months that end
on a given day. One definition, so a computation, a stored value and a page agree on the days."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from insyn.core.dates import add_months

YEAR = "year"
ROLLING12 = "rolling12"


@dataclass(frozen=True)
class Period:
    kind: str  # YEAR or ROLLING12 (IndicatorValue.PeriodKind values)
    start: dt.date  # first day, inclusive
    end: dt.date  # last day, inclusive

    @property
    def year(self) -> int:
        """The calendar year, or the year a rolling period ends in."""
        return self.end.year

    def contains(self, day: dt.date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    def label(self) -> str:
        if self.kind == YEAR:
            return str(self.end.year)
        return f"{self.start.isoformat()}–{self.end.isoformat()}"


def year_period(year: int) -> Period:
    return Period(YEAR, dt.date(year, 1, 1), dt.date(year, 12, 31))


def rolling_period(end: dt.date) -> Period:
    """The twelve months ending on `end`: from the day after the same date a year earlier."""
    return Period(ROLLING12, add_months(end, -12) + dt.timedelta(days=1), end)
