"""Complaints answered within the target and lex Sarah reports: hand-built cases with answers
worked out by hand, boundary days (and local midnight for lex Sarah) included."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from insyn.clients.models import InterventionType
from insyn.indicators import computations
from insyn.indicators.computations import Cell
from insyn.indicators.periods import Period, year_period
from insyn.organisations.models import OrgUnit
from insyn.quality.models import Complaint, LexSarahReport
from tests.conftest import Staff, Tree
from tests.followup.factories import catalogue_basics, intervention
from tests.indicators.measures_factories import by_key
from tests.quality import lex_sarah_factories as lf
from tests.quality.complaints_factories import complaint_in

D = dt.date


def OPV() -> InterventionType:
    opv = catalogue_basics()["opv"]
    assert isinstance(opv, InterventionType)
    return opv


S = Complaint.State


def compute(name: str, municipality: OrgUnit, period: Period) -> Sequence[Cell]:
    computation = computations.get(name)
    assert computation is not None, name
    return computation.compute(municipality, period)


def complaint(
    tree: Tree, state: str, received: dt.date, due: dt.date, answered: dt.date | None, **kwargs: Any
) -> Complaint:
    c = complaint_in(tree, state, received_on=received, **kwargs)
    Complaint.objects.filter(pk=c.pk).update(answer_due_on=due, answered_on=answered)
    return c


def test_complaints_answered_in_time_by_hand(tree: Tree, staff: Staff) -> None:
    woman = intervention(tree.vux_unit, OPV(), started_on=D(2023, 1, 1), sex="K")
    c1 = complaint(tree, S.ANSWERED, D(2024, 1, 1), D(2024, 1, 15), D(2024, 1, 15))  # due day
    Complaint.objects.filter(pk=c1.pk).update(client=woman.case.client)
    complaint(tree, S.ANSWERED, D(2024, 12, 31), D(2025, 1, 14), D(2025, 1, 20))  # late
    complaint(tree, S.ASSIGNED, D(2024, 6, 1), D(2024, 6, 15), None, unit=tree.bof_unit)  # never
    complaint(tree, S.ANSWERED, D(2023, 12, 31), D(2024, 1, 14), D(2024, 1, 2))  # last year
    complaint(  # a suggestion counts too
        tree, S.CLOSED, D(2024, 3, 1), D(2024, 3, 15), D(2024, 3, 2), kind=Complaint.Kind.SUGGESTION
    )
    complaint(tree, S.RECEIVED, D(2024, 8, 1), D(2024, 8, 15), None)  # on the municipality
    got = by_key(compute("complaints_answered_in_time", tree.vaxjo, year_period(2024)))
    assert got == {
        (tree.vux_unit.pk, "T"): (2, 3),
        (tree.vux_unit.pk, "K"): (1, 1),
        (tree.vux.pk, "T"): (2, 3),
        (tree.vux.pk, "K"): (1, 1),
        (tree.bof_unit.pk, "T"): (0, 1),
        (tree.bof.pk, "T"): (0, 1),
        (tree.aov.pk, "T"): (2, 4),
        (tree.aov.pk, "K"): (1, 1),
        (tree.vaxjo.pk, "T"): (2, 5),
        (tree.vaxjo.pk, "K"): (1, 1),
    }
    assert compute("complaints_answered_in_time", tree.vaxjo, year_period(2019)) == []
    assert compute("complaints_answered_in_time", tree.kalmar, year_period(2024)) == []


def test_complaint_not_yet_due_is_left_out(tree: Tree, staff: Staff) -> None:
    today = timezone.localdate()
    complaint(tree, S.ASSIGNED, today, today + dt.timedelta(days=14), None)
    complaint(tree, S.ANSWERED, today, today + dt.timedelta(days=14), today)
    period = Period("rolling12", today - dt.timedelta(days=30), today)
    got = by_key(compute("complaints_answered_in_time", tree.vaxjo, period))
    assert got[(tree.vaxjo.pk, "T")] == (1, 1)


def _at(day: dt.date, hour: int, minute: int = 30) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_default_timezone())


def test_lex_sarah_reports_counted_by_local_day(tree: Tree, staff: Staff) -> None:
    man = intervention(tree.bof_unit, OPV(), started_on=D(2023, 1, 1), sex="M")
    for unit, reported_at, client in [
        (tree.vux_unit, _at(D(2024, 1, 1), 0), None),  # just after local midnight: in
        (tree.vux_unit, _at(D(2024, 12, 31), 23), None),  # last evening: in
        (tree.bof_unit, _at(D(2024, 6, 1), 12), man.case.client),
        (tree.vux_unit, _at(D(2025, 1, 1), 0), None),  # 2024-12-31 23:30 UTC, but 2025 here
        (tree.vux_unit, _at(D(2023, 12, 31), 23), None),  # last year
    ]:
        r = lf.report(staff.case_worker, tree.vux_unit)
        LexSarahReport.objects.filter(pk=r.pk).update(
            unit=unit, client=client, reported_at=reported_at
        )
    cells = compute("lex_sarah_reports", tree.vaxjo, year_period(2024))
    got = {(c.unit_id, c.sex): (c.value, c.numerator, c.denominator) for c in cells}
    assert got == {
        (tree.vux_unit.pk, "T"): (2, None, 2),
        (tree.vux.pk, "T"): (2, None, 2),
        (tree.bof_unit.pk, "T"): (1, None, 1),
        (tree.bof_unit.pk, "M"): (1, None, 1),
        (tree.bof.pk, "T"): (1, None, 1),
        (tree.bof.pk, "M"): (1, None, 1),
        (tree.aov.pk, "T"): (3, None, 3),
        (tree.aov.pk, "M"): (1, None, 1),
        (tree.vaxjo.pk, "T"): (3, None, 3),
        (tree.vaxjo.pk, "M"): (1, None, 1),
    }
    # no reports: no cell, never a 0
    assert compute("lex_sarah_reports", tree.vaxjo, year_period(2019)) == []
    assert compute("lex_sarah_reports", tree.kalmar, year_period(2024)) == []
