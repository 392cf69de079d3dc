"""The quarterly de-identified summary and the yearly statistics: counts computed
independently in the test (by hand from the known dates), suppression below INSYN_MIN_CELL."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.test import override_settings

from insyn.core.suppression import TOTAL
from insyn.quality.selectors import non_executed as sel
from insyn.quality.selectors import stats as year_stats
from insyn.quality.selectors.non_executed_summary import quarter_summary
from tests.quality import non_executed_factories as nf

D = dt.date
Q3 = sel.Quarter(2026, 3)


@pytest.fixture
def many(tree, catalogues):
    """Twelve late decisions (women and men, two types, three wait bands) and noise."""
    u = tree.vux_unit
    spec = [
        # (decided, sex, type, executed) -> days at 30 Sep 2026 or to execution
        (D(2026, 5, 1), "K", "opv_adults_structured", None),  # 152 -> 90-179
        (D(2026, 5, 2), "K", "opv_adults_structured", None),  # 151
        (D(2026, 5, 3), "M", "opv_adults_structured", None),  # 150
        (D(2026, 5, 4), "M", "opv_adults_structured", None),  # 149
        (D(2026, 5, 5), "K", "opv_adults_structured", D(2026, 9, 1)),  # 119, executed in Q3
        (D(2026, 1, 5), "K", "opv_adults_structured", None),  # 268 -> 180-364
        (D(2026, 1, 6), "M", "opv_adults_structured", None),  # 267
        (D(2026, 1, 7), "K", "housing_support", None),  # 266
        (D(2025, 8, 1), "M", "housing_support", None),  # 425 -> 365-729
        (D(2025, 8, 2), "K", "housing_support", None),  # 424
        (D(2025, 8, 3), "K", "housing_support", None),  # 423
        (D(2025, 8, 4), "M", "housing_support", None),  # 422
    ]
    made = [nf.quick(u, d, sex=s, intervention=t, executed_on=x) for d, s, t, x in spec]
    # noise: executed in time, executed before Q3 began, not reportable basis
    nf.quick(u, D(2026, 5, 1), executed_on=D(2026, 7, 1))
    nf.quick(u, D(2026, 1, 1), executed_on=D(2026, 6, 1))
    nf.quick(u, D(2026, 1, 1), basis=nf.NOT_REPORTABLE)
    return spec, made


def _expected(spec):
    by_type, by_band = Counter(), Counter()
    for decided, sex, itype, executed in spec:
        days = ((executed or Q3.end) - decided).days
        band = "90-179" if days < 180 else "180-364" if days < 365 else "365-729"
        for t in (itype, TOTAL):
            for s in (sex, TOTAL):
                by_type[(t, s)] += 1
        for b in (band, TOTAL):
            for s in (sex, TOTAL):
                by_band[(b, s)] += 1
    return by_type, by_band


@override_settings(INSYN_MIN_CELL=1)
def test_summary_matches_hand_counts(many) -> None:
    spec, _made = many
    summary = quarter_summary(sel.reportable_decisions(), many[1][0].case.municipality, Q3)
    by_type, by_band = _expected(spec)
    t_type, t_band = summary.tables
    from insyn.clients.models import InterventionType

    ids = dict(InterventionType.objects.values_list("code", "pk"))
    for (itype, sex), n in by_type.items():
        row = ids[itype] if itype is not TOTAL else TOTAL
        assert t_type.cell(row, sex) == n, (itype, sex)
    for key, n in by_band.items():
        assert t_band.cell(*key) == n, key
    assert summary.total == 12
    assert summary.source and "2026Q3" in summary.period


@override_settings(INSYN_MIN_CELL=3)
def test_summary_suppresses_small_cells(many) -> None:
    summary = quarter_summary(sel.reportable_decisions(), many[1][0].case.municipality, Q3)
    t_band = summary.tables[1]
    # the 365-729 band: 2 women, 2 men -> both under 3, hidden; the total row stays
    assert t_band.cell("365-729", "K") is None
    assert t_band.cell("365-729", "M") is None
    assert t_band.cell(TOTAL, TOTAL) == 12
    for table in summary.tables:
        for key, value in table.cells.items():
            if value is not None and value > 0:
                assert value >= 3 or key == (TOTAL, TOTAL)
    assert any("3" in v for v in summary.about().values())


@override_settings(INSYN_MIN_CELL=1)
def test_yearly_stats_section(many, tree) -> None:
    result = year_stats.quality_year_stats(
        municipality=tree.vaxjo, year=2026, today=D(2026, 12, 31)
    )
    section = result.section("non_executed")
    assert section is not None
    # independently: every decision of the spec is listed in some 2026 quarter; the three
    # decided in 2025 too; the one executed 1 Sep is late; plus the noise decision executed
    # 1 Jun 2026 after a deadline of 1 Apr: on the Q2 list, executed late in the year
    assert section.value("reported_not_executed") == 13
    assert section.value("executed_late") == 2
    assert section.value("open_at_year_end") == 11
    assert section.value("reported_total") == 13


@override_settings(INSYN_MIN_CELL=5)
def test_yearly_stats_suppressed(many, tree) -> None:
    result = year_stats.quality_year_stats(
        municipality=tree.vaxjo, year=2026, today=D(2026, 12, 31)
    )
    section = result.section("non_executed")
    lines = {line.key: line for line in section.lines}
    assert lines["executed_late"].value is None and lines["executed_late"].suppressed
    assert lines["open_at_year_end"].value is None  # its complement in the same table
