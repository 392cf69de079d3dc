"""Action items' pages: add an item to a plan, edit it, and move it through its workflow
(the responsible person does this without owning the plan). Plans: views/action_plans.py."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse

from insyn.core.concurrency import VersionConflict
from insyn.core.forms import add_service_errors
from insyn.core.roles import Action
from insyn.core.scoping import path_in_scope
from insyn.quality.forms.action_plans import (
    ActionItemForm,
    responsible_choices,
)
from insyn.quality.models import ActionItem
from insyn.quality.services import action_plans as services
from insyn.quality.views.action_plans import PlanView, _status_form


class ActionItemStatusView(PlanView):
    """POST from the plan page (or this page): move one item along ITEM_FLOW."""

    template_name = "quality/action_plans/item_status.html"

    def allowed(self, pk: int) -> tuple[ActionItem, list[str]]:
        item = self.item(pk)
        if not services.may_work_on(self.request.user, item):
            raise Http404
        return item, services.ITEM_FLOW.available(item.status)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        item, steps = self.allowed(pk)
        form = _status_form(item, steps) if steps else None
        return self.show({"item": item, "plan": item.plan, "form": form}, [item.plan, item])

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        item, steps = self.allowed(pk)
        form = _status_form(item, steps, request.POST)
        if form.is_valid():
            data = form.service_data()
            try:
                services.action_item_transition(
                    actor=request.user,
                    item=item,
                    action=data["step"],
                    result=data["result"],
                    done_on=data["done_on"],
                    expected_version=form.expected_version,
                )
                return HttpResponseRedirect(
                    reverse("quality:action_plan", args=[item.plan_id]) + f"#item-{item.pk}"
                )
            except VersionConflict as exc:
                item.refresh_from_db()
                form.show_conflict(exc, {"result": item.result})
            except ValidationError as exc:
                add_service_errors(form, exc)
        return self.show({"item": item, "plan": item.plan, "form": form}, [item.plan, item], 400)


class ActionItemAddView(PlanView):
    template_name = "quality/action_plans/item_form.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        plan = self.handled_plan(pk)
        form = ActionItemForm(people=responsible_choices(plan.unit))
        return self.show({"form": form, "plan": plan}, [plan])

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        plan = self.handled_plan(pk)
        form = ActionItemForm(request.POST, people=responsible_choices(plan.unit))
        if form.is_valid():
            try:
                item = services.action_item_add(
                    actor=request.user, plan=plan, **form.service_data()
                )
                return HttpResponseRedirect(
                    reverse("quality:action_plan", args=[plan.pk]) + f"#item-{item.pk}"
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
        return self.show({"form": form, "plan": plan}, [plan], 400)


class ActionItemEditView(PlanView):
    template_name = "quality/action_plans/item_form.html"

    def handled_item(self, pk: int) -> ActionItem:
        item = self.item(pk)
        if not path_in_scope(self.request.user, Action.HANDLE_QUALITY, item.plan.unit.path):
            raise Http404
        return item

    def form(self, item: ActionItem, data: Any = None) -> ActionItemForm:
        initial = {
            "activity": item.activity,
            "responsible": item.responsible_id,
            "due_on": item.due_on,
        }
        form = ActionItemForm(data, people=responsible_choices(item.plan.unit), initial=initial)
        if data is None:
            form.track(item)
        return form

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = self.handled_item(pk)
        context = {"form": self.form(item), "plan": item.plan, "item": item}
        return self.show(context, [item.plan, item])

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = self.handled_item(pk)
        form = self.form(item, request.POST)
        if form.is_valid():
            try:
                services.action_item_update(
                    actor=request.user,
                    item=item,
                    expected_version=form.expected_version,
                    **form.service_data(),
                )
                return HttpResponseRedirect(
                    reverse("quality:action_plan", args=[item.plan_id]) + f"#item-{item.pk}"
                )
            except VersionConflict as exc:
                item.refresh_from_db()
                form.show_conflict(
                    exc,
                    {
                        "activity": item.activity,
                        "responsible": item.responsible_id,
                        "due_on": item.due_on,
                    },
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
        return self.show({"form": form, "plan": item.plan, "item": item}, [item.plan, item], 400)


urlpatterns = [
    path("action-plans/<int:pk>/items/new/", ActionItemAddView.as_view(), name="action_item_add"),
    path("action-items/<int:pk>/edit/", ActionItemEditView.as_view(), name="action_item_edit"),
    path(
        "action-items/<int:pk>/status/", ActionItemStatusView.as_view(), name="action_item_status"
    ),
]
