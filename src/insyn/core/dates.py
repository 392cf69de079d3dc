"""Calendar arithmetic the legal deadlines share: "within three months of the decision" (IVO),
"over four months" (investigations), "within three months" (internal control). One rule, so
the IVO list, the case page and a case-file review never disagree about a boundary day."""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day number `months` calendar months later (earlier when negative), or that
    month's last day when it is shorter: 31 March + 3 → 30 June, 31 Oct + 4 → 28/29 Feb."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
