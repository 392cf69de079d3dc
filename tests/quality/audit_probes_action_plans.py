"""Audit probes of the action-plan routes (web and API): each Visit names the plans and items
its entries must name. Gathered by tests/quality/audit_probes.py."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from insyn.quality.models import ActionItem, ActionPlan
from insyn.quality.services import action_plans as services
from tests.audit_probe import Visit, post
from tests.quality import action_plans_factories as f


def _plan(tree, staff) -> ActionPlan:
    return f.plan(tree.vux_unit, staff.unit_manager)


def _item(tree, staff) -> ActionItem:
    return f.item(_plan(tree, staff), staff.case_worker)


def _busy_plan(tree, staff) -> ActionPlan:
    """A plan with an open item: it cannot be closed yet."""
    return _item(tree, staff).plan


def _settled_plan(tree, staff) -> ActionPlan:
    item = _item(tree, staff)
    services.action_item_transition(actor=None, item=item, action="complete", result="Klart")
    return item.plan


def _due() -> str:
    return (timezone.localdate() + dt.timedelta(days=5)).isoformat()


def _page(name: str, obj, user: str = "unit_manager", **visit):
    def probe(tree, staff):
        shown = obj(tree, staff)
        return Visit(getattr(staff, user), reverse(name, args=[shown.pk]), shows=[shown], **visit)

    return probe


def _list(tree, staff):
    plan = _plan(tree, staff)
    return Visit(staff.unit_manager, reverse("quality:action_plans"), shows=[plan])


def _create_get(tree, staff):
    return Visit(staff.unit_manager, reverse("quality:action_plan_create"), model=ActionPlan)


def _create_post(tree, staff):
    data = {
        "unit": tree.vux_unit.pk,
        "title": "Ny plan",
        "problem": "Problem",
        "owner": staff.unit_manager.pk,
    }
    return Visit(
        staff.unit_manager,
        reverse("quality:action_plan_create"),
        method="POST",
        data=data,
        status=302,
        writes=[ActionPlan],
    )


def _edit_post(tree, staff):
    plan = _plan(tree, staff)
    data = {"title": "Ny titel", "problem": plan.problem, "owner": staff.unit_manager.pk}
    return Visit(
        staff.unit_manager,
        reverse("quality:action_plan_edit", args=[plan.pk]),
        method="POST",
        data={**data, "version": plan.version},
        status=302,
        writes=[plan],
    )


def _item_add_post(tree, staff):
    plan = _plan(tree, staff)
    data = {"activity": "Ny aktivitet", "responsible": staff.case_worker.pk, "due_on": _due()}
    return Visit(
        staff.unit_manager,
        reverse("quality:action_item_add", args=[plan.pk]),
        method="POST",
        data=data,
        status=302,
        writes=[ActionItem],
    )


def _item_edit_post(tree, staff):
    item = _item(tree, staff)
    data = {"activity": "Ändrad", "responsible": staff.case_worker.pk, "due_on": _due()}
    return Visit(
        staff.unit_manager,
        reverse("quality:action_item_edit", args=[item.pk]),
        method="POST",
        data={**data, "version": item.version},
        status=302,
        writes=[item],
    )


def _item_status_post(tree, staff):
    """The responsible case worker starts their item."""
    item = _item(tree, staff)
    prefix = f"item{item.pk}"
    return Visit(
        staff.case_worker,
        reverse("quality:action_item_status", args=[item.pk]),
        method="POST",
        data={f"{prefix}-step": "start", f"{prefix}-version": item.version},
        status=302,
        writes=[item],
    )


def _follow_up_post(tree, staff):
    plan = _settled_plan(tree, staff)
    data = {
        "followed_up_on": timezone.localdate().isoformat(),
        "outcome": "effective",
        "outcome_text": "Det fungerade",
        "version": plan.version,
    }
    return Visit(
        staff.unit_manager,
        reverse("quality:action_plan_follow_up", args=[plan.pk]),
        method="POST",
        data=data,
        status=302,
        writes=[plan],
    )


def _close_post(tree, staff):
    plan = _settled_plan(tree, staff)
    return Visit(
        staff.unit_manager,
        reverse("quality:action_plan_close", args=[plan.pk]),
        method="POST",
        data={"version": plan.version},
        status=302,
        writes=[plan],
    )


def _api_get(name: str, obj, detail: bool):
    def probe(tree, staff):
        shown = obj(tree, staff)
        args = [shown.pk] if detail else []
        return Visit(staff.unit_manager, reverse(name, args=args), shows=[shown])

    return probe


def _api_plan_create(tree, staff):
    body = {"unit": tree.vux_unit.pk, "title": "T", "problem": "P", "owner": staff.unit_manager.pk}
    return Visit(
        staff.unit_manager,
        reverse("action-plan-list"),
        method="POST",
        data=body,
        json=True,
        status=201,
        writes=[ActionPlan],
    )


def _api_item_create(tree, staff):
    plan = _plan(tree, staff)
    body = {"plan": plan.pk, "activity": "A", "responsible": staff.case_worker.pk, "due_on": _due()}
    return Visit(
        staff.unit_manager,
        reverse("action-item-list"),
        method="POST",
        data=body,
        json=True,
        status=201,
        writes=[ActionItem],
    )


def _api_transition(tree, staff):
    item = _item(tree, staff)
    return Visit(
        staff.case_worker,
        reverse("action-item-transition", args=[item.pk]),
        method="POST",
        data={"step": "start"},
        json=True,
        writes=[item],
        shows=[item],
    )


def _api_follow_up(tree, staff):
    plan = _settled_plan(tree, staff)
    body = {
        "followed_up_on": timezone.localdate().isoformat(),
        "outcome": "partly",
        "outcome_text": "Delvis",
    }
    return Visit(
        staff.unit_manager,
        reverse("action-plan-follow-up", args=[plan.pk]),
        method="POST",
        data=body,
        json=True,
        writes=[plan],
        shows=[plan],
    )


def _api_close(tree, staff):
    plan = _settled_plan(tree, staff)
    return Visit(
        staff.unit_manager,
        reverse("action-plan-close", args=[plan.pk]),
        method="POST",
        data={},
        json=True,
        writes=[plan],
        shows=[plan],
    )


PROBES = {
    "quality:action_plans": _list,
    "quality:action_plan": _page("quality:action_plan", _plan),
    "quality:action_plan_create": _create_get,
    post("quality:action_plan_create"): _create_post,
    "quality:action_plan_edit": _page("quality:action_plan_edit", _plan),
    post("quality:action_plan_edit"): _edit_post,
    "quality:action_item_add": _page("quality:action_item_add", _plan),
    post("quality:action_item_add"): _item_add_post,
    "quality:action_item_edit": _page("quality:action_item_edit", _item),
    post("quality:action_item_edit"): _item_edit_post,
    "quality:action_item_status": _page("quality:action_item_status", _item, "case_worker"),
    post("quality:action_item_status"): _item_status_post,
    "quality:action_plan_follow_up": _page("quality:action_plan_follow_up", _settled_plan),
    post("quality:action_plan_follow_up"): _follow_up_post,
    post("quality:action_plan_close"): _close_post,
    "action-plan-list": _api_get("action-plan-list", _plan, False),
    post("action-plan-list"): _api_plan_create,
    "action-plan-detail": _api_get("action-plan-detail", _plan, True),
    post("action-plan-follow-up"): _api_follow_up,
    post("action-plan-close"): _api_close,
    "action-item-list": _api_get("action-item-list", _item, False),
    post("action-item-list"): _api_item_create,
    "action-item-detail": _api_get("action-item-detail", _item, True),
    post("action-item-transition"): _api_transition,
}

EXTRA_PROBES = {
    # a form sent back with its errors still records what it shows
    "quality:action_plan_edit (invalid)": _page(
        "quality:action_plan_edit", _plan, method="POST", data={"title": ""}, status=400
    ),
    "quality:action_item_status (refused)": _page(
        "quality:action_item_status",
        _item,
        "case_worker",
        method="POST",
        data={},
        status=400,
    ),
    "quality:action_plan_close (refused)": _page(
        "quality:action_plan_close", _busy_plan, method="POST", data={}, status=400
    ),
}
