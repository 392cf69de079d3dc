"""The one month rule behind the IVO three months, the four-month investigation rule and the
internal-control check: the same day number, or the month's last day when it is shorter."""

from __future__ import annotations

import datetime as dt

import pytest

from insyn.core.dates import add_months

D = dt.date


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 1, 15), 3, D(2026, 4, 15)),
        (D(2026, 3, 31), 3, D(2026, 6, 30)),  # June has 30 days
        (D(2025, 10, 31), 4, D(2026, 2, 28)),
        (D(2027, 10, 31), 4, D(2028, 2, 29)),  # leap year
        (D(2026, 11, 30), 3, D(2027, 2, 28)),
        (D(2026, 12, 1), 1, D(2027, 1, 1)),  # across the year
        (D(2026, 5, 31), -3, D(2026, 2, 28)),  # backwards
        (D(2026, 1, 10), -1, D(2025, 12, 10)),
        (D(2026, 7, 4), 0, D(2026, 7, 4)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


def test_every_module_uses_the_one_rule():
    """The IVO list, the case page and internal control share the function, not a copy."""
    from insyn.clients import four_months
    from insyn.quality.selectors import control_rules, non_executed

    assert four_months.add_months is add_months
    assert control_rules.add_months is add_months
    assert non_executed.add_months is add_months
