"""Pages of action plans: list, detail with item status forms, create (also from a source),
edit, items, follow-up and close. Thin: reads through selectors/action_plans.py, writes through
services/action_plans.py. The pages name staff (owner, responsible) and may name a source that
is individual data, so they are personal-data views and record what they show."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone

from insyn.core.audit import record_access
from insyn.core.concurrency import VersionConflict
from insyn.core.forms import add_service_errors
from insyn.core.roles import Action
from insyn.core.scoping import granted_paths, path_in_scope, paths_q
from insyn.core.validation import parse_int
from insyn.core.viewmixins import InsynView, get_scoped_object_or_404
from insyn.organisations.models import OrgUnit
from insyn.quality.forms.action_plans import (
    ActionPlanFilterForm,
    ActionPlanForm,
    CloseForm,
    FollowUpForm,
    ItemStatusForm,
    owner_choices,
)
from insyn.quality.models import ActionItem, ActionPlan, Complaint, Deviation, LexSarahReport
from insyn.quality.selectors import action_plans as selectors
from insyn.quality.services import action_plans as services

PLAN_FORM_FIELDS = ("title", "problem", "goal", "owner", "follow_up_on")
ITEM_FORM_FIELDS = ("activity", "responsible", "due_on")
SOURCE_PARAMS = {
    "deviation": "deviation",
    "complaint": "complaint",
    "lex_sarah": "lex_sarah_report",
}
SOURCE_URLS = {
    "deviation": "quality:deviation_detail",
    "complaint": "quality:complaint_detail",
    "lex_sarah_report": "quality:lex_sarah_detail",
}


def handler_units(user: Any) -> models.QuerySet[OrgUnit]:
    """Units where `user` may own action plans (handle_quality), for the unit choice."""
    q = models.Q(pk__in=[])
    for root in granted_paths(user, Action.HANDLE_QUALITY):
        q |= models.Q(path__startswith=root)
    return OrgUnit.objects.filter(q, active=True).order_by("path")


def _source(plan: ActionPlan) -> tuple[str, Any]:
    for kind in ("deviation", "complaint", "lex_sarah_report"):
        obj = getattr(plan, kind)
        if obj is not None:
            return kind, obj
    return "", None


def _source_link(kind: str, obj: Any) -> str:
    return reverse(SOURCE_URLS[kind], args=[obj.pk])


class PlanView(InsynView):
    """Base: any staff member may reach the pages; what they find is what the selector lets
    them see (view_quality in the subtree, or plans where they are responsible for an item)."""

    personal_data = True
    required_action = Action.VIEW_ORG
    template_name = ""

    def plan(self, pk: int) -> ActionPlan:
        return get_scoped_object_or_404(
            self.request.user,
            selectors.action_plans_visible(self.request.user),
            ActionPlan.objects,
            pk=pk,
        )

    def handled_plan(self, pk: int) -> ActionPlan:
        """A plan the user may change: visible and handle_quality on its unit, else 404."""
        plan = self.plan(pk)
        if not path_in_scope(self.request.user, Action.HANDLE_QUALITY, plan.unit.path):
            raise Http404
        return plan

    def item(self, pk: int) -> ActionItem:
        return get_scoped_object_or_404(
            self.request.user,
            selectors.action_items_visible(self.request.user),
            ActionItem.objects,
            pk=pk,
        )

    def show(self, context: dict[str, Any], shown: list[Any], status: int = 200) -> HttpResponse:
        record_access(actor=self.request.user, action="view", objects=shown, model=ActionPlan)
        return render(self.request, self.template_name, context, status=status)


class ActionPlanListView(PlanView):
    template_name = "quality/action_plans/list.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        visible = selectors.action_plans_visible(request.user)
        # the subtree one oversees (view_quality), and the units of plans one works in
        overseen = granted_paths(request.user, Action.VIEW_QUALITY)
        oversee = paths_q("path", overseen) if overseen else models.Q(pk__in=[])
        units = OrgUnit.objects.filter(
            oversee | models.Q(pk__in=visible.values("unit")), active=True
        ).order_by("path")
        form = ActionPlanFilterForm(request.GET or None, units=units)
        filters: dict[str, Any] = {}
        if form.is_bound and form.is_valid():
            filters = {k: v for k, v in form.cleaned_data.items() if v not in (None, "", False)}
        today = timezone.localdate()
        plans = list(
            selectors.action_plans_filtered(request.user, today=today, **filters)
            .annotate(
                open_items=models.Count(
                    "items", filter=models.Q(items__status__in=ActionItem.OPEN_STATUSES)
                ),
                late_items=models.Count(
                    "items",
                    filter=models.Q(
                        items__status__in=ActionItem.OPEN_STATUSES, items__due_on__lt=today
                    ),
                ),
            )
            .order_by("-created_at", "-id")[:200]
        )
        record_access(actor=request.user, action="list", objects=plans, model=ActionPlan)
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "plans": plans,
                "may_create": bool(granted_paths(request.user, Action.HANDLE_QUALITY)),
            },
        )


class ActionPlanDetailView(PlanView):
    template_name = "quality/action_plans/detail.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        plan = self.plan(pk)
        return self.detail(plan)

    def detail(self, plan: ActionPlan, forms: dict[int, ItemStatusForm] | None = None) -> Any:
        user = self.request.user
        items = list(plan.items.select_related("responsible", "plan__unit"))
        today = timezone.localdate()
        rows = []
        for item in items:
            steps = services.ITEM_FLOW.available(item.status)
            form = None
            if (
                steps
                and plan.status != ActionPlan.Status.CLOSED
                and services.may_work_on(user, item)
            ):
                form = (forms or {}).get(item.pk) or _status_form(item, steps)
            rows.append(
                {
                    "item": item,
                    "form": form,
                    "overdue": item.status in ActionItem.OPEN_STATUSES and item.due_on < today,
                }
            )
        kind, source = _source(plan)
        shown: list[Any] = [plan, *items]
        visible = source is not None and services.source_visible(user, source)
        if visible:
            shown.append(source)
        handler = path_in_scope(user, Action.HANDLE_QUALITY, plan.unit.path)
        open_plan = plan.status == ActionPlan.Status.OPEN
        all_settled = all(i.status not in ActionItem.OPEN_STATUSES for i in items)
        close_form = CloseForm()
        close_form.track(plan)
        context = {
            "plan": plan,
            "rows": rows,
            "source_kind": kind,
            "source": source if visible else None,
            "source_hidden": source is not None and not visible,
            "source_link": _source_link(kind, source) if visible else "",
            "handler": handler,
            "may_edit": handler and plan.status != ActionPlan.Status.CLOSED,
            "may_follow_up": handler and open_plan and all_settled,
            "may_close": handler and plan.status != ActionPlan.Status.CLOSED and all_settled,
            "close_form": close_form,
        }
        status = 400 if forms else 200
        return self.show(context, shown, status)


def _status_form(item: ActionItem, steps: list[str], data: Any = None) -> ItemStatusForm:
    labels = [(s, services.ITEM_FLOW.transitions[s].label) for s in steps]
    form = ItemStatusForm(
        data, steps=labels, prefix=f"item{item.pk}", initial={"result": item.result}
    )
    if data is None:
        form.track(item)
    return form


class ActionPlanCreateView(PlanView):
    template_name = "quality/action_plans/form.html"
    required_action = Action.HANDLE_QUALITY

    def source(self) -> tuple[str, Any]:
        """The source named in the query string (?deviation=, ?complaint=, ?lex_sarah=),
        or 404 when it does not exist or the user cannot see it."""
        user = self.request.user
        for param, kind in SOURCE_PARAMS.items():
            raw = self.request.GET.get(param)
            if raw is None:
                continue
            pk = parse_int(raw)
            qs: Any
            if kind == "deviation":
                qs = Deviation.objects.restrict(user, Action.VIEW_QUALITY)
            elif kind == "complaint":
                qs = Complaint.objects.restrict(user, Action.VIEW_QUALITY)
            else:
                qs = LexSarahReport.objects.restrict(
                    user, Action.HANDLE_LEX_SARAH
                ) | LexSarahReport.objects.restrict(user, Action.VIEW_LEX_SARAH)
            model = qs.model
            if pk is None:
                raise Http404
            return kind, get_scoped_object_or_404(user, qs, model._base_manager, pk=pk)
        return "", None

    def build(self, data: Any = None) -> tuple[ActionPlanForm, str, Any]:
        kind, source = self.source()
        units = handler_units(self.request.user)
        initial: dict[str, Any] = {"owner": self.request.user.pk}
        if source is not None:
            initial["unit"] = source.unit_id
        unit = source.unit if source is not None else None
        owners = owner_choices(unit) if unit else self._all_owners(units)
        form = ActionPlanForm(data, units=units, owners=owners, with_unit=True, initial=initial)
        return form, kind, source

    def _all_owners(self, units: Any) -> Any:
        first = units.first()
        return owner_choices(first) if first is not None else owner_choices(OrgUnit())

    def render_form(self, form: ActionPlanForm, kind: str, source: Any, status: int = 200) -> Any:
        shown = [source] if source is not None else []
        context = {"form": form, "source": source, "source_kind": kind, "creating": True}
        return self.show(context, shown, status)

    def get(self, request: HttpRequest) -> HttpResponse:
        form, kind, source = self.build()
        return self.render_form(form, kind, source)

    def post(self, request: HttpRequest) -> HttpResponse:
        form, kind, source = self.build(request.POST)
        if form.is_valid():
            data = form.service_data()
            try:
                plan = services.action_plan_create(
                    actor=request.user, **data, **({kind: source} if source is not None else {})
                )
                return HttpResponseRedirect(reverse("quality:action_plan", args=[plan.pk]))
            except ValidationError as exc:
                add_service_errors(form, exc)
        return self.render_form(form, kind, source, 400)


class ActionPlanEditView(PlanView):
    template_name = "quality/action_plans/form.html"

    def form(self, plan: ActionPlan, data: Any = None) -> ActionPlanForm:
        initial = {name: getattr(plan, name) for name in PLAN_FORM_FIELDS}
        initial["owner"] = plan.owner_id
        form = ActionPlanForm(
            data, units=None, owners=owner_choices(plan.unit), with_unit=False, initial=initial
        )
        if data is None:
            form.track(plan)
        return form

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        plan = self.handled_plan(pk)
        return self.show({"form": self.form(plan), "plan": plan}, [plan])

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        plan = self.handled_plan(pk)
        form = self.form(plan, request.POST)
        if form.is_valid():
            try:
                services.action_plan_update(
                    actor=request.user,
                    plan=plan,
                    expected_version=form.expected_version,
                    **form.service_data(),
                )
                return HttpResponseRedirect(reverse("quality:action_plan", args=[plan.pk]))
            except VersionConflict as exc:
                plan.refresh_from_db()
                current = {n: getattr(plan, n) for n in PLAN_FORM_FIELDS}
                form.show_conflict(exc, {**current, "owner": plan.owner_id})
            except ValidationError as exc:
                add_service_errors(form, exc)
        return self.show({"form": form, "plan": plan}, [plan], 400)


class ActionPlanFollowUpView(PlanView):
    template_name = "quality/action_plans/follow_up.html"

    def form(self, plan: ActionPlan, data: Any = None) -> FollowUpForm:
        form = FollowUpForm(data, initial={"followed_up_on": timezone.localdate()})
        if data is None:
            form.track(plan)
        return form

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        plan = self.handled_plan(pk)
        return self.show({"form": self.form(plan), "plan": plan}, [plan])

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        plan = self.handled_plan(pk)
        form = self.form(plan, request.POST)
        if form.is_valid():
            try:
                services.action_plan_follow_up(
                    actor=request.user,
                    plan=plan,
                    expected_version=form.expected_version,
                    **form.service_data(),
                )
                return HttpResponseRedirect(reverse("quality:action_plan", args=[plan.pk]))
            except VersionConflict as exc:
                form.show_conflict(exc, {})
            except ValidationError as exc:
                add_service_errors(form, exc)
        return self.show({"form": form, "plan": plan}, [plan], 400)


class ActionPlanCloseView(PlanView):
    """POST only (the button on the plan page); a refusal re-shows the plan with the reason."""

    template_name = "quality/action_plans/detail.html"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        plan = self.handled_plan(pk)
        form = CloseForm(request.POST)
        form.is_valid()
        try:
            services.action_plan_close(
                actor=request.user, plan=plan, expected_version=form.expected_version
            )
        except ValidationError as exc:
            plan.refresh_from_db()
            record_access(actor=request.user, action="view", objects=[plan])
            return render(
                request,
                "quality/action_plans/refused.html",
                {"plan": plan, "messages_": exc.messages},
                status=400,
            )
        return HttpResponseRedirect(reverse("quality:action_plan", args=[plan.pk]))


urlpatterns = [
    path("action-plans/", ActionPlanListView.as_view(), name="action_plans"),
    path("action-plans/new/", ActionPlanCreateView.as_view(), name="action_plan_create"),
    path("action-plans/<int:pk>/", ActionPlanDetailView.as_view(), name="action_plan"),
    path("action-plans/<int:pk>/edit/", ActionPlanEditView.as_view(), name="action_plan_edit"),
    path(
        "action-plans/<int:pk>/follow-up/",
        ActionPlanFollowUpView.as_view(),
        name="action_plan_follow_up",
    ),
    path("action-plans/<int:pk>/close/", ActionPlanCloseView.as_view(), name="action_plan_close"),
]
