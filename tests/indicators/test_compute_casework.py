"""The casework computations on hand-built data whose answers are worked out here by hand
(the dates and the counts in the comments), never by calling the code under test."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from insyn.indicators.computations import Cell, casework, get
from insyn.indicators.periods import Period, rolling_period, year_period
from insyn.organisations.models import OrgUnit
from tests.indicators import compute_factories as f

pytestmark = pytest.mark.usefixtures("catalogues")

D = dt.date
Y2025 = year_period(2025)  # re-actualisation base: 2024-01-01 … 2024-06-30


def cells(name: str, municipality: OrgUnit, period: Period = Y2025) -> dict[tuple[int, str], Cell]:
    computation = get(name)
    assert computation is not None, name
    return {(c.unit_id, c.sex): c for c in computation.compute(municipality, period)}


def share(cell: Cell) -> tuple[float | None, float | None, float | None]:
    return (
        round(cell.value, 4) if cell.value is not None else None,
        cell.numerator,
        cell.denominator,
    )


def test_every_catalogue_computation_of_casework_is_registered() -> None:
    names = {c.name for c in casework.COMPUTATIONS}
    assert names == {
        "reactualisation_children",
        "reactualisation_youth",
        "reactualisation_adults",
        "investigation_time_median",
        "investigation_over_four_months",
        "investigation_over_four_months_no_extension",
        "decision_to_execution_median",
        "non_executed_decisions",
    }
    assert all(get(n) is not None for n in names)


def test_base_window_of_a_year_and_of_a_rolling_period() -> None:
    assert casework.base_window(Y2025) == (D(2024, 1, 1), D(2024, 6, 30))
    assert casework.base_window(rolling_period(D(2026, 6, 30))) == (D(2024, 7, 1), D(2024, 12, 31))


@pytest.fixture
def children(tree: Any) -> Any:
    unit = tree.bof_unit
    # A: ended on the last day of the base (30 June) and never back -> in, not back
    f.child_with_intervention(unit, born=D(2014, 1, 1), sex="K", ended_on=D(2024, 6, 30))
    # B: ended on 1 July -> outside the base
    f.child_with_intervention(unit, born=D(2014, 1, 1), sex="M", ended_on=D(2024, 7, 1))
    # C: ended 15 March, a new case exactly twelve months later (15 March 2025) -> back
    c = f.child_with_intervention(unit, born=D(2015, 2, 2), sex="M", ended_on=D(2024, 3, 15))
    f.case(c, D(2025, 3, 15))
    # D: ended 15 March, a new case and investigation one day later (16 March 2025) -> not back
    d = f.child_with_intervention(unit, born=D(2015, 2, 2), sex="K", ended_on=D(2024, 3, 15))
    f.investigation(f.case(d, D(2025, 3, 16)), D(2025, 3, 16), None)
    # E12: turns 13 on 1 June 2024, ended 31 May -> 12 years old: a child (case on the department)
    e12 = f.person(tree.bof, D(2011, 6, 1), "M")
    f.intervention(f.case(e12, D(2024, 1, 10)), D(2024, 1, 10), D(2024, 5, 31))
    # E13: turned 13 on 31 May 2024, ended that day -> youth
    f.child_with_intervention(unit, born=D(2011, 5, 31), sex="K", ended_on=D(2024, 5, 31))
    # F: only financial assistance -> never in the base
    f.child_with_intervention(
        unit, born=D(2014, 1, 1), sex="K", ended_on=D(2024, 4, 1), kind="income_support"
    )
    # G: ended 1 February, back only with financial assistance -> counts as not back
    g = f.child_with_intervention(unit, born=D(2016, 5, 5), sex="K", ended_on=D(2024, 2, 1))
    f.intervention(
        f.case(g, D(2024, 9, 1), reason="financial_need"),
        D(2024, 9, 1),
        None,
        kind="income_support",
    )
    # H: one intervention ended 1 April, another in the same case still going -> not in the base
    h = f.child_with_intervention(unit, born=D(2016, 5, 5), sex="M", ended_on=D(2024, 4, 1))
    f.intervention(h.cases.get(), D(2024, 1, 1), None)
    # I: ended 10 April, a new intervention in the same case on 1 December 2024 -> back
    i = f.child_with_intervention(unit, born=D(2016, 5, 5), sex="M", ended_on=D(2024, 4, 10))
    f.intervention(i.cases.get(), D(2024, 12, 1), D(2025, 2, 1))
    # P4: 20 years old, substance abuse, ended 1 March -> youth (all areas but financial)
    p4 = f.person(tree.vux_unit, D(2003, 12, 31), "M")
    f.intervention(
        f.case(p4, D(2024, 1, 5), reason="alcohol"),
        D(2024, 1, 5),
        D(2024, 3, 1),
        kind="opv_adults_structured",
    )
    return tree


def test_reactualisation_children_boundaries(children: Any) -> None:
    tree = children
    got = cells("reactualisation_children", tree.vaxjo)
    # base: A(K), C(M, back), D(K), E12(M), G(K), I(M, back) = 6, not back 4
    assert share(got[(tree.vaxjo.pk, "T")]) == (round(400 / 6, 4), 4.0, 6.0)
    assert share(got[(tree.vaxjo.pk, "K")]) == (100.0, 3.0, 3.0)  # A, D, G
    assert share(got[(tree.vaxjo.pk, "M")]) == (round(100 / 3, 4), 1.0, 3.0)  # E12 of C, E12, I
    # E12's case is on the department: it counts there and above, not on the unit
    assert share(got[(tree.bof_unit.pk, "T")]) == (60.0, 3.0, 5.0)
    assert share(got[(tree.bof.pk, "T")]) == (round(400 / 6, 4), 4.0, 6.0)
    assert (tree.vux_unit.pk, "T") not in got


def test_reactualisation_youth_splits_at_thirteen(children: Any) -> None:
    tree = children
    got = cells("reactualisation_youth", tree.vaxjo)
    # E13 (K, 13 on the end day) and P4 (M, 20): neither back
    assert share(got[(tree.vaxjo.pk, "T")]) == (100.0, 2.0, 2.0)
    assert share(got[(tree.vaxjo.pk, "K")]) == (100.0, 1.0, 1.0)
    assert share(got[(tree.vux_unit.pk, "M")]) == (100.0, 1.0, 1.0)


def test_reactualisation_adults_substance_abuse_only(tree: Any) -> None:
    unit = tree.vux_unit
    kind = "opv_adults_structured"
    # P1: alcohol, ended 10 Feb; a homelessness case later is not a return to substance care
    p1 = f.person(unit, D(1984, 1, 1), "K")
    f.intervention(
        f.case(p1, D(2024, 1, 2), reason="alcohol"), D(2024, 1, 2), D(2024, 2, 10), kind=kind
    )
    f.case(p1, D(2024, 8, 1), reason="homelessness")
    # P2: drugs, ended 1 April, a new drugs case 1 October -> back
    p2 = f.person(unit, D(1980, 3, 3), "M")
    f.intervention(
        f.case(p2, D(2024, 1, 2), reason="drugs"), D(2024, 1, 2), D(2024, 4, 1), kind=kind
    )
    f.case(p2, D(2024, 10, 1), reason="drugs")
    # P3: victim of violence -> not in the adults' base
    p3 = f.person(unit, D(1980, 3, 3), "M")
    f.intervention(
        f.case(p3, D(2024, 1, 2), reason="violence_victim"), D(2024, 1, 2), D(2024, 3, 1)
    )
    # P5: alcohol, ended 15 June 2024, an investigation in the same case 15 June 2025 -> back
    p5 = f.person(unit, D(1975, 7, 7), "M")
    case5 = f.case(p5, D(2024, 1, 2), reason="alcohol")
    f.intervention(case5, D(2024, 1, 2), D(2024, 6, 15), kind=kind)
    f.investigation(case5, D(2025, 6, 15), None)
    # P6: 20 on the end day -> not an adult
    p6 = f.person(unit, D(2003, 12, 31), "K")
    f.intervention(
        f.case(p6, D(2024, 1, 5), reason="alcohol"), D(2024, 1, 5), D(2024, 3, 1), kind=kind
    )
    got = cells("reactualisation_adults", tree.vaxjo)
    # base: P1 (K, not back), P2 (M, back), P5 (M, back)
    assert share(got[(tree.vaxjo.pk, "T")]) == (round(100 / 3, 4), 1.0, 3.0)
    assert share(got[(tree.vaxjo.pk, "K")]) == (100.0, 1.0, 1.0)
    assert share(got[(tree.vaxjo.pk, "M")]) == (0.0, 0.0, 2.0)


@pytest.fixture
def investigations(tree: Any) -> Any:
    unit = tree.bof_unit
    child = f.person(unit, D(2014, 4, 4), "K")
    boy = f.person(unit, D(2012, 4, 4), "M")
    case_k, case_m = f.case(child, D(2024, 10, 1)), f.case(boy, D(2024, 10, 1))
    f.investigation(case_k, D(2025, 1, 10), D(2025, 5, 10))  # exactly four months: in time, 120 d
    f.investigation(case_m, D(2025, 1, 10), D(2025, 5, 11))  # one day more, no extension, 121 d
    # over four months (limit 1 June) with a decision to extend: 150 days
    f.investigation(case_k, D(2025, 2, 1), D(2025, 7, 1), extended_on=D(2025, 5, 15))
    f.investigation(case_m, D(2024, 12, 20), D(2025, 1, 19))  # 30 days, started the year before
    f.investigation(case_k, D(2024, 10, 31), D(2025, 2, 28))  # 31 Oct + 4 months = 28 Feb: in time
    # not counted: an adult's, one completed in 2026, an open one, financial assistance
    adult = f.person(tree.vux_unit, D(1990, 1, 1), "M")
    f.investigation(f.case(adult, D(2025, 1, 1)), D(2025, 1, 2), D(2025, 9, 1))
    f.investigation(case_k, D(2025, 12, 1), D(2026, 1, 2))
    f.investigation(case_m, D(2025, 6, 1), None)
    money = f.case(boy, D(2025, 1, 1), reason="financial_need")
    f.investigation(money, D(2025, 1, 2), D(2025, 9, 1))
    return tree


def test_investigation_time_median(investigations: Any) -> None:
    tree = investigations
    got = cells("investigation_time_median", tree.vaxjo)
    # days: 120, 121, 150, 30, 120 -> sorted 30, 120, 120, 121, 150 -> median 120
    assert (got[(tree.vaxjo.pk, "T")].value, got[(tree.vaxjo.pk, "T")].denominator) == (120.0, 5.0)
    # girls: 120, 150, 120 -> 120; boys: 121, 30 -> (30 + 121) / 2
    assert got[(tree.vaxjo.pk, "K")].value == 120.0
    assert (got[(tree.vaxjo.pk, "M")].value, got[(tree.vaxjo.pk, "M")].denominator) == (75.5, 2.0)
    assert got[(tree.vaxjo.pk, "T")].numerator is None


def test_investigations_over_four_months_with_and_without_extension(investigations: Any) -> None:
    tree = investigations
    over = cells("investigation_over_four_months", tree.vaxjo)
    late = cells("investigation_over_four_months_no_extension", tree.vaxjo)
    # over: the one-day-more (121 d) and the extended one (150 d) of five
    assert share(over[(tree.vaxjo.pk, "T")]) == (40.0, 2.0, 5.0)
    # without a decision to extend: only the one-day-more one
    assert share(late[(tree.vaxjo.pk, "T")]) == (20.0, 1.0, 5.0)
    assert share(late[(tree.vaxjo.pk, "M")]) == (50.0, 1.0, 2.0)
    assert share(late[(tree.vaxjo.pk, "K")]) == (0.0, 0.0, 3.0)


def test_decision_to_execution_median_even_count(tree: Any) -> None:
    client = f.person(tree.vux_unit, D(1980, 1, 1), "K")
    case = f.case(client, D(2024, 12, 1), reason="alcohol")
    for decided, executed in [
        (D(2025, 1, 1), D(2025, 1, 4)),  # 3 days
        (D(2025, 2, 1), D(2025, 2, 11)),  # 10
        (D(2025, 3, 1), D(2025, 3, 8)),  # 7
        (D(2025, 12, 20), D(2026, 1, 9)),  # executed in 2026: not counted
        (D(2025, 6, 25), D(2025, 7, 15)),  # 20
        (D(2024, 12, 30), D(2025, 1, 2)),  # 3 (executed in 2025, decided in 2024)
    ]:
        f.decision(case, decided, executed)
    f.decision(case, D(2025, 4, 1), D(2025, 7, 10), kind="income_support")  # financial
    f.decision(case, D(2025, 4, 1))  # not executed
    got = cells("decision_to_execution_median", tree.vaxjo)
    # 3, 3, 7, 10, 20 -> five values, median 7; add none: check with an even count below
    assert (got[(tree.vaxjo.pk, "T")].value, got[(tree.vaxjo.pk, "T")].denominator) == (7.0, 5.0)
    f.decision(case, D(2025, 5, 1), D(2025, 5, 31))  # 30 days -> 3, 3, 7, 10, 20, 30
    got = cells("decision_to_execution_median", tree.vaxjo)
    assert (got[(tree.vaxjo.pk, "T")].value, got[(tree.vaxjo.pk, "T")].denominator) == (8.5, 6.0)
    assert (tree.vaxjo.pk, "M") not in got


def test_non_executed_decisions(tree: Any) -> None:
    client = f.person(tree.vux_unit, D(1980, 1, 1), "M")
    case = f.case(client, D(2023, 12, 1), reason="alcohol")
    f.decision(case, D(2025, 3, 10))  # deadline 10 June 2025, never executed: listed
    f.decision(case, D(2025, 9, 1), D(2025, 12, 1))  # executed on the deadline day: in time
    f.decision(case, D(2025, 10, 15))  # reportable from 16 January 2026: not in 2025
    f.decision(case, D(2024, 1, 10), D(2024, 6, 1), basis="sol2001_4_1")  # resolved in 2024
    f.decision(case, D(2025, 2, 1), basis="sol2025")  # not a reportable legal basis
    got = cells("non_executed_decisions", tree.vaxjo)
    assert (got[(tree.vaxjo.pk, "T")].value, got[(tree.vaxjo.pk, "M")].value) == (1.0, 1.0)
    assert got[(tree.vux_unit.pk, "T")].denominator == 1.0
    assert (tree.vaxjo.pk, "K") not in got
    # 2024: the decision of January 2024 was executed late (deadline 10 April): listed in 2024
    got = cells("non_executed_decisions", tree.vaxjo, year_period(2024))
    assert got[(tree.vaxjo.pk, "T")].value == 1.0


def test_a_municipality_without_data_has_no_cells(tree: Any) -> None:
    assert cells("reactualisation_children", tree.kalmar) == {}
    assert cells("investigation_time_median", tree.kalmar) == {}
