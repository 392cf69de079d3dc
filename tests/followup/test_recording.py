"""Recording occasions and goals: validated, audited, idempotent, scoped."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from insyn.core.models import ChangeEntry
from insyn.followup import services
from insyn.followup.models import Enrollment, Goal, NonResponseReason, Occasion, Value
from tests.followup.factories import audit_items, catalogue_basics, intervention, programme

TODAY = dt.date.today()


@pytest.fixture
def enrollment(tree, staff, catalogues):
    basics = catalogue_basics()
    programme(tree.vaxjo)
    i = intervention(
        tree.vux_unit,
        basics["opv"],
        started_on=TODAY - dt.timedelta(days=2),
        case_worker=staff.case_worker,
    )
    return services.intervention_changed(actor=staff.case_worker, intervention=i)[0]


def _before(e: Enrollment) -> Occasion:
    return e.occasions.get(stage__key="before")


def test_record_before_with_items_then_rerecord_is_a_no_op(enrollment, staff):
    occasion = _before(enrollment)
    values = audit_items([2, 1, 1, 1, 1, 0, 0, 0, 2, 0]) | {"problem_days": "12", "housing": "yes"}
    services.occasion_record(
        actor=staff.case_worker, occasion=occasion, values=values, done_on=TODAY
    )
    occasion.refresh_from_db()
    assert occasion.status == "done" and occasion.recorded_by == staff.case_worker
    total = Value.objects.get(occasion=occasion, variable__key="audit", item__isnull=True)
    assert total.number == 8
    entry = ChangeEntry.objects.get(object_type="followup.occasion", action="record")
    assert entry.after["values"]["audit"] == 8 and entry.after["values"]["audit.q1"] == "2"
    assert entry.client_id == enrollment.client_id
    count = ChangeEntry.objects.count()
    services.occasion_record(
        actor=staff.case_worker, occasion=occasion, values=values, done_on=TODAY
    )
    assert ChangeEntry.objects.count() == count


def test_bad_value_changes_nothing(enrollment, staff):
    occasion = _before(enrollment)
    with pytest.raises(ValidationError) as exc:
        services.occasion_record(
            actor=staff.case_worker,
            occasion=occasion,
            values={"audit": "12", "problem_days": "45"},
            done_on=TODAY,
        )
    assert "problem_days" in exc.value.message_dict
    occasion.refresh_from_db()
    assert occasion.status != "done" and not occasion.values.exists()
    with pytest.raises(ValidationError):
        services.occasion_record(
            actor=staff.case_worker,
            occasion=occasion,
            values={"audit": "3"},
            done_on=TODAY + dt.timedelta(days=1),
        )


def test_outsiders_cannot_record(enrollment, staff):
    for outsider in (
        staff.other_case_worker,
        staff.kalmar_case_worker,
        staff.analyst,
        staff.quality_lead,
    ):
        with pytest.raises(Http404):
            services.occasion_record(
                actor=outsider, occasion=_before(enrollment), values={"audit": "3"}, done_on=TODAY
            )


def test_non_response_then_reopen(enrollment, staff):
    occasion = _before(enrollment)
    reason = NonResponseReason.objects.get(code="declined")
    services.occasion_mark_missed(
        actor=staff.case_worker, occasion=occasion, reason=reason, note="ville inte"
    )
    occasion.refresh_from_db()
    assert occasion.status == "missed" and occasion.non_response_reason == reason
    services.occasion_reopen(actor=staff.case_worker, occasion=occasion)
    occasion.refresh_from_db()
    assert occasion.status == "due" and occasion.non_response_reason is None


def test_enrollment_completes_when_no_occasion_is_open(enrollment, staff):
    services.occasion_record(
        actor=staff.case_worker, occasion=_before(enrollment), values={"audit": "9"}, done_on=TODAY
    )
    after = enrollment.occasions.get(stage__key="after")
    services.occasion_mark_missed(
        actor=staff.case_worker, occasion=after, reason=NonResponseReason.objects.get(code="moved")
    )
    enrollment.refresh_from_db()
    assert enrollment.status == "completed"


def test_goal_baseline_comes_from_the_before_value_and_assessment(enrollment, staff):
    services.occasion_record(
        actor=staff.case_worker,
        occasion=_before(enrollment),
        values={"audit": "14", "problem_days": "20"},
        done_on=TODAY,
    )
    days = enrollment.programme.variables.get(key="problem_days")
    goal = services.goal_set(
        actor=staff.case_worker,
        enrollment=enrollment,
        text="Färre dagar med alkohol",
        variable=days,
        target=5,
    )
    assert goal.baseline == 20 and goal.direction == "lower"
    services.goal_assess(actor=staff.case_worker, goal=goal, outcome="partly", assessed_on=TODAY)
    goal.refresh_from_db()
    assert goal.outcome == "partly"
    with pytest.raises(ValidationError):
        services.goal_assess(actor=staff.case_worker, goal=goal, outcome="maybe")


def test_goal_validation_and_idempotent_ref(enrollment, staff):
    days = enrollment.programme.variables.get(key="problem_days")
    with pytest.raises(ValidationError) as exc:
        services.goal_set(
            actor=staff.case_worker, enrollment=enrollment, text="", variable=days, target=45
        )
    assert {"text", "target"} <= set(exc.value.message_dict)
    g1 = services.goal_set(
        actor=staff.case_worker,
        enrollment=enrollment,
        text="Mål",
        variable=days,
        target=5,
        goal_ref="G1",
    )
    count = ChangeEntry.objects.count()
    g2 = services.goal_set(
        actor=staff.case_worker,
        enrollment=enrollment,
        text="Mål",
        variable=days,
        target=5,
        goal_ref="G1",
        set_on=g1.set_on,
    )
    assert g1.pk == g2.pk and Goal.objects.count() == 1 and ChangeEntry.objects.count() == count
