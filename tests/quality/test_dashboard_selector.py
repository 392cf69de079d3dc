"""The live dashboard: ages of open deviations, lex Sarah deadlines, complaints awaiting an
answer, overdue items, the last twelve months; and who sees the lex Sarah block."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.utils import timezone

from insyn.quality.models import ActionItem, Deviation, LexSarahReport, QualitySettings
from insyn.quality.selectors.dashboard import age_band, quality_dashboard
from insyn.quality.services.lex_sarah_calendar import add_working_days
from tests.quality import factories as f

TODAY = dt.date(2026, 3, 16)  # a Monday


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (dt.date(2026, 3, 13), 1, dt.date(2026, 3, 16)),  # Friday -> Monday
        (dt.date(2026, 3, 14), 1, dt.date(2026, 3, 16)),  # Saturday -> Monday
        (dt.date(2026, 3, 16), 1, dt.date(2026, 3, 17)),
        (dt.date(2026, 3, 16), 5, dt.date(2026, 3, 23)),
        (dt.date(2026, 3, 16), 0, dt.date(2026, 3, 16)),
    ],
)
def test_working_days_skip_weekends(day, n, expected):
    assert add_working_days(day, n) == expected


@pytest.mark.parametrize(
    ("days", "band"),
    [
        (0, "0-7"),
        (7, "0-7"),
        (8, "8-30"),
        (30, "8-30"),
        (31, "31-90"),
        (90, "31-90"),
        (91, "90+"),
        (-1, "0-7"),
    ],
)
def test_age_bands_have_inclusive_edges(days, band):
    assert age_band(days) == band


@pytest.fixture
def board_rows(tree, staff, catalogues, officer):
    r = staff.case_worker
    ages = [0, 7, 8, 30, 31, 90, 91, 400]
    for i, days in enumerate(ages):
        day = TODAY - dt.timedelta(days=days)
        f.deviation(
            tree.vux_unit if i % 2 else tree.bof_unit,
            r,
            reported_at=f.local(day.year, day.month, day.day, 10),
            state=Deviation.State.RECEIVED if i % 3 else Deviation.State.REPORTED,
            category="dokumentation" if i % 2 else "handlaggning",
        )
    f.deviation(
        tree.vux_unit,
        r,
        reported_at=f.local(2026, 3, 1),
        state=Deviation.State.CLOSED,
    )
    f.deviation(tree.kalmar_unit, staff.kalmar_case_worker, reported_at=f.local(2026, 3, 1))
    # lex Sarah: reported on a Friday evening -> register by Monday
    f.lex_sarah(tree.vux_unit, r, reported_at=f.local(2026, 3, 13, 22))
    f.lex_sarah(
        tree.bof_unit,
        r,
        reported_at=f.local(2026, 3, 1),
        state=LexSarahReport.State.REGISTERED,
        registered_on=dt.date(2026, 3, 2),
        diary_number="LS 2026/1",
    )
    f.lex_sarah(
        tree.bof_unit,
        r,
        reported_at=f.local(2026, 1, 1),
        state=LexSarahReport.State.ASSESSED,
        registered_on=dt.date(2026, 1, 2),
        investigation_started_on=dt.date(2026, 1, 5),
        serious=True,
        seriousness_decided_on=dt.date(2026, 3, 10),
        diary_number="LS 2026/2",
    )
    f.lex_sarah(tree.bof_unit, r, reported_at=f.local(2026, 1, 1), state="closed")
    # complaints
    f.complaint(tree.vux_unit, received_on=dt.date(2026, 3, 1), answer_due_on=dt.date(2026, 3, 15))
    f.complaint(tree.bof_unit, received_on=dt.date(2026, 3, 10), answer_due_on=dt.date(2026, 3, 16))
    f.complaint(
        tree.bof_unit,
        received_on=dt.date(2026, 3, 1),
        answered_on=dt.date(2026, 3, 5),
        state="answered",
    )
    f.complaint(tree.kalmar_unit, received_on=dt.date(2026, 3, 1))
    # action items
    plan = f.plan(tree.vux_unit, staff.unit_manager)
    f.item(plan, staff.unit_manager, due_on=dt.date(2026, 3, 15))
    f.item(plan, staff.unit_manager, due_on=TODAY)
    f.item(plan, staff.unit_manager, due_on=dt.date(2026, 1, 1), status=ActionItem.Status.DONE)
    other = f.plan(tree.bof_unit, staff.unit_manager)
    f.item(other, staff.unit_manager, due_on=dt.date(2026, 2, 1), status="ongoing")


def test_quality_lead_sees_everything_of_the_subtree(board_rows, tree, staff):
    board = quality_dashboard(user=staff.quality_lead, today=TODAY)
    assert board.deviation_band_totals == {"0-7": 2, "8-30": 2, "31-90": 2, "90+": 2}
    open_rows = Deviation.objects.filter(municipality=tree.vaxjo).exclude(state="closed")
    by_state = Counter(d.state for d in open_rows)
    assert {s: sum(b.values()) for s, b in board.deviation_ages.items() if sum(b.values())} == dict(
        by_state
    )
    steps = {(d.report.diary_number, d.due_on, d.days_left) for d in board.lex_sarah}
    assert ("", dt.date(2026, 3, 16), 0) in steps  # Friday 22:00 + 1 working day = Monday
    # investigation started within 7 days of the report (the officer's deadline list agrees)
    assert ("LS 2026/1", dt.date(2026, 3, 8), -8) in steps
    assert ("LS 2026/2", dt.date(2026, 3, 24), 8) in steps  # IVO within 14 days
    assert len(board.lex_sarah) == 3  # the closed one is not listed
    assert [w.days_left for w in board.complaints_waiting] == [-1, 0]
    assert board.complaints_waiting[0].overdue and not board.complaints_waiting[1].overdue
    assert [o.days_overdue for o in board.overdue_items] == [43, 1]
    assert board.by_month[-1] == ("2026-03", 4)  # 0, 7 and 8 days ago, and the closed one
    assert len(board.by_month) == 12 and board.by_month[0][0] == "2025-04"
    assert board.since == dt.date(2025, 4, 1)
    recent = [
        d
        for d in Deviation.objects.filter(municipality=tree.vaxjo)
        if timezone.localtime(d.reported_at).date() >= dt.date(2025, 4, 1)
    ]
    assert sum(n for _c, _l, n in board.by_category) == len(recent)
    assert sum(n for _c, _l, n in board.by_unit) == len(recent)


def test_municipal_settings_change_the_deadlines(board_rows, tree, staff):
    QualitySettings.objects.create(
        municipality=tree.vaxjo, lex_sarah_register_working_days=2, lex_sarah_ivo_days=7
    )
    board = quality_dashboard(user=staff.quality_lead, today=TODAY)
    dues = {d.report.diary_number: d.due_on for d in board.lex_sarah}
    assert dues[""] == dt.date(2026, 3, 17)
    assert dues["LS 2026/2"] == dt.date(2026, 3, 17)


def test_unit_manager_sees_no_lex_sarah_and_only_the_own_subtree(board_rows, tree, staff):
    board = quality_dashboard(user=staff.unit_manager, today=TODAY)
    assert board.lex_sarah is None
    assert all(w.complaint.unit == tree.vux_unit for w in board.complaints_waiting)
    assert len(board.complaints_waiting) == 1
    assert board.open_deviations == 4  # the odd ones, in Vuxen/missbruk
    assert [o.item.plan.unit for o in board.overdue_items] == [tree.vux_unit]


def test_a_unit_filter_narrows_the_board(board_rows, tree, staff):
    board = quality_dashboard(user=staff.quality_lead, unit=tree.bof_unit, today=TODAY)
    assert board.open_deviations == 4
    assert {d.report.unit for d in board.lex_sarah} == {tree.bof_unit}


def test_kalmar_sees_nothing_of_vaxjo(board_rows, tree):
    from insyn.core.roles import Role
    from tests.factories import user_with_role

    kalmar_lead = user_with_role(Role.QUALITY_LEAD, tree.kalmar, username="kq")
    board = quality_dashboard(user=kalmar_lead, today=TODAY)
    assert board.open_deviations == 1
    assert board.lex_sarah == []
    assert [w.complaint.unit for w in board.complaints_waiting] == [tree.kalmar_unit]
    assert board.overdue_items == []
