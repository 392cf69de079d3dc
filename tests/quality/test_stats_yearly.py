"""Yearly quality statistics against a hand-made year whose answers the test computes itself
(plain Python over the rows it created, never through the selectors), with the boundary days:
31 December and 1 January in local time, an answer on its due date, an item due on the last
day of the year."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from insyn.core.suppression import TOTAL, cube_relations
from insyn.core.suppression_check import derivable
from insyn.quality.models import ActionItem, Complaint, Deviation, LexSarahReport
from insyn.quality.selectors.stats import (
    OutOfScope,
    StatsError,
    municipality_for,
    parse_year,
    quality_year_stats,
)
from tests.clients.factories import client as make_client
from tests.quality import factories as f

YEAR = 2025
CATEGORIES = ["handlaggning", "dokumentation", "bemotande", "hot_vald"]
THEMES = ["bemotande", "beslut", None]


@dataclass
class Year:
    tree: Any
    staff: Any


@pytest.fixture
def year(tree, staff, catalogues, officer) -> Year:
    """A year of rows in Växjö (two units), a few around it, and some in Kalmar."""
    rng = random.Random(7)
    units = [tree.vux_unit, tree.bof_unit]
    reporter = staff.case_worker
    clients = [make_client(tree.vux_unit, client_ref=f"c{i}") for i in range(8)]
    # boundary deviations
    f.deviation(tree.vux_unit, reporter, reported_at=f.local(2025, 1, 1, 0, 5))
    f.deviation(tree.vux_unit, reporter, reported_at=f.local(2024, 12, 31, 23, 55))
    f.deviation(
        tree.bof_unit, reporter, reported_at=f.local(2025, 12, 31, 23, 59), category="dokumentation"
    )
    f.deviation(tree.bof_unit, reporter, reported_at=f.local(2026, 1, 1, 0, 0))
    for _ in range(60):
        reported = f.local(YEAR, rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23))
        f.deviation(
            rng.choice(units),
            reporter,
            reported_at=reported,
            category=rng.choice(CATEGORIES),
            client=rng.choice(clients) if rng.random() < 0.6 else None,
            state=rng.choice(list(Deviation.State.values)),
        )
    f.deviation(tree.kalmar_unit, staff.kalmar_case_worker, reported_at=f.local(YEAR, 5, 5))

    # lex Sarah
    ls = f.lex_sarah
    ls(tree.vux_unit, reporter, reported_at=f.local(2025, 1, 1, 0, 1))
    ls(tree.vux_unit, reporter, reported_at=f.local(2024, 12, 31, 23, 59))
    ls(
        tree.vux_unit,
        reporter,
        reported_at=f.local(2024, 11, 3),
        investigation_done_on=dt.date(2025, 1, 1),
        serious=True,
        seriousness_decided_on=dt.date(2024, 12, 31),
        ivo_notified_on=dt.date(2025, 1, 1),
    )
    ls(
        tree.bof_unit,
        reporter,
        reported_at=f.local(2025, 3, 3),
        investigation_done_on=dt.date(2025, 12, 31),
        serious=True,
        seriousness_decided_on=dt.date(2025, 12, 31),
        ivo_notified_on=dt.date(2026, 1, 2),
    )
    ls(
        tree.bof_unit,
        reporter,
        reported_at=f.local(2025, 4, 4),
        state=LexSarahReport.State.CLOSED,
        non_case_position="Inget missförhållande.",
        closed_on=dt.date(2025, 6, 1),
    )
    ls(
        tree.bof_unit,
        reporter,
        reported_at=f.local(2025, 5, 5),
        serious=False,
        seriousness_decided_on=dt.date(2025, 6, 6),
        investigation_done_on=dt.date(2026, 1, 1),
    )
    ls(
        tree.kalmar_unit,
        staff.kalmar_case_worker,
        reported_at=f.local(YEAR, 5, 5),
        investigation_done_on=dt.date(YEAR, 6, 1),
    )

    # complaints
    c = f.complaint
    c(
        tree.vux_unit,
        received_on=dt.date(2025, 12, 31),
        answer_due_on=dt.date(2026, 1, 14),
        answered_on=dt.date(2026, 1, 14),
        theme="beslut",
    )  # answered on the due date: in time
    c(
        tree.vux_unit,
        received_on=dt.date(2025, 1, 1),
        answer_due_on=dt.date(2025, 1, 15),
        answered_on=dt.date(2025, 1, 16),
        theme="bemotande",
    )  # a day late
    c(tree.vux_unit, received_on=dt.date(2024, 12, 31), answered_on=dt.date(2025, 1, 2))
    c(tree.bof_unit, received_on=dt.date(2026, 1, 1))
    for _ in range(25):
        received = dt.date(YEAR, rng.randint(1, 12), rng.randint(1, 28))
        due = received + dt.timedelta(days=14)
        answered = None if rng.random() < 0.3 else received + dt.timedelta(days=rng.randint(1, 20))
        c(
            rng.choice(units),
            received_on=received,
            answer_due_on=due,
            answered_on=answered,
            theme=rng.choice(THEMES),
            kind=rng.choice(list(Complaint.Kind.values)),
        )
    c(tree.kalmar_unit, received_on=dt.date(YEAR, 3, 3), answered_on=dt.date(YEAR, 3, 4))

    # action items
    owner = staff.unit_manager
    plan = f.plan(tree.vux_unit, owner)
    other = f.plan(tree.bof_unit, owner)
    S = ActionItem.Status
    f.item(plan, owner, due_on=dt.date(2025, 12, 1), status=S.DONE, done_on=dt.date(2025, 12, 31))
    f.item(plan, owner, due_on=dt.date(2025, 12, 1), status=S.DONE, done_on=dt.date(2026, 1, 1))
    f.item(plan, owner, due_on=dt.date(2024, 12, 1), status=S.DONE, done_on=dt.date(2025, 1, 1))
    f.item(plan, owner, due_on=dt.date(2025, 12, 30))  # overdue at the year's end
    f.item(other, owner, due_on=dt.date(2025, 12, 31), status=S.ONGOING)  # due that very day
    f.item(other, owner, due_on=dt.date(2026, 3, 1))
    f.item(other, owner, due_on=dt.date(2025, 6, 1), status=S.CANCELLED)
    f.item(other, owner, due_on=dt.date(2025, 2, 1), status=S.ONGOING)
    kalmar_plan = f.plan(tree.kalmar_unit, staff.kalmar_case_worker)
    f.item(kalmar_plan, staff.kalmar_case_worker, due_on=dt.date(2025, 2, 1))
    return Year(tree, staff)


# --- the expected figures, computed here -----------------------------------------------------


def _in(rows: Any, municipality: Any) -> list[Any]:
    return [r for r in rows if r.unit.path.startswith(municipality.path)]


def expected(tree: Any, today: dt.date) -> dict[str, dict[str, int]]:
    vaxjo = tree.vaxjo
    out: dict[str, dict[str, int]] = {}
    devs = [
        d
        for d in _in(Deviation.objects.select_related("unit", "category"), vaxjo)
        if timezone.localtime(d.reported_at).year == YEAR
    ]
    out["deviations_by_category"] = dict(Counter(d.category.code for d in devs))
    out["deviations_by_category"]["all"] = len(devs)
    out["deviations_by_unit"] = dict(Counter(d.unit.code for d in devs))
    out["deviations_by_unit"]["all"] = len(devs)
    lex = _in(LexSarahReport.objects.select_related("unit"), vaxjo)

    def year_of(day: dt.date | None) -> int | None:
        return day.year if day else None

    out["lex_sarah"] = {
        "reports": sum(timezone.localtime(r.reported_at).year == YEAR for r in lex),
        "investigated": sum(
            year_of(r.investigation_done_on) == YEAR
            or (
                r.investigation_done_on is None
                and bool(r.non_case_position)
                and year_of(r.closed_on) == YEAR
            )
            for r in lex
        ),
        "serious": sum(
            r.serious is True and year_of(r.seriousness_decided_on) == YEAR for r in lex
        ),
        "notified_ivo": sum(year_of(r.ivo_notified_on) == YEAR for r in lex),
    }
    comps = [
        c
        for c in _in(Complaint.objects.select_related("unit", "theme"), vaxjo)
        if c.received_on.year == YEAR
    ]
    out["complaints_by_theme"] = dict(Counter(c.theme.code if c.theme else "none" for c in comps))
    out["complaints_by_theme"]["all"] = len(comps)
    out["complaints_by_kind"] = dict(Counter(c.kind for c in comps))
    answered = [c for c in comps if c.answered_on]
    out["complaints_answered"] = {
        "received": len(comps),
        "answered": len(answered),
        "answered_within_target": sum(c.answered_on <= c.answer_due_on for c in answered),
    }
    cutoff = min(dt.date(YEAR, 12, 31), today)
    items = [
        i
        for i in ActionItem.objects.select_related("plan__unit")
        if i.plan.unit.path.startswith(vaxjo.path)
    ]
    out["action_items"] = {
        "done": sum(i.status == "done" and i.done_on.year == YEAR for i in items),
        "overdue": sum(i.status in ("planned", "ongoing") and i.due_on < cutoff for i in items),
    }
    return out


def _nonzero(section: Any) -> dict[str, int]:
    return {line.key: line.value for line in section.lines if line.value}


@pytest.mark.parametrize("today", [dt.date(2026, 2, 1), dt.date(2025, 12, 1)])
def test_yearly_statistics_match_an_independent_count(year, today):
    want = expected(year.tree, today)
    got = quality_year_stats(municipality=year.tree.vaxjo, year=YEAR, today=today)
    for key in ("deviations_by_category", "deviations_by_unit", "complaints_by_theme"):
        assert _nonzero(got.section(key)) == {k: v for k, v in want[key].items() if v}, key
    for key in ("lex_sarah", "complaints_answered", "action_items", "complaints_by_kind"):
        section = got.section(key)
        assert {line.key: line.value for line in section.lines} == {
            k: want[key].get(k, 0) for k in (line.key for line in section.lines)
        }, key
    # the boundary rows, stated plainly
    assert got.section("lex_sarah").value("notified_ivo") == 1  # 1 Jan counts, 2 Jan next year
    assert want["lex_sarah"]["investigated"] == 3
    assert want["complaints_answered"]["answered_within_target"] >= 1
    expected_overdue = 2 if today.year > YEAR else 1  # 2 Feb item; 30 Dec only after 1 Dec
    assert got.section("action_items").value("overdue") == expected_overdue
    assert got.section("action_items").value("done") == 2


def test_every_file_says_its_source_and_period(year):
    got = quality_year_stats(municipality=year.tree.vaxjo, year=YEAR, today=dt.date(2026, 1, 5))
    about = got.about()
    assert about["period_start"] == "2025-01-01" and about["period_end"] == "2025-12-31"
    assert "Växjö" in about["source"] and about["municipality"] == "0780"
    assert got.records()[0][:2] == ["about", "source"]


def test_client_breakdown_is_suppressed_and_nothing_hidden_can_be_derived(year, settings):
    settings.INSYN_MIN_CELL = 3
    got = quality_year_stats(municipality=year.tree.vaxjo, year=YEAR)
    section = got.section("client_deviations_by_unit_month")
    assert section.personal
    # independent truth: (unit code, month) -> count and distinct clients
    counts: Counter[tuple[Any, Any]] = Counter()
    persons: dict[tuple[Any, Any], set[int]] = {}
    for d in Deviation.objects.filter(client__isnull=False, municipality=year.tree.vaxjo):
        local = timezone.localtime(d.reported_at)
        if local.year != YEAR:
            continue
        for key in (
            (d.unit.code, local.strftime("%Y-%m")),
            (d.unit.code, TOTAL),
            (TOTAL, local.strftime("%Y-%m")),
            (TOTAL, TOTAL),
        ):
            counts[key] += 1
            persons.setdefault(key, set()).add(d.client_id)

    def key_of(line_key: str) -> tuple[Any, Any]:
        unit, month = line_key.split("/")
        return (TOTAL if unit == "all" else unit, TOTAL if month == "all" else month)

    lines = {key_of(line.key): line for line in section.lines}
    assert set(lines) == set(counts)
    hidden = {k for k, line in lines.items() if line.suppressed}
    assert hidden, "the hand-made year has small cells"
    for key, line in lines.items():
        if line.suppressed:
            assert line.value is None
        else:
            assert line.value == counts[key]
            assert len(persons[key]) >= 3
    small = {k for k in counts if len(persons[k]) < 3}
    assert small <= hidden
    assert derivable(dict(counts), cube_relations(counts), hidden) == set()


def test_user_scope_and_lex_sarah_visibility(year):
    tree, staff = year.tree, year.staff
    lead = quality_year_stats(municipality=tree.vaxjo, year=YEAR, user=staff.quality_lead)
    assert lead.section("lex_sarah") is not None
    manager = quality_year_stats(municipality=tree.vaxjo, year=YEAR, user=staff.unit_manager)
    assert manager.section("lex_sarah") is None and not manager.lex_sarah_shown
    # the unit manager (Vuxen/missbruk) counts only the deviations of that subtree
    vux = [
        d
        for d in Deviation.objects.filter(unit=tree.vux_unit)
        if timezone.localtime(d.reported_at).year == YEAR
    ]
    assert manager.section("deviations_by_unit").value("all") == len(vux)
    assert manager.scope != "municipality"
    with pytest.raises(OutOfScope):
        municipality_for(staff.unit_manager, tree.kalmar.code)
    with pytest.raises(OutOfScope):
        municipality_for(staff.unit_manager, "9999")
    with pytest.raises(OutOfScope):
        quality_year_stats(municipality=tree.kalmar, year=YEAR, user=staff.quality_lead)


@pytest.mark.parametrize("raw", ["", "25", "20x5", "１９９９", "1999", "2101", "²０25", None])
def test_a_bad_year_is_refused_with_a_message(raw, english):
    with pytest.raises(StatsError) as exc:
        parse_year(raw)
    assert "year" in str(exc.value).lower()


def test_a_good_year_is_read():
    assert parse_year(" 2025 ") == 2025
