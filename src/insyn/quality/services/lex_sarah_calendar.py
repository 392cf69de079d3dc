"""Swedish working days for lex Sarah deadlines ("registered within 1 working day").

A small calendar in code rather than a dependency: the public holidays of Sweden (lag
1989:253 om allmänna helgdagar) plus the eves that municipal offices close on
(midsommarafton, julafton, nyårsafton). Saturdays and Sundays are never working days.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache


def easter_sunday(year: int) -> dt.date:
    """Easter Sunday of the Gregorian calendar (the anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _saturday_between(start: dt.date) -> dt.date:
    """The Saturday in the seven days from `start` (midsommardagen, alla helgons dag)."""
    return start + dt.timedelta(days=(5 - start.weekday()) % 7)


@lru_cache(maxsize=64)
def swedish_holidays(year: int) -> frozenset[dt.date]:
    """Days on which a Swedish municipal office does not work, besides weekends."""
    easter = easter_sunday(year)
    midsummer_day = _saturday_between(dt.date(year, 6, 20))
    days = {
        dt.date(year, 1, 1),  # nyårsdagen
        dt.date(year, 1, 6),  # trettondedag jul
        easter - dt.timedelta(days=2),  # långfredagen
        easter,  # påskdagen
        easter + dt.timedelta(days=1),  # annandag påsk
        dt.date(year, 5, 1),  # första maj
        easter + dt.timedelta(days=39),  # Kristi himmelsfärdsdag
        easter + dt.timedelta(days=49),  # pingstdagen
        dt.date(year, 6, 6),  # Sveriges nationaldag
        midsummer_day - dt.timedelta(days=1),  # midsommarafton
        midsummer_day,  # midsommardagen
        _saturday_between(dt.date(year, 10, 31)),  # alla helgons dag
        dt.date(year, 12, 24),  # julafton
        dt.date(year, 12, 25),  # juldagen
        dt.date(year, 12, 26),  # annandag jul
        dt.date(year, 12, 31),  # nyårsafton
    }
    return frozenset(days)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in swedish_holidays(day.year)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date `days` working days after `start` (a report made on Friday afternoon and due
    "within 1 working day" is due on Monday, or Tuesday after Easter)."""
    day = start
    remaining = days
    while remaining > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day
