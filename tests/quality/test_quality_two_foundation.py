"""The shared pieces of quality management II: action plans from a control round or a risk
(one source at most, visible sources only), the dashboard-panel registry, the `insyn quality`
subcommand modules, and the database rules behind the new date and score fields."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from insyn.clients.models import Decision
from insyn.quality import dashboard_panels
from insyn.quality.models import ControlRound, ReviewTemplate, Risk
from insyn.quality.services import action_plans as services
from tests.clients import factories as cf
from tests.quality import action_plans_factories as f

pytestmark = pytest.mark.usefixtures("english", "catalogues")


def _risk(unit, user, **fields):
    return Risk.objects.create(
        municipality=unit.municipality,
        unit=unit,
        title=fields.pop("title", "Utredningar blir liggande vid sjukfrånvaro"),
        probability=fields.pop("probability", 3),
        severity=fields.pop("severity", 2),
        created_by=user,
        **fields,
    )


def _round(unit, user):
    template = ReviewTemplate.objects.create(code="t", title="Journalgranskning")
    return ControlRound.objects.create(
        municipality=unit.municipality,
        unit=unit,
        title="Egenkontroll våren",
        template=template,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 6, 30),
        created_by=user,
    )


def test_a_plan_from_a_risk_takes_the_risk_unit(tree, staff):
    risk = _risk(tree.vux_unit, staff.unit_manager)
    plan = services.action_plan_create(
        actor=staff.unit_manager,
        title="Ersättare vid frånvaro",
        problem="Utredningar står still",
        owner=staff.unit_manager,
        risk=risk,
    )
    assert plan.risk == risk and plan.unit == tree.vux_unit
    assert list(risk.action_plans.all()) == [plan]


def test_a_plan_from_a_control_round(tree, staff):
    control_round = _round(tree.vux_unit, staff.unit_manager)
    plan = services.action_plan_create(
        actor=staff.unit_manager,
        title="Barnsamtal",
        problem="Barnsamtal saknas i tre av tio akter",
        owner=staff.unit_manager,
        control_round=control_round,
    )
    assert plan.control_round == control_round


def test_two_sources_are_refused_and_nothing_is_created(tree, staff):
    risk = _risk(tree.vux_unit, staff.unit_manager)
    deviation = f.deviation(tree.vux_unit, staff.case_worker)
    with pytest.raises(ValidationError, match="at most one source"):
        services.action_plan_create(
            actor=staff.unit_manager,
            title="x",
            problem="y",
            owner=staff.unit_manager,
            risk=risk,
            deviation=deviation,
        )
    assert not risk.action_plans.exists()


def test_a_risk_outside_the_actors_scope_is_unknown(tree, staff):
    risk = _risk(tree.kalmar_unit, staff.kalmar_admin)
    with pytest.raises(ValidationError) as caught:
        services.action_plan_create(
            actor=staff.unit_manager,
            title="x",
            problem="y",
            owner=staff.unit_manager,
            risk=risk,
        )
    assert caught.value.message_dict == {"source": ["Unknown source."]}


def test_panels_come_in_order_and_a_panel_may_stay_away(tree, staff, monkeypatch):
    monkeypatch.setattr(dashboard_panels, "_PANELS", {})
    register = dashboard_panels.register_panel
    register(dashboard_panels.DashboardPanel("b", "b.html", lambda u, n, d: {"n": 2}, order=20))
    register(dashboard_panels.DashboardPanel("a", "a.html", lambda u, n, d: {"n": 1}, order=10))
    register(dashboard_panels.DashboardPanel("c", "c.html", lambda u, n, d: None, order=5))
    shown = dashboard_panels.panels_for(staff.unit_manager, None, dt.date(2026, 5, 1))
    assert shown == [("a.html", {"n": 1}), ("b.html", {"n": 2})]


def test_every_quality_cli_module_has_parsers_and_handlers():
    from insyn.quality import cli

    for module in cli.modules():
        assert callable(module.add_parsers)
        assert isinstance(module.HANDLERS, dict)


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"interrupted_on": dt.date(2025, 12, 31)}, "decision_interrupted_after_decided"),
        ({"resumed_on": dt.date(2026, 3, 1)}, "decision_resumed_after_interrupted"),
        (
            {"interrupted_on": dt.date(2026, 3, 1), "resumed_on": dt.date(2026, 2, 28)},
            "decision_resumed_after_interrupted",
        ),
        ({"executed_extent": 3}, "decision_executed_extent_needs_granted"),
        ({"ended_unexecuted_on": dt.date(2025, 12, 1)}, "decision_ended_after_decided"),
    ],
)
def test_the_database_refuses_impossible_execution_dates(tree, staff, fields, constraint):
    """The last line of defence under the services' messages (web, API and import)."""
    case = cf.case(cf.client(tree.vux_unit), opened_on=dt.date(2025, 12, 1))
    decision = cf.decision(case, decided_on=dt.date(2026, 1, 1), legal_basis="sol2025_assistance")
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        Decision.objects.filter(pk=decision.pk).update(**fields)


@pytest.mark.parametrize(("probability", "severity"), [(0, 2), (5, 2), (2, 0), (2, 5)])
def test_the_database_refuses_scores_outside_one_to_four(tree, staff, probability, severity):
    with pytest.raises(IntegrityError), transaction.atomic():
        _risk(tree.vux_unit, staff.unit_manager, probability=probability, severity=severity)
    assert not Risk.objects.exists()
