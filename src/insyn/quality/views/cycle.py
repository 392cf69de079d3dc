"""The annual cycle: the year as a wheel and as a list, the activities, a task's page, installing
the default cycle and generating a year's tasks. Thin: reads through selectors/cycle.py, writes
through services/cycle.py. Activities and tasks are org data (they name staff in their work
roles, never a client), so these are not personal-data views. The calendar feed's pages are in
views/cycle_feed.py."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from insyn.core.concurrency import VersionConflict
from insyn.core.forms import add_service_errors
from insyn.core.roles import Action
from insyn.core.scoping import granted_paths, path_in_scope
from insyn.core.validation import parse_int
from insyn.core.viewmixins import InsynView, get_scoped_object_or_404
from insyn.quality.cycle_wheel import wheel
from insyn.quality.forms.cycle import (
    ActivityForm,
    GenerateForm,
    InstallForm,
    TaskEditForm,
    TaskFilterForm,
    TaskStatusForm,
    people_for,
)
from insyn.quality.models import CycleActivity, CycleTask
from insyn.quality.selectors import cycle as selectors
from insyn.quality.services import cycle as services
from insyn.quality.views import cycle_feed
from insyn.quality.views.action_plans import handler_units

ACTIVITY_INITIAL = (
    "title",
    "code",
    "description",
    "reported_to",
    "frequency",
    "month",
    "day",
    "first_year",
    "method",
    "responsible_role",
    "responsible",
    "linked",
    "active",
    "sort_order",
)


class CycleView(InsynView):
    """Base: any staff member may reach the pages; what they find is what the selectors let
    them see (view_quality in the subtree, or the tasks they are responsible for)."""

    personal_data = False
    required_action = Action.VIEW_ORG

    def year(self) -> int:
        raw = parse_int(self.request.GET.get("year", ""))
        today = timezone.localdate()
        return raw if raw is not None and 2000 <= raw <= 2100 else today.year

    def handler(self) -> bool:
        return bool(granted_paths(self.request.user, Action.HANDLE_QUALITY))

    def task(self, pk: int) -> CycleTask:
        return get_scoped_object_or_404(
            self.request.user, selectors.tasks_visible(self.request.user), CycleTask.objects, pk=pk
        )

    def handled_activity(self, pk: int) -> CycleActivity:
        activity: CycleActivity = get_scoped_object_or_404(
            self.request.user,
            selectors.activities_visible(self.request.user),
            CycleActivity.objects,
            pk=pk,
        )
        if not path_in_scope(self.request.user, Action.HANDLE_QUALITY, activity.unit.path):
            raise Http404
        return activity


class WheelView(CycleView):
    template_name = "quality/cycle/wheel.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        year, today = self.year(), timezone.localdate()
        tasks = list(selectors.tasks_filtered(request.user, year=year).select_related("activity"))
        context = {
            "year": year,
            "today": today,
            "tasks": tasks,
            "wheel": wheel(tasks, today, year),
            "handler": self.handler(),
            "generate_form": GenerateForm(initial={"year": year}),
            "has_activities": selectors.activities_visible(request.user).exists(),
        }
        return render(request, self.template_name, context)


class TaskListView(CycleView):
    template_name = "quality/cycle/list.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        visible = selectors.tasks_visible(request.user)
        people = people_choices(visible)
        data = request.GET.copy()
        data.setdefault("year", str(self.year()))
        form = TaskFilterForm(data, people=people)
        filters: dict[str, Any] = {"year": self.year()}
        if form.is_valid():
            filters.update({k: v for k, v in form.cleaned_data.items() if v not in (None, "")})
        today = timezone.localdate()
        tasks = list(selectors.tasks_filtered(request.user, **filters)[:500])
        rows = [{"task": t, "overdue": selectors.is_overdue(t, today)} for t in tasks]
        return render(
            request,
            self.template_name,
            {"form": form, "rows": rows, "year": filters["year"], "handler": self.handler()},
        )


def people_choices(tasks: Any) -> Any:
    from insyn.accounts.models import User

    return User.objects.filter(pk__in=tasks.values("responsible")).order_by(
        "last_name", "first_name", "username"
    )


class TaskView(CycleView):
    template_name = "quality/cycle/task.html"

    def forms(self, task: CycleTask, data: Any = None) -> tuple[Any, Any]:
        user = self.request.user
        status_form = None
        if services.may_work_on(user, task):
            status_form = TaskStatusForm(
                data,
                steps=services.TASK_FLOW.available(task.status),
                initial={"note": task.note, "done_on": task.done_on},
            )
            if data is None:
                status_form.track(task)
        edit_form = None
        if path_in_scope(user, Action.HANDLE_QUALITY, task.activity.unit.path):
            edit_form = TaskEditForm(
                data if data is not None and "due_on" in data else None,
                people=people_for(task.activity.unit),
                initial={"responsible": task.responsible_id, "due_on": task.due_on},
                prefix="edit",
            )
            edit_form.track(task)
        return status_form, edit_form

    def show(self, task: CycleTask, forms: tuple[Any, Any], status: int = 200) -> HttpResponse:
        context = {
            "task": task,
            "activity": task.activity,
            "status_form": forms[0],
            "edit_form": forms[1],
            "overdue": selectors.is_overdue(task, timezone.localdate()),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        task = self.task(pk)
        return self.show(task, self.forms(task))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        task = self.task(pk)
        if "edit-due_on" in request.POST:
            return self.post_edit(task)
        status_form, _edit = self.forms(task, request.POST)
        if status_form is None:
            raise Http404
        if status_form.is_valid():
            d = status_form.service_data()
            try:
                if d["step"]:
                    services.task_transition(
                        actor=request.user,
                        task=task,
                        action=d["step"],
                        note=d["note"],
                        done_on=d["done_on"],
                        expected_version=status_form.expected_version,
                    )
                else:
                    services.task_update(
                        actor=request.user,
                        task=task,
                        note=d["note"],
                        expected_version=status_form.expected_version,
                    )
                messages.success(request, _("The task was saved."))
                return HttpResponseRedirect(reverse("quality:cycle_task", args=[task.pk]))
            except VersionConflict as exc:
                task.refresh_from_db()
                status_form.show_conflict(exc, {"note": task.note, "done_on": task.done_on})
            except ValidationError as exc:
                add_service_errors(status_form, exc)
        return self.show(task, (status_form, self.forms(task)[1]), 400)

    def post_edit(self, task: CycleTask) -> HttpResponse:
        if not path_in_scope(self.request.user, Action.HANDLE_QUALITY, task.activity.unit.path):
            raise Http404
        form = TaskEditForm(self.request.POST, people=people_for(task.activity.unit), prefix="edit")
        if form.is_valid():
            try:
                services.task_update(
                    actor=self.request.user,
                    task=task,
                    expected_version=form.expected_version,
                    **form.service_data(),
                )
                messages.success(self.request, _("The task was saved."))
                return HttpResponseRedirect(reverse("quality:cycle_task", args=[task.pk]))
            except VersionConflict as exc:
                task.refresh_from_db()
                form.show_conflict(exc, {"responsible": task.responsible_id, "due_on": task.due_on})
            except ValidationError as exc:
                add_service_errors(form, exc)
        return self.show(task, (self.forms(task)[0], form), 400)


class ActivityListView(CycleView):
    template_name = "quality/cycle/activities.html"
    required_action = Action.VIEW_QUALITY

    def get(self, request: HttpRequest) -> HttpResponse:
        activities = list(selectors.activities_visible(request.user))
        units = handler_units(request.user)
        context = {
            "activities": activities,
            "handler": self.handler(),
            "install_form": InstallForm(units=units, initial={"unit": units.first()}),
        }
        return render(request, self.template_name, context)


class ActivityAddView(CycleView):
    template_name = "quality/cycle/activity_form.html"
    required_action = Action.HANDLE_QUALITY

    def get(self, request: HttpRequest) -> HttpResponse:
        units = handler_units(request.user)
        form = ActivityForm(units=units, people=people_for(units.first()))
        return render(request, self.template_name, {"form": form})

    def post(self, request: HttpRequest) -> HttpResponse:
        units = handler_units(request.user)
        unit = units.filter(pk=parse_int(request.POST.get("unit", "")) or 0).first()
        form = ActivityForm(request.POST, units=units, people=people_for(unit or units.first()))
        if form.is_valid():
            data = form.service_data()
            unit = data.pop("unit")
            try:
                activity = services.activity_create(actor=request.user, unit=unit, **data)
                messages.success(request, _("The activity was saved."))
                return HttpResponseRedirect(
                    reverse("quality:cycle_activities") + f"#activity-{activity.pk}"
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
        return render(request, self.template_name, {"form": form}, status=400)


class ActivityEditView(CycleView):
    template_name = "quality/cycle/activity_form.html"
    required_action = Action.HANDLE_QUALITY

    def form(self, activity: CycleActivity, data: Any = None) -> ActivityForm:
        initial = {f: getattr(activity, f) for f in ACTIVITY_INITIAL}
        initial["responsible"] = activity.responsible_id
        form = ActivityForm(
            data,
            units=handler_units(self.request.user),
            people=people_for(activity.unit),
            editing=True,
            initial=initial,
        )
        if data is None:
            form.track(activity)
        return form

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        activity = self.handled_activity(pk)
        return render(
            request, self.template_name, {"form": self.form(activity), "activity": activity}
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        activity = self.handled_activity(pk)
        form = self.form(activity, request.POST)
        if form.is_valid():
            try:
                services.activity_update(
                    actor=request.user,
                    activity=activity,
                    expected_version=form.expected_version,
                    **form.service_data(),
                )
                messages.success(request, _("The activity was saved."))
                return HttpResponseRedirect(
                    reverse("quality:cycle_activities") + f"#activity-{activity.pk}"
                )
            except VersionConflict as exc:
                activity.refresh_from_db()
                initial = {f: getattr(activity, f) for f in ACTIVITY_INITIAL}
                initial["responsible"] = activity.responsible_id
                form.show_conflict(exc, initial)
            except ValidationError as exc:
                add_service_errors(form, exc)
        context = {"form": form, "activity": activity}
        return render(request, self.template_name, context, status=400)


class InstallView(CycleView):
    """POST: install the default cycle on a unit the user handles."""

    required_action = Action.HANDLE_QUALITY

    def post(self, request: HttpRequest) -> HttpResponse:
        form = InstallForm(request.POST, units=handler_units(request.user))
        if not form.is_valid():
            messages.error(request, _("Choose a unit where you handle quality work."))
        else:
            created, there = services.install_default(
                actor=request.user, unit=form.cleaned_data["unit"]
            )
            messages.success(
                request,
                _("The default cycle: %(c)s activities added, %(t)s already there.")
                % {"c": created, "t": there},
            )
        return HttpResponseRedirect(reverse("quality:cycle_activities"))


class GenerateView(CycleView):
    """POST: the dated tasks of a year for every active activity the user handles."""

    required_action = Action.HANDLE_QUALITY

    def post(self, request: HttpRequest) -> HttpResponse:
        form = GenerateForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give a year between 2000 and 2100."))
            return HttpResponseRedirect(reverse("quality:cycle_wheel"))
        year = form.cleaned_data["year"]
        created, there = services.generate_tasks(actor=request.user, year=year)
        messages.success(
            request,
            _("%(year)s: %(c)s tasks created, %(t)s already there.")
            % {"year": year, "c": created, "t": there},
        )
        return HttpResponseRedirect(reverse("quality:cycle_wheel") + f"?year={year}")


urlpatterns: list[URLPattern | URLResolver] = [
    path("cycle/", WheelView.as_view(), name="cycle_wheel"),
    path("cycle/list/", TaskListView.as_view(), name="cycle_list"),
    path("cycle/tasks/<int:pk>/", TaskView.as_view(), name="cycle_task"),
    path("cycle/activities/", ActivityListView.as_view(), name="cycle_activities"),
    path("cycle/activities/new/", ActivityAddView.as_view(), name="cycle_activity_add"),
    path("cycle/activities/<int:pk>/edit/", ActivityEditView.as_view(), name="cycle_activity_edit"),
    path("cycle/install/", InstallView.as_view(), name="cycle_install"),
    path("cycle/generate/", GenerateView.as_view(), name="cycle_generate"),
    *cycle_feed.urlpatterns,
]


def register() -> None:
    """Navigation (placement="quality"), digest sections and dashboard panels of this area."""
    from insyn.core.navigation import NavItem, register_nav
    from insyn.quality import digest_cycle
    from insyn.quality.dashboard_panels import DashboardPanel, register_panel
    from insyn.quality.views.cycle_panel import build_panel

    register_nav(
        NavItem(
            "quality_cycle",
            gettext_lazy("Annual cycle"),
            "quality:cycle_wheel",
            Action.VIEW_QUALITY,
            90,
            "quality",
        )
    )
    digest_cycle.register()
    register_panel(
        DashboardPanel(
            key="cycle", template="quality/cycle/panel.html", build=build_panel, order=90
        )
    )
