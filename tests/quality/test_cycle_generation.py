"""Generating a year's tasks: counts per frequency (computed here independently), quarterly
month-within-quarter, every-other-year parity, days clamped to the month (leap years),
idempotence, and bad activities refused with a message and nothing written."""

from __future__ import annotations

import calendar
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from insyn.core.models import ChangeEntry
from insyn.quality.models import CycleActivity, CycleTask
from insyn.quality.services import cycle as services
from tests.quality import cycle_factories as f

pytestmark = pytest.mark.usefixtures("english")


def _expected(frequency: str, month: int | None, day: int, year: int, first: int | None):
    """Independent of the service: the due dates the brief describes."""
    if frequency == "monthly":
        months = list(range(1, 13))
    elif frequency == "quarterly":
        months = [month, month + 3, month + 6, month + 9]
    elif frequency == "yearly":
        months = [month]
    else:
        months = [month] if (year % 2) == (first % 2) else []
    out = []
    for m in months:
        last = 31
        while True:
            try:
                dt.date(year, m, last)
                break
            except ValueError:
                last -= 1
        out.append(dt.date(year, m, min(day, last)))
    return out


@pytest.mark.parametrize(
    ("frequency", "month", "day", "first", "count"),
    [
        ("monthly", None, 31, None, 12),
        ("quarterly", 2, 30, None, 4),
        ("quarterly", 3, 31, None, 4),
        ("yearly", 2, 31, None, 1),
        ("biennial", 10, 31, 2026, 1),
        ("biennial", 10, 31, 2025, 0),
    ],
)
def test_generation_counts_and_dates_per_frequency(tree, frequency, month, day, first, count):
    year = 2026
    a = f.activity(tree.aov, frequency=frequency, month=month, day=day, first_year=first)
    made = f.tasks(year)
    assert len(made) == count
    assert [t.due_on for t in made] == _expected(frequency, month, day, year, first)
    assert all(t.activity_id == a.pk and t.year == year for t in made)
    assert all(t.status == CycleTask.Status.PLANNED for t in made)


def test_quarterly_month_within_quarter(tree):
    f.activity(tree.aov, frequency="quarterly", month=3, day=31)
    assert [t.due_on for t in f.tasks(2026)] == [
        dt.date(2026, 3, 31),
        dt.date(2026, 6, 30),
        dt.date(2026, 9, 30),
        dt.date(2026, 12, 31),
    ]


def test_biennial_parity_over_years(tree):
    f.activity(tree.aov, frequency="biennial", month=10, day=1, first_year=2024)
    for year in range(2020, 2031):
        services.generate_tasks(actor=None, year=year)
    years = sorted(CycleTask.objects.values_list("year", flat=True))
    assert years == [y for y in range(2020, 2031) if y % 2 == 0]


@pytest.mark.parametrize(("year", "expected"), [(2024, 29), (2025, 28), (2100, 28), (2000, 29)])
def test_day_31_in_february_is_clamped(tree, year, expected):
    f.activity(tree.aov, frequency="yearly", month=2, day=31)
    (task,) = f.tasks(year)
    assert task.due_on == dt.date(year, 2, expected)
    assert expected == calendar.monthrange(year, 2)[1]


def test_generation_is_idempotent_and_keeps_statuses(tree, staff):
    a = f.activity(tree.aov, frequency="monthly", day=10, responsible=staff.quality_lead)
    created, existing = services.generate_tasks(actor=None, year=2026)
    assert (created, existing) == (12, 0)
    first = CycleTask.objects.order_by("due_on").first()
    assert first is not None and first.responsible == staff.quality_lead
    services.task_transition(actor=None, task=first, action="complete", done_on=first.due_on)
    services.task_update(actor=None, task=first, note="Klart på APT")
    # a later change of the activity's day does not duplicate the months' tasks
    services.activity_update(actor=None, activity=a, day=20)
    assert services.generate_tasks(actor=None, year=2026) == (0, 12)
    assert CycleTask.objects.count() == 12
    first.refresh_from_db()
    assert first.status == "done" and first.note == "Klart på APT"
    assert first.due_on == dt.date(2026, 1, 10)


