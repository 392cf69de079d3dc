"""Automatic enrolment by inclusion and sampling rules; occasions scheduled per stage."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from insyn.core.models import ChangeEntry
from insyn.followup import services
from insyn.followup.models import Enrollment, Occasion, Programme
from tests.followup.factories import catalogue_basics, intervention, programme

TODAY = dt.date.today()


@pytest.fixture
def basics(tree, catalogues):
    return catalogue_basics()


def test_started_intervention_of_included_type_is_enrolled_with_occasions(tree, staff, basics):
    p = programme(tree.vaxjo, types=[basics["opv"]])
    i = intervention(tree.vux_unit, basics["opv"], started_on=TODAY - dt.timedelta(days=3))
    created = services.intervention_changed(actor=staff.case_worker, intervention=i)
    assert [e.programme for e in created] == [p]
    enrollment = created[0]
    assert enrollment.method == "automatic" and enrollment.unit == tree.vux_unit
    before, after = enrollment.occasions.order_by("stage__sort_order")
    assert before.due_on == i.started_on and before.window_start == i.started_on - dt.timedelta(
        days=14
    )
    assert before.status == Occasion.Status.DUE
    assert (
        after.due_on is None and after.status == Occasion.Status.PLANNED
    )  # waits for the end date
    assert (
        ChangeEntry.objects.filter(object_type="followup.enrollment", action="create").count() == 1
    )


def test_end_date_schedules_the_after_stage(tree, staff, basics):
    programme(tree.vaxjo)
    i = intervention(tree.vux_unit, basics["opv"], started_on=TODAY - dt.timedelta(days=100))
    services.intervention_changed(actor=staff.case_worker, intervention=i)
    i.ended_on = TODAY - dt.timedelta(days=35)
    i.save()
    assert services.intervention_changed(actor=staff.case_worker, intervention=i) == []
    after = Occasion.objects.get(stage__key="after", enrollment__intervention=i)
    assert after.due_on == i.ended_on + dt.timedelta(days=30)
    assert after.status == Occasion.Status.DUE


def test_not_started_other_type_or_other_unit_is_not_enrolled(tree, staff, basics):
    programme(tree.vux, types=[basics["opv"]])
    not_started = intervention(tree.vux_unit, basics["opv"], started_on=None)
    other_type = intervention(tree.vux_unit, basics["hvb"], started_on=TODAY)
    other_unit = intervention(tree.bof_unit, basics["opv"], started_on=TODAY)
    for i in (not_started, other_type, other_unit):
        assert services.intervention_changed(actor=None, intervention=i) == []
    assert not Enrollment.objects.exists()


def test_draft_programme_and_manual_programme_do_not_enrol(tree, basics):
    programme(tree.vaxjo, key="draft", published=False)
    manual = programme(tree.vaxjo, key="manual")
    manual.auto_enroll = False
    manual.save()
    i = intervention(tree.vux_unit, basics["opv"], started_on=TODAY)
    assert services.intervention_changed(actor=None, intervention=i) == []


@pytest.mark.parametrize(
    ("birth_day", "enrolled"), [(5, True), (15, True), (25, True), (6, False), (24, False)]
)
def test_birth_day_sampling(tree, basics, birth_day, enrolled):
    programme(tree.vaxjo, sampling=Programme.Sampling.BIRTH_DAYS, sampling_days=[5, 15, 25])
    i = intervention(
        tree.vux_unit, basics["opv"], started_on=TODAY, birth_date=dt.date(1975, 3, birth_day)
    )
    assert bool(services.intervention_changed(actor=None, intervention=i)) is enrolled


@pytest.mark.parametrize(
    ("start", "enrolled"), [(dt.date(2025, 1, 6), True), (dt.date(2025, 1, 13), False)]
)
def test_even_week_sampling(tree, basics, start, enrolled):
    # 2025-01-06 is in ISO week 2, 2025-01-13 in week 3
    programme(tree.vaxjo, sampling=Programme.Sampling.EVEN_WEEKS)
    i = intervention(tree.vux_unit, basics["opv"], started_on=start)
    assert bool(services.intervention_changed(actor=None, intervention=i)) is enrolled


def test_period_sampling(tree, basics):
    p = programme(tree.vaxjo, sampling=Programme.Sampling.PERIOD)
    p.sampling_from, p.sampling_to = dt.date(2025, 1, 1), dt.date(2025, 3, 31)
    p.save()
    inside = intervention(tree.vux_unit, basics["opv"], started_on=dt.date(2025, 3, 31))
    outside = intervention(tree.vux_unit, basics["opv"], started_on=dt.date(2025, 4, 1))
    assert services.intervention_changed(actor=None, intervention=inside)
    assert not services.intervention_changed(actor=None, intervention=outside)


def test_newest_published_version_is_used_and_enrolment_happens_once(tree, basics):
    programme(tree.vaxjo, key="k")
    v2 = programme(tree.vaxjo, key="k", version=2)
    i = intervention(tree.vux_unit, basics["opv"], started_on=TODAY)
    created = services.intervention_changed(actor=None, intervention=i)
    assert [e.programme.version for e in created] == [2]
    assert services.intervention_changed(actor=None, intervention=i) == []
    with pytest.raises(ValidationError):
        services.enrollment_create(actor=None, programme=v2, intervention=i)


def test_programme_of_another_municipality_never_applies(tree, basics):
    programme(tree.kalmar)
    i = intervention(tree.vux_unit, basics["opv"], started_on=TODAY)
    assert services.intervention_changed(actor=None, intervention=i) == []


def test_manual_enrolment_checks_scope(tree, staff, basics):
    p = programme(tree.vaxjo)
    p.auto_enroll = False
    p.save()
    i = intervention(tree.vux_unit, basics["opv"], started_on=TODAY)
    with pytest.raises(Http404):
        services.enrollment_create(actor=staff.other_case_worker, programme=p, intervention=i)
    e = services.enrollment_create(actor=staff.case_worker, programme=p, intervention=i)
    assert e.method == "manual" and e.occasions.count() == 2


def test_refresh_moves_statuses_along(tree, basics):
    programme(tree.vaxjo)
    i = intervention(tree.vux_unit, basics["opv"], started_on=TODAY)
    services.intervention_changed(actor=None, intervention=i)
    before = Occasion.objects.get(stage__key="before")
    assert before.status == "due"
    assert services.occasions_refresh(TODAY + dt.timedelta(days=15)) == 1
    before.refresh_from_db()
    assert before.status == "overdue"
    assert services.occasions_refresh(TODAY - dt.timedelta(days=15)) == 1
    before.refresh_from_db()
    assert before.status == "planned"


def test_refresh_records_one_change_entry_per_occasion_moved(tree, basics):
    from insyn.core.models import ChangeEntry

    programme(tree.vaxjo)
    for _ in range(2):
        i = intervention(tree.vux_unit, basics["opv"], started_on=TODAY)
        services.intervention_changed(actor=None, intervention=i)
    moved = Occasion.objects.filter(stage__key="before").select_related("enrollment")
    assert {o.status for o in moved} == {"due"}
    last = ChangeEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    assert services.occasions_refresh(TODAY + dt.timedelta(days=15)) == 2
    entries = ChangeEntry.objects.filter(id__gt=last).order_by("object_id")
    assert [(e.action, e.object_type, e.object_id, e.client_id, e.org_path) for e in entries] == [
        ("status", "followup.occasion", str(o.pk), o.enrollment.client_id, tree.vux_unit.path)
        for o in sorted(moved, key=lambda o: str(o.pk))
    ]
    assert {(e.before["status"], e.after["status"]) for e in entries} == {("due", "overdue")}
    # Nothing left to move: no entries.
    assert services.occasions_refresh(TODAY + dt.timedelta(days=15)) == 0
    assert ChangeEntry.objects.filter(id__gt=entries.last().id).count() == 0
