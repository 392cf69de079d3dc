"""Detection of non-executed decisions: known dates, the boundary day, the quarter list."""

from __future__ import annotations

import datetime as dt

import pytest

from insyn.clients.models import Decision
from insyn.quality.selectors import non_executed as sel
from tests.quality import non_executed_factories as nf

D = dt.date
Q2, Q3, Q4 = sel.Quarter(2026, 2), sel.Quarter(2026, 3), sel.Quarter(2026, 4)


@pytest.mark.parametrize(
    ("start", "deadline"),
    [
        (D(2026, 5, 15), D(2026, 8, 15)),
        (D(2026, 3, 31), D(2026, 6, 30)),
        (D(2025, 11, 30), D(2026, 2, 28)),
        (D(2023, 11, 30), D(2024, 2, 29)),
        (D(2026, 10, 31), D(2027, 1, 31)),
    ],
)
def test_deadline_is_three_calendar_months(start: dt.date, deadline: dt.date) -> None:
    assert sel.deadline_for(start) == deadline


@pytest.mark.parametrize("raw", ["2026Q5", "2026", "Q3", "", "26Q3", "1999Q1", None, "2026Q0"])
def test_bad_quarter_says_so(raw: object) -> None:
    with pytest.raises(sel.QuarterError) as exc:
        sel.parse_quarter(raw)
    assert str(exc.value)


def test_quarter_bounds() -> None:
    q = sel.parse_quarter(" 2026-q3 ")
    assert (q.label, q.start, q.end) == ("2026Q3", D(2026, 7, 1), D(2026, 9, 30))
    assert sel.parse_quarter("2024Q1").end == D(2024, 3, 31)


@pytest.fixture
def known(tree, catalogues) -> dict[str, Decision]:
    u = tree.vux_unit
    return {
        "A_open": nf.quick(u, D(2026, 5, 15)),
        "B_on_boundary_day": nf.quick(u, D(2026, 5, 15), executed_on=D(2026, 8, 15)),
        "C_late": nf.quick(u, D(2026, 5, 15), executed_on=D(2026, 8, 16), sex="M"),
        "D_deadline_is_q_end": nf.quick(u, D(2026, 6, 30)),
        "E_reportable_q_end": nf.quick(u, D(2026, 6, 29), sex="M"),
        "F_late_in_q2": nf.quick(u, D(2026, 1, 10), executed_on=D(2026, 5, 1)),
        "G_interrupted": nf.quick(
            u, D(2026, 1, 10), executed_on=D(2026, 1, 20), interrupted_on=D(2026, 5, 31)
        ),
        "H_resumed_in_time": nf.quick(
            u,
            D(2026, 1, 10),
            executed_on=D(2026, 1, 20),
            interrupted_on=D(2026, 5, 31),
            resumed_on=D(2026, 8, 31),
        ),
        "I_partly": nf.quick(
            u,
            D(2026, 4, 1),
            executed_on=D(2026, 4, 10),
            granted="5",
            executed="3",
            intervention="opv_adults_relapse",
        ),
        "J_not_reportable": nf.quick(u, D(2026, 1, 10), basis=nf.NOT_REPORTABLE),
        "K_ended": nf.quick(u, D(2026, 3, 1), ended_on=D(2026, 7, 15), ended_reason="Flyttat"),
        "L_future_execution": nf.quick(u, D(2026, 5, 1), executed_on=D(2026, 10, 20)),
    }


def _names(known: dict[str, Decision], found: list[sel.Episode]) -> set[tuple[str, str]]:
    by_pk = {d.pk: name for name, d in known.items()}
    return {(by_pk[e.decision.pk], e.kind) for e in found}


def _all() -> list[Decision]:
    return list(sel.reportable_decisions())


def test_quarter_list_matches_hand_computation(known: dict[str, Decision]) -> None:
    # independently: the deadline by hand, reportable from the next day, listed when that
    # day is in or before the quarter and not resolved before the quarter began
    expected_q3 = {
        ("A_open", "not_executed"),  # deadline 15 Aug, open
        ("C_late", "not_executed"),  # executed 16 Aug: one day late, in the quarter
        ("E_reportable_q_end", "not_executed"),  # deadline 29 Sep, reportable 30 Sep
        ("G_interrupted", "interrupted"),  # interrupted 31 May, deadline 31 Aug
        ("I_partly", "partly"),  # 3 of 5 hours, deadline 1 Jul
        ("K_ended", "not_executed"),  # deadline 1 Jun, ended 15 Jul in the quarter
        ("L_future_execution", "not_executed"),  # deadline 1 Aug; executed only in October
    }
    assert _names(known, sel.quarter_list(_all(), Q3)) == expected_q3
    expected_q2 = {
        ("F_late_in_q2", "not_executed"),  # deadline 10 Apr, executed 1 May
        ("K_ended", "not_executed"),  # open at 30 Jun
    }
    assert _names(known, sel.quarter_list(_all(), Q2)) == expected_q2
    q4 = _names(known, sel.quarter_list(_all(), Q4))
    assert ("D_deadline_is_q_end", "not_executed") in q4
    assert ("C_late", "not_executed") not in q4  # resolved in Q3
    assert ("L_future_execution", "not_executed") in q4  # executed 20 Oct, in Q4


def test_resolutions_as_of_the_quarter_end(known: dict[str, Decision]) -> None:
    by_name = {e.decision.pk: e for e in sel.quarter_list(_all(), Q3)}
    c = by_name[known["C_late"].pk]
    assert (c.resolved_on, c.resolution, c.days) == (D(2026, 8, 16), "executed", 93)
    k = by_name[known["K_ended"].pk]
    assert (k.resolution, k.end_reason) == ("ended", "Flyttat")
    a = by_name[known["A_open"].pk]
    assert a.is_open and a.days == (D(2026, 9, 30) - D(2026, 5, 15)).days
    l_ = by_name[known["L_future_execution"].pk]
    assert l_.is_open  # the October execution had not happened on 30 September


def test_boundary_day(known: dict[str, Decision]) -> None:
    d = known["D_deadline_is_q_end"]
    assert not sel.reportable_now([d], D(2026, 9, 30))
    assert sel.reportable_now([d], D(2026, 10, 1))
    b = known["B_on_boundary_day"]
    for day in (D(2026, 8, 15), D(2026, 8, 16), D(2026, 12, 31)):
        assert sel.episodes([b], day) == []
    # before its execution, B was open and approaching
    assert [e.days for e in sel.approaching([b], D(2026, 8, 14))] == [91]


def test_approaching_window(known: dict[str, Decision]) -> None:
    d = known["D_deadline_is_q_end"]
    assert sel.approaching([d], D(2026, 8, 28)) == []  # day 59
    assert [e.days for e in sel.approaching([d], D(2026, 8, 29))] == [60]
    assert len(sel.approaching([d], D(2026, 9, 30))) == 1
    assert sel.approaching([d], D(2026, 10, 1)) == []  # reportable instead


def test_non_reportable_basis_never_listed(known: dict[str, Decision]) -> None:
    j = known["J_not_reportable"]
    assert j.pk not in {d.pk for d in _all()}
    assert sel.episodes([j], D(2027, 12, 31)) == []
    for q in (Q2, Q3, Q4):
        assert j.pk not in {e.decision.pk for e in sel.quarter_list(Decision.objects.all(), q)}
