"""Action plans through their services: the item state machine (every pair), who may do what,
which sources one may link, follow-up and closing. Nothing changes when a write is refused."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from insyn.core.concurrency import VersionConflict
from insyn.core.models import ChangeEntry
from insyn.quality.models import ActionItem, ActionPlan
from insyn.quality.services import action_plans as services
from tests.quality import action_plans_factories as f

pytestmark = pytest.mark.usefixtures("english", "catalogues")
S = ActionItem.Status
TODAY = dt.date.today()


def _item_in(status: str, tree, staff) -> ActionItem:
    p = f.plan(tree.vux_unit, staff.unit_manager)
    item = f.item(p, staff.case_worker)
    path = {
        S.PLANNED: [],
        S.ONGOING: ["start"],
        S.DONE: ["complete"],
        S.CANCELLED: ["cancel"],
    }[status]
    for step in path:
        result = "" if step == "start" else "Klart"
        services.action_item_transition(actor=None, item=item, action=step, result=result)
    item.refresh_from_db()
    assert item.status == status
    return item


EXPECTED = {
    (S.PLANNED, "start"): S.ONGOING,
    (S.PLANNED, "complete"): S.DONE,
    (S.PLANNED, "cancel"): S.CANCELLED,
    (S.ONGOING, "complete"): S.DONE,
    (S.ONGOING, "cancel"): S.CANCELLED,
}


def test_the_table_is_the_expected_one():
    assert set(services.ITEM_FLOW.pairs()) == set(EXPECTED)
    assert services.ITEM_FLOW.states() == set(S.values)


@pytest.mark.parametrize(
    ("state", "step"), list(itertools.product(S.values, ["start", "complete", "cancel"]))
)
def test_every_state_and_step(state, step, tree, staff):
    item = _item_in(state, tree, staff)
    version = item.version
    target = EXPECTED.get((state, step))
    if target is None:
        with pytest.raises(ValidationError) as exc:
            services.action_item_transition(
                actor=staff.unit_manager, item=item, action=step, result="Något"
            )
        assert "cannot be done now" in exc.value.messages[0]
        item.refresh_from_db()
        assert (item.status, item.version) == (state, version)
    else:
        services.action_item_transition(
            actor=staff.unit_manager, item=item, action=step, result="Något"
        )
        item.refresh_from_db()
        assert item.status == target and item.version == version + 1
        assert ChangeEntry.objects.filter(
            action=step, object_type="quality.actionitem", object_id=str(item.pk)
        ).exists()


def test_done_needs_a_result_and_no_future_date(tree, staff):
    item = _item_in(S.ONGOING, tree, staff)
    with pytest.raises(ValidationError) as exc:
        services.action_item_transition(actor=staff.unit_manager, item=item, action="complete")
    assert "result" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.action_item_transition(
            actor=staff.unit_manager,
            item=item,
            action="complete",
            result="Checklistan används",
            done_on=TODAY + dt.timedelta(days=1),
        )
    assert "done_on" in exc.value.message_dict
    item.refresh_from_db()
    assert item.status == S.ONGOING and item.done_on is None and item.result == ""
    services.action_item_transition(
        actor=staff.unit_manager, item=item, action="complete", result="Checklistan används"
    )
    item.refresh_from_db()
    assert item.done_on == timezone.localdate() and item.result == "Checklistan används"


def test_cancel_needs_a_reason(tree, staff):
    item = _item_in(S.PLANNED, tree, staff)
    with pytest.raises(ValidationError) as exc:
        services.action_item_transition(actor=staff.unit_manager, item=item, action="cancel")
    assert "reason" in exc.value.message_dict["result"][0]


def test_responsible_person_moves_only_their_own_items(tree, staff):
    p = f.plan(tree.vux_unit, staff.unit_manager)
    mine = f.item(p, staff.case_worker)
    theirs = f.item(p, staff.unit_manager)
    # the case worker has no handle_quality, but does the work of their own item
    services.action_item_transition(actor=staff.case_worker, item=mine, action="start")
    services.action_item_note(actor=staff.case_worker, item=mine, result="Halvvägs")
    mine.refresh_from_db()
    assert (mine.status, mine.result) == (S.ONGOING, "Halvvägs")
    with pytest.raises(Http404):
        services.action_item_transition(actor=staff.case_worker, item=theirs, action="start")
    # … and cannot change what the item is, who does it or when
    with pytest.raises(Http404):
        services.action_item_update(actor=staff.case_worker, item=mine, activity="Annat")
    theirs.refresh_from_db()
    assert theirs.status == S.PLANNED


def test_responsible_who_left_the_unit_cannot_move_the_item(tree, staff):
    p = f.plan(tree.vux_unit, staff.unit_manager)
    item = f.item(p, staff.case_worker)
    staff.case_worker.memberships.all().delete()
    staff.case_worker.__dict__.pop("_insyn_granted_paths", None)
    with pytest.raises(Http404):
        services.action_item_transition(actor=staff.case_worker, item=item, action="start")


def test_create_needs_handle_quality_on_the_unit(tree, staff):
    with pytest.raises(Http404):
        f.plan(tree.bof_unit, staff.unit_manager, actor=staff.unit_manager)  # manager of vux
    with pytest.raises(Http404):
        f.plan(tree.vux_unit, staff.case_worker, actor=staff.case_worker)
    assert not ActionPlan.objects.exists()
    p = f.plan(tree.vux_unit, staff.unit_manager, actor=staff.unit_manager)
    assert p.municipality == tree.vaxjo and p.created_by == staff.unit_manager
    assert ChangeEntry.objects.filter(object_type="quality.actionplan", action="create").exists()


def test_owner_must_work_in_the_municipality(tree, staff):
    with pytest.raises(ValidationError) as exc:
        f.plan(tree.vux_unit, staff.kalmar_case_worker, actor=staff.quality_lead)
    assert "owner" in exc.value.message_dict
    staff.case_worker.is_active = False
    staff.case_worker.save()
    with pytest.raises(ValidationError):
        f.plan(tree.vux_unit, staff.case_worker, actor=staff.quality_lead)
    assert not ActionPlan.objects.exists()


def test_blank_title_and_problem_are_refused(tree, staff):
    with pytest.raises(ValidationError) as exc:
        f.plan(tree.vux_unit, staff.unit_manager, title=" ", problem="")
    assert set(exc.value.message_dict) == {"title", "problem"}


def test_source_defaults_the_unit_and_must_be_visible(tree, staff, officer):
    dev = f.deviation(tree.vux_unit, staff.case_worker)
    p = services.action_plan_create(
        actor=staff.unit_manager, title="T", problem="P", owner=staff.unit_manager, deviation=dev
    )
    assert p.unit == tree.vux_unit and p.deviation == dev
    # a deviation of another department: the manager cannot see it, so cannot link it
    other = f.deviation(tree.bof_unit, staff.other_case_worker)
    with pytest.raises(ValidationError) as exc:
        services.action_plan_create(
            actor=staff.unit_manager,
            unit=tree.vux_unit,
            title="T",
            problem="P",
            owner=staff.unit_manager,
            deviation=other,
        )
    assert exc.value.message_dict == {"source": ["Unknown source."]}


def test_lex_sarah_source_needs_lex_sarah_rights(tree, staff, officer):
    report = f.lex_sarah(tree.vux_unit, staff.case_worker)
    # the unit manager handles quality in vux but may not read lex Sarah reports
    with pytest.raises(ValidationError):
        services.action_plan_create(
            actor=staff.unit_manager,
            title="T",
            problem="P",
            owner=staff.unit_manager,
            lex_sarah_report=report,
        )
    # the quality lead reads them (view_lex_sarah) and handles quality
    p = services.action_plan_create(
        actor=staff.quality_lead,
        title="T",
        problem="P",
        owner=staff.quality_lead,
        lex_sarah_report=report,
    )
    assert p.unit == tree.vux_unit
    assert services.source_visible(officer, report)
    assert not services.source_visible(staff.unit_manager, report)


def test_at_most_one_source(tree, staff):
    with pytest.raises(ValidationError) as exc:
        services.action_plan_create(
            actor=staff.quality_lead,
            title="T",
            problem="P",
            owner=staff.quality_lead,
            deviation=f.deviation(tree.vux_unit, staff.case_worker),
            complaint=f.complaint(tree.vux_unit),
        )
    assert "at most one source" in exc.value.messages[0]


def test_item_rules(tree, staff):
    p = f.plan(tree.vux_unit, staff.unit_manager)
    past = TODAY - dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        services.action_item_add(
            actor=staff.unit_manager,
            plan=p,
            activity="A",
            responsible=staff.case_worker,
            due_on=past,
        )
    assert "due_on" in exc.value.message_dict
    # a user may not backdate; only the system (import, demo) may
    with pytest.raises(ValidationError):
        services.action_item_add(
            actor=staff.unit_manager,
            plan=p,
            activity="A",
            responsible=staff.case_worker,
            due_on=past,
            backdated=True,
        )
    # the responsible person must work in the unit (bof's case worker does not)
    with pytest.raises(ValidationError) as exc:
        services.action_item_add(
            actor=staff.unit_manager,
            plan=p,
            activity="A",
            responsible=staff.other_case_worker,
            due_on=TODAY,
        )
    assert "responsible" in exc.value.message_dict
    assert not p.items.exists()
    item = services.action_item_add(
        actor=staff.unit_manager, plan=p, activity="A", responsible=staff.case_worker, due_on=TODAY
    )
    assert item.status == S.PLANNED


def test_update_with_a_stale_version_changes_nothing(tree, staff):
    p = f.plan(tree.vux_unit, staff.unit_manager)
    services.action_plan_update(actor=staff.unit_manager, plan=p, goal="Nytt mål")
    with pytest.raises(VersionConflict):
        services.action_plan_update(
            actor=staff.unit_manager, plan=p, title="Annat", expected_version=1
        )
    p.refresh_from_db()
    assert (p.title, p.goal, p.version) == ("Bättre överlämningar", "Nytt mål", 2)


def test_follow_up_only_when_every_item_is_settled(tree, staff):
    p = f.plan(tree.vux_unit, staff.unit_manager, follow_up_on=TODAY)
    item = f.item(p, staff.case_worker)
    kwargs = {
        "actor": staff.unit_manager,
        "plan": p,
        "followed_up_on": TODAY,
        "outcome": ActionPlan.Outcome.EFFECTIVE,
        "outcome_text": "Inga missade överlämningar i mars",
    }
    with pytest.raises(ValidationError) as exc:
        services.action_plan_follow_up(**kwargs)
    assert "every item" in exc.value.messages[0]
    services.action_item_transition(actor=None, item=item, action="complete", result="Klar")
    with pytest.raises(ValidationError) as exc:
        services.action_plan_follow_up(**{**kwargs, "followed_up_on": TODAY + dt.timedelta(1)})
    assert "followed_up_on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.action_plan_follow_up(**{**kwargs, "outcome": "", "outcome_text": " "})
    assert set(exc.value.message_dict) == {"outcome", "outcome_text"}
    p.refresh_from_db()
    assert p.status == ActionPlan.Status.OPEN and p.followed_up_on is None
    services.action_plan_follow_up(**kwargs)
    p.refresh_from_db()
    assert p.status == ActionPlan.Status.FOLLOWED_UP and p.outcome == "effective"
    with pytest.raises(ValidationError):
        services.action_plan_follow_up(**kwargs)  # once


def test_close_freezes_the_plan(tree, staff):
    p = f.plan(tree.vux_unit, staff.unit_manager)
    item = f.item(p, staff.case_worker)
    with pytest.raises(ValidationError):
        services.action_plan_close(actor=staff.unit_manager, plan=p)
    services.action_item_transition(actor=None, item=item, action="cancel", result="Behövs ej")
    services.action_plan_close(actor=staff.unit_manager, plan=p)
    p.refresh_from_db()
    assert p.status == ActionPlan.Status.CLOSED
    with pytest.raises(ValidationError):
        services.action_plan_update(actor=staff.unit_manager, plan=p, title="Nytt")
    with pytest.raises(ValidationError):
        f.item(p, staff.case_worker)
    with pytest.raises(ValidationError):
        services.action_plan_close(actor=staff.unit_manager, plan=p)


def test_only_the_system_gives_the_time_a_plan_was_decided(tree, staff):
    decided = timezone.make_aware(dt.datetime(TODAY.year - 1, 3, 10, 13, 0))
    with pytest.raises(ValueError, match="only the system"):
        services.action_plan_create(
            actor=staff.unit_manager,
            unit=tree.vux_unit,
            title="T",
            problem="P",
            owner=staff.unit_manager,
            created_at=decided,
        )
    assert not ActionPlan.objects.exists()
    p = services.action_plan_create(
        actor=None,
        unit=tree.vux_unit,
        title="T",
        problem="P",
        owner=staff.unit_manager,
        created_at=decided,
    )
    assert p.created_at == decided
    p.refresh_from_db()
    assert p.created_at == decided
    # without it the plan is decided now
    now = services.action_plan_create(
        actor=None, unit=tree.vux_unit, title="U", problem="P", owner=staff.unit_manager
    )
    assert timezone.localtime(now.created_at).date() == timezone.localdate()
