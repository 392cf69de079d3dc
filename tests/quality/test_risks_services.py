"""Risk services: registering makes the first assessment, reassessing adds history and copies
the score, bad input (0, 5, not a number, blank title, past date) changes nothing, the
workflows, concurrency, measures as action-plan items and the audit entries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from insyn.core.concurrency import VersionConflict
from insyn.core.models import ChangeEntry
from insyn.quality.models import ActionItem, ActionPlan, Risk, RiskAnalysis, RiskAssessment
from insyn.quality.services import risks as services
from tests.quality import risks_factories as f

pytestmark = pytest.mark.usefixtures("english", "catalogues")


def test_register_makes_the_first_assessment_and_audits(tree, staff):
    r = f.risk(tree.vux_unit, actor=staff.unit_manager, p=3, s=4, treatment="reduce")
    assert (r.probability, r.severity, r.state, r.version) == (3, 4, "active", 1)
    [a] = r.assessments.all()
    assert (a.probability, a.severity, a.treatment, a.assessed_by) == (
        3,
        4,
        "reduce",
        staff.unit_manager,
    )
    assert a.assessed_on == timezone.localdate()
    assert ChangeEntry.objects.filter(object_type="quality.risk", action="create").count() == 1
    entry = ChangeEntry.objects.get(object_type="quality.riskassessment")
    assert tree.vux_unit.path in entry.org_path or entry.org_paths  # placed with the unit


def test_reassess_adds_history_and_copies_the_score(tree, staff):
    r = f.risk(tree.vux_unit, actor=staff.unit_manager, p=4, s=4, treatment="reduce")
    later = timezone.localdate() + dt.timedelta(days=30)
    services.risk_reassess(
        actor=staff.quality_lead, risk=r, probability=2, severity=4, note="Larm", reassess_on=later
    )
    r.refresh_from_db()
    assert (r.probability, r.severity, r.treatment, r.reassess_on, r.version) == (
        2,
        4,
        "reduce",
        later,
        2,
    )
    history = list(r.assessments.order_by("id").values_list("probability", "severity"))
    assert history == [(4, 4), (2, 4)]
    assert ChangeEntry.objects.filter(object_type="quality.risk", action="reassess").exists()


@pytest.mark.parametrize(
    ("p", "s", "field"),
    [
        (0, 2, "probability"),
        (5, 2, "probability"),
        ("x", 2, "probability"),
        (2, 0, "severity"),
        (2, 5, "severity"),
        (2, "", "severity"),
        (True, 2, "probability"),
        (2.5, 2, "probability"),
    ],
)
def test_bad_scores_change_nothing(tree, staff, p, s, field):
    with pytest.raises(ValidationError) as exc:
        services.risk_register(
            actor=staff.unit_manager, unit=tree.vux_unit, title="T", probability=p, severity=s
        )
    assert field in exc.value.message_dict
    assert "1 to 4" in exc.value.message_dict[field][0]
    assert not Risk.objects.exists() and not RiskAssessment.objects.exists()
    r = f.risk(tree.vux_unit, actor=staff.unit_manager, p=2, s=2)
    before = ChangeEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.risk_reassess(actor=staff.unit_manager, risk=r, probability=p, severity=s)
    assert field in exc.value.message_dict
    r.refresh_from_db()
    assert (r.probability, r.severity, r.version, r.assessments.count()) == (2, 2, 1, 1)
    assert ChangeEntry.objects.count() == before


def test_blank_title_and_past_dates_change_nothing(tree, staff):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        services.risk_register(
            actor=staff.unit_manager,
            unit=tree.vux_unit,
            title="  ",
            probability=2,
            severity=2,
            reassess_on=yesterday,
        )
    assert set(exc.value.message_dict) == {"title", "reassess_on"}
    assert not Risk.objects.exists()
    r = f.risk(tree.vux_unit, actor=staff.unit_manager)
    with pytest.raises(ValidationError) as exc:
        services.risk_reassess(
            actor=staff.unit_manager, risk=r, probability=1, severity=1, reassess_on=yesterday
        )
    assert "reassess_on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.risk_update(actor=staff.unit_manager, risk=r, title="")
    assert "title" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.risk_update(actor=staff.unit_manager, risk=r, probability=4)  # only by reassess
    r.refresh_from_db()
    assert (r.probability, r.version, r.assessments.count()) == (2, 1, 1)


def test_workflow_close_reopen_and_illegal_steps(tree, staff):
    r = f.risk(tree.vux_unit, actor=staff.unit_manager)
    assert set(services.RISK_FLOW.pairs()) == {("active", "close"), ("closed", "reopen")}
    services.risk_transition(actor=staff.unit_manager, risk=r, action="close")
    with pytest.raises(ValidationError):
        services.risk_transition(actor=staff.unit_manager, risk=r, action="close")
    with pytest.raises(ValidationError):
        services.risk_reassess(actor=staff.unit_manager, risk=r, probability=1, severity=1)
    services.risk_transition(actor=staff.unit_manager, risk=r, action="reopen")
    r.refresh_from_db()
    assert r.state == "active" and r.version == 3
    with pytest.raises(ValidationError):
        services.risk_transition(actor=staff.unit_manager, risk=r, action="delete")


def test_optimistic_concurrency(tree, staff):
    r = f.risk(tree.vux_unit, actor=staff.unit_manager)
    services.risk_update(actor=staff.unit_manager, risk=r, title="Ny titel", expected_version=1)
    with pytest.raises(VersionConflict):
        services.risk_reassess(
            actor=staff.unit_manager, risk=r, probability=1, severity=1, expected_version=1
        )
    r.refresh_from_db()
    assert r.assessments.count() == 1 and r.version == 2


def test_scope_and_read_only_roles(tree, staff):
    with pytest.raises(Http404):
        f.risk(tree.bof_unit, actor=staff.unit_manager)  # manages VUX only
    with pytest.raises(Http404):
        f.risk(tree.vux_unit, actor=staff.case_worker)  # no handle_quality
    r = f.risk(tree.vux_unit, actor=staff.unit_manager)
    for user in (staff.case_worker, staff.analyst, staff.kalmar_admin):
        with pytest.raises(Http404):
            services.risk_reassess(actor=user, risk=r, probability=1, severity=1)
        with pytest.raises(Http404):
            services.risk_transition(actor=user, risk=r, action="close")
    assert r.assessments.count() == 1


def test_analysis_flow_and_adding_risks(tree, staff):
    a = f.analysis(tree.vux, actor=staff.unit_manager)
    inside = f.risk(tree.vux_unit, actor=staff.unit_manager, analysis=a)
    assert inside.analysis == a
    other = f.risk(tree.vux_unit, actor=staff.unit_manager)
    services.analysis_add_risk(actor=staff.unit_manager, analysis=a, risk=other)
    assert set(a.risks.all()) == {inside, other}
    outside = f.risk(tree.bof_unit, actor=staff.quality_lead)
    with pytest.raises(ValidationError):
        services.analysis_add_risk(actor=staff.quality_lead, analysis=a, risk=outside)
    services.analysis_transition(actor=staff.unit_manager, analysis=a, action="complete")
    a.refresh_from_db()
    assert a.state == RiskAnalysis.State.DONE
    with pytest.raises(ValidationError) as exc:
        f.risk(tree.vux_unit, actor=staff.unit_manager, analysis=a)
    assert "analysis" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.analysis_create(actor=staff.unit_manager, unit=tree.vux, title="", kind="x")


def test_measures_are_items_of_one_plan(tree, staff):
    r = f.risk(tree.vux_unit, actor=staff.unit_manager, owner=staff.unit_manager)
    due = timezone.localdate() + dt.timedelta(days=10)
    one = services.risk_add_measure(
        actor=staff.unit_manager, risk=r, activity="Larm", responsible=staff.case_worker, due_on=due
    )
    two = services.risk_add_measure(
        actor=staff.unit_manager,
        risk=r,
        activity="Utbildning",
        responsible=staff.case_worker,
        due_on=due,
    )
    assert one.plan == two.plan and one.plan.risk == r
    assert ActionPlan.objects.filter(risk=r).count() == 1
    assert ActionItem.objects.filter(plan__risk=r).count() == 2
    with pytest.raises(ValidationError):
        services.risk_add_measure(
            actor=staff.unit_manager,
            risk=r,
            activity="",
            responsible=staff.case_worker,
            due_on=due,
        )
    assert ActionItem.objects.filter(plan__risk=r).count() == 2