def test_inactive_activities_and_other_units_are_left_out(tree, staff):
    f.activity(tree.aov, active=False)
    f.activity(tree.kalmar_unit)
    mine = f.activity(tree.vux_unit)
    created, _existing = services.generate_tasks(actor=staff.unit_manager, year=2026)
    assert created == 1
    assert list(CycleTask.objects.values_list("activity_id", flat=True)) == [mine.pk]


def test_generation_records_each_task(tree):
    f.activity(tree.aov, frequency="quarterly", month=1)
    f.tasks(2026)
    assert (
        ChangeEntry.objects.filter(object_type="quality.cycletask", action="generate").count() == 4
    )


def test_bad_year_is_refused(tree):
    f.activity(tree.aov)
    for year in (1999, 2101, "2026"):
        with pytest.raises(ValidationError) as exc:
            services.generate_tasks(actor=None, year=year)
        assert "year" in exc.value.message_dict
    assert not CycleTask.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"month": 13}, "month"),
        ({"month": 0}, "month"),
        ({"day": 0}, "day"),
        ({"day": 32}, "day"),
        ({"frequency": "biennial", "first_year": None}, "first_year"),
        ({"frequency": "quarterly", "month": 4}, "month"),
        ({"frequency": "yearly", "month": None}, "month"),
        ({"frequency": "weekly"}, "frequency"),
        ({"title": "  "}, "title"),
        ({"code": "Med mellanslag"}, "code"),
        ({"reported_to": "press"}, "reported_to"),
    ],
)
def test_bad_activity_input_is_refused_and_nothing_changes(tree, changes, field):
    entries = ChangeEntry.objects.count()
    data = {"code": "ny", "title": "Ny", "frequency": "yearly", "month": 3, "day": 1, **changes}
    with pytest.raises(ValidationError) as exc:
        services.activity_create(actor=None, unit=tree.aov, **data)
    assert field in exc.value.message_dict
    assert not CycleActivity.objects.exists()
    existing = f.activity(tree.aov)
    before = (existing.version, ChangeEntry.objects.count())
    with pytest.raises(ValidationError) as exc:
        services.activity_update(actor=None, activity=existing, **{**changes})
    assert field in exc.value.message_dict
    existing.refresh_from_db()
    assert (existing.version, ChangeEntry.objects.count()) == before
    assert entries <= before[1]


def test_messages_are_swedish_by_default(tree):
    with translation.override("sv"), pytest.raises(ValidationError) as exc:
        services.activity_create(
            actor=None, unit=tree.aov, code="x", title="X", frequency="yearly", month=13, day=0
        )
    messages = exc.value.message_dict
    assert messages["month"] == ["Ange en månad mellan 1 och 12."]
    assert messages["day"] == ["Ange en dag i månaden mellan 1 och 31."]


def test_duplicate_code_in_the_municipality(tree):
    f.activity(tree.aov, code="samma")
    with pytest.raises(ValidationError) as exc:
        f.activity(tree.vux_unit, code="samma")
    assert "code" in exc.value.message_dict
    f.activity(tree.kalmar_unit, code="samma")  # another municipality: fine


def test_install_default_is_idempotent(tree, staff):
    rows = services.default_cycle()
    assert len({r["code"] for r in rows}) == len(rows) >= 15
    created, there = services.install_default(actor=staff.quality_lead, unit=tree.aov)
    assert (created, there) == (len(rows), 0)
    assert services.install_default(actor=staff.quality_lead, unit=tree.aov) == (0, len(rows))
    kinds = set(CycleActivity.objects.values_list("linked", flat=True))
    assert {"survey_round", "control_round", "open_comparisons", "quality_report"} <= kinds
    freqs = set(CycleActivity.objects.values_list("frequency", flat=True))
    assert freqs == {"monthly", "quarterly", "yearly", "biennial"}
    report = CycleActivity.objects.get(code="kvalitetsberattelse")
    assert report.reported_to == "committee" and report.month in (2, 3)


def test_install_needs_handle_quality(tree, staff):
    from django.http import Http404

    with pytest.raises(Http404):
        services.install_default(actor=staff.case_worker, unit=tree.aov)
    assert not CycleActivity.objects.exists()
