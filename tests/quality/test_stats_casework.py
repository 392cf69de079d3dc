"""Yearly statistics of appeals and investigations: figures computed independently from
hand-built cases (statistics.median, plain counting), events of the year only, suppression."""

from __future__ import annotations

import datetime as dt
import statistics

import pytest

from insyn.clients.models import Appeal
from insyn.quality.selectors.stats import quality_year_stats
from tests.clients import casework_factories as cf
from tests.clients import factories as f

YEAR = 2025
# (started, completed, extended): 2025 completions unless noted
INVESTIGATIONS = [
    (dt.date(2025, 1, 10), dt.date(2025, 3, 10), None),  # 59 days, ok
    (dt.date(2025, 1, 10), dt.date(2025, 5, 10), None),  # exactly four months: ok
    (dt.date(2025, 1, 10), dt.date(2025, 5, 11), None),  # one day over, no extension
    (dt.date(2025, 1, 10), dt.date(2025, 7, 1), dt.date(2025, 5, 1)),  # over, extended
    (dt.date(2024, 10, 31), dt.date(2025, 2, 28), None),  # month end, exactly: ok
    (dt.date(2024, 10, 31), dt.date(2025, 3, 1), dt.date(2025, 2, 1)),  # over, extended
    (dt.date(2025, 2, 1), dt.date(2025, 2, 20), None),
    (dt.date(2024, 5, 1), dt.date(2024, 12, 31), None),  # completed in 2024: not counted
    (dt.date(2025, 6, 1), None, None),  # open: not counted
]
APPEALS = [
    ("upheld", dt.date(2025, 4, 1)),
    ("upheld", dt.date(2025, 5, 1)),
    ("changed", dt.date(2025, 6, 1)),
    ("returned", dt.date(2025, 7, 1)),
    ("withdrawn", dt.date(2025, 8, 1)),
    ("changed", dt.date(2025, 9, 1)),
    ("changed", dt.date(2024, 12, 1)),  # decided in 2024: not counted
    ("", None),  # pending: not counted
]


@pytest.fixture
def cases(tree, catalogues):
    out = []
    for i in range(len(INVESTIGATIONS) + len(APPEALS)):
        client = f.client(tree.vux_unit, number=f.personnummer(dt.date(1960 + i, 1, 1 + i)))
        out.append(f.case(client, opened_on=dt.date(2024, 1, 2)))
    return out


@pytest.fixture
def built(cases):
    for case, (started, completed, extended) in zip(cases, INVESTIGATIONS, strict=False):
        cf.investigation(case, started_on=started, completed_on=completed, extended_on=extended)
    for case, (outcome, decided) in zip(cases[len(INVESTIGATIONS) :], APPEALS, strict=True):
        decision = f.decision(case, decided_on=dt.date(2024, 2, 1))
        cf.appeal(decision, appealed_on=dt.date(2024, 3, 1), decided_on=decided, outcome=outcome)


def _expected_investigations():
    done = [(s, c, e) for s, c, e in INVESTIGATIONS if c is not None and c.year == YEAR]
    days = [(c - s).days for s, c, _e in done]

    def over(s, c):
        # four calendar months, clamped to the month end, computed by hand for these dates
        limits = {
            dt.date(2025, 1, 10): dt.date(2025, 5, 10),
            dt.date(2024, 10, 31): dt.date(2025, 2, 28),
            dt.date(2025, 2, 1): dt.date(2025, 6, 1),
        }
        return c > limits[s]

    extended = sum(1 for s, c, e in done if over(s, c) and e is not None)
    late = sum(1 for s, c, e in done if over(s, c) and e is None)
    return {
        "completed": len(done),
        "median_days": float(statistics.median(days)),
        "over_four_months_extended": round(100 * extended / len(done), 1),
        "over_four_months_not_extended": round(100 * late / len(done), 1),
    }


def test_figures_match_an_independent_computation(built, settings):
    settings.INSYN_MIN_CELL = 1
    got = quality_year_stats(municipality=built_tree(built), year=YEAR)
    inv = got.section("investigations")
    for key, value in _expected_investigations().items():
        assert inv.value(key) == value, key
    appeals = got.section("appeals")
    decided = [(o, d) for o, d in APPEALS if d is not None and d.year == YEAR]
    assert appeals.value("decided") == len(decided) == 6
    for outcome in Appeal.Outcome.values:
        assert appeals.value(f"outcome_{outcome}") == sum(1 for o, _d in decided if o == outcome)
    assert appeals.value("changed_share") == round(100 * 2 / 6, 1) == 33.3


def built_tree(_built):
    from insyn.organisations.models import OrgUnit

    return OrgUnit.objects.get(code="0780")


def test_small_groups_are_suppressed(built, settings):
    settings.INSYN_MIN_CELL = 3
    got = quality_year_stats(municipality=built_tree(built), year=YEAR)
    appeals = got.section("appeals")
    # upheld 2, changed 2, returned 1, withdrawn 1: every outcome under 3 persons is hidden
    for outcome in Appeal.Outcome.values:
        line = next(x for x in appeals.lines if x.key == f"outcome_{outcome}")
        assert line.suppressed and line.value is None
    assert next(x for x in appeals.lines if x.key == "changed_share").suppressed
    assert appeals.value("decided") == 6
    inv = got.section("investigations")
    assert inv.value("completed") == 7
    assert inv.value("median_days") is not None
    # 2 extended and 1 late: both under 3, hidden with the shares computed from them
    assert inv.value("over_four_months_extended") is None
    assert inv.value("over_four_months_not_extended") is None


def test_whole_section_hidden_when_too_few_persons(cases, settings):
    settings.INSYN_MIN_CELL = 5
    cf.investigation(cases[0], started_on=dt.date(2025, 1, 2), completed_on=dt.date(2025, 2, 1))
    got = quality_year_stats(municipality=built_tree(None), year=YEAR)
    inv = got.section("investigations")
    assert all(line.value is None and line.suppressed for line in inv.lines)
    assert got.section("appeals").value("decided") == 0  # nothing: nobody to protect


def test_outside_the_municipality_nothing_is_counted(built, tree, settings):
    settings.INSYN_MIN_CELL = 1
    got = quality_year_stats(municipality=tree.kalmar, year=YEAR)
    assert got.section("investigations").value("completed") == 0
    assert got.section("appeals").value("decided") == 0
    assert got.section("appeals").value("changed_share") is None
