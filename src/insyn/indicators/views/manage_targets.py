"""Staff pages for committee targets and user-defined comparison groups (part of the manage
area's url list in views/manage.py). Thin: selectors/manage.py reads, services/targets.py and
services/groups.py write. Read with `view_aggregate`, write with `handle_quality` in the unit
(the group's owner); anything outside scope is the same 404 as a missing one. No client and
no personal data beyond staff names: not personal-data views."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, URLResolver, path, reverse

from insyn.core.concurrency import VersionConflict
from insyn.core.forms import add_service_errors
from insyn.core.roles import Action
from insyn.core.scoping import has_action, path_in_scope
from insyn.core.viewmixins import InsynView, get_scoped_object_or_404
from insyn.indicators.forms.manage import DeleteForm, GroupForm, TargetForm, track
from insyn.indicators.models import ComparisonGroup, IndicatorTarget
from insyn.indicators.selectors import manage as selectors
from insyn.indicators.services import groups as group_services
from insyn.indicators.services import targets as services

TARGET_FIELDS = ("year", "value", "comparison", "decision")


class _View(InsynView):
    personal_data = False
    required_action = Action.VIEW_AGGREGATE


class _Write(_View):
    required_action = Action.HANDLE_QUALITY


def _target(request: HttpRequest, pk: int) -> IndicatorTarget:
    user = request.user
    target: IndicatorTarget = get_scoped_object_or_404(
        user, selectors.targets(user), IndicatorTarget.objects, pk=pk
    )
    if not path_in_scope(user, Action.HANDLE_QUALITY, target.org_unit.path):
        raise Http404
    return target


def _group(request: HttpRequest, pk: int) -> ComparisonGroup:
    user = request.user
    group: ComparisonGroup = get_scoped_object_or_404(
        user, selectors.user_groups(user), ComparisonGroup.objects, pk=pk
    )
    if not path_in_scope(user, Action.HANDLE_QUALITY, group.owner.path):  # type: ignore[union-attr]
        raise Http404
    return group


class TargetListView(_View):
    def get(self, request: HttpRequest) -> HttpResponse:
        user: Any = request.user
        rows = list(selectors.targets(user)[:500])
        for t in rows:
            t.may_change = path_in_scope(user, Action.HANDLE_QUALITY, t.org_unit.path)  # type: ignore[attr-defined]
        return render(
            request,
            "indicators/manage/targets.html",
            {"rows": rows, "may_write": has_action(user, Action.HANDLE_QUALITY)},
        )


class TargetCreateView(_Write):
    template_name = "indicators/manage/target_form.html"

    def form(self, data: Any = None) -> TargetForm:
        return TargetForm(
            data, indicators=selectors.target_indicators(), units=selectors.units(self.request.user)
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, {"form": self.form(), "creating": True})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self.form(request.POST)
        if form.is_valid():
            try:
                services.target_create(actor=request.user, **form.service_data())
                return HttpResponseRedirect(reverse("indicators:manage_targets"))
            except ValidationError as exc:
                add_service_errors(form, exc)
        return render(request, self.template_name, {"form": form, "creating": True}, status=400)


class TargetEditView(_Write):
    template_name = "indicators/manage/target_form.html"

    def form(self, data: Any = None, initial: Any = None) -> TargetForm:
        return TargetForm(data, initial=initial, indicators=None, units=None, editing=True)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        target = _target(request, pk)
        form = self.form(initial={f: getattr(target, f) for f in TARGET_FIELDS})
        track(form, target)
        return render(request, self.template_name, {"form": form, "target": target})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        target = _target(request, pk)
        form = self.form(request.POST)
        if form.is_valid():
            data = form.service_data()
            try:
                services.target_update(
                    actor=request.user,
                    target=target,
                    expected_version=form.expected_version,
                    **data,
                )
                return HttpResponseRedirect(reverse("indicators:manage_targets"))
            except VersionConflict as exc:
                target.refresh_from_db()
                form.show_conflict(exc, {f: getattr(target, f) for f in TARGET_FIELDS})
            except ValidationError as exc:
                add_service_errors(form, exc)
        return render(request, self.template_name, {"form": form, "target": target}, status=400)


class TargetDeleteView(_Write):
    template_name = "indicators/manage/confirm_delete.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        target = _target(request, pk)
        form = DeleteForm()
        track(form, target)
        return render(request, self.template_name, {"form": form, "target": target})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        target = _target(request, pk)
        form = DeleteForm(request.POST)
        if form.is_valid():
            try:
                services.target_delete(
                    actor=request.user, target=target, expected_version=form.expected_version
                )
                return HttpResponseRedirect(reverse("indicators:manage_targets"))
            except VersionConflict as exc:
                form.show_conflict(exc, {})
        return render(request, self.template_name, {"form": form, "target": target}, status=400)


class GroupListView(_View):
    def get(self, request: HttpRequest) -> HttpResponse:
        user: Any = request.user
        rows = list(selectors.user_groups(user)[:300])
        for g in rows:
            g.may_change = path_in_scope(user, Action.HANDLE_QUALITY, g.owner.path)  # type: ignore[attr-defined,union-attr]
        return render(
            request,
            "indicators/manage/groups.html",
            {"rows": rows, "may_write": has_action(user, Action.HANDLE_QUALITY)},
        )


class GroupCreateView(_Write):
    template_name = "indicators/manage/group_form.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        form = GroupForm(units=selectors.units(request.user))
        return render(request, self.template_name, {"form": form, "creating": True})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = GroupForm(request.POST, units=selectors.units(request.user))
        if form.is_valid():
            try:
                group_services.group_create(actor=request.user, **form.cleaned_data)
                return HttpResponseRedirect(reverse("indicators:manage_groups"))
            except ValidationError as exc:
                add_service_errors(form, exc)
        return render(request, self.template_name, {"form": form, "creating": True}, status=400)


class GroupEditView(_Write):
    template_name = "indicators/manage/group_form.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        group = _group(request, pk)
        form = GroupForm(
            initial={"title": group.title, "members": list(group.members.all())},
            units=None,
            editing=True,
        )
        return render(request, self.template_name, {"form": form, "group": group})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        group = _group(request, pk)
        form = GroupForm(request.POST, units=None, editing=True)
        if form.is_valid():
            try:
                group_services.group_update(actor=request.user, group=group, **form.cleaned_data)
                return HttpResponseRedirect(reverse("indicators:manage_groups"))
            except ValidationError as exc:
                add_service_errors(form, exc)
        return render(request, self.template_name, {"form": form, "group": group}, status=400)


class GroupDeleteView(_Write):
    template_name = "indicators/manage/confirm_delete.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        group = _group(request, pk)
        return render(request, self.template_name, {"form": DeleteForm(), "group": group})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        group = _group(request, pk)
        group_services.group_delete(actor=request.user, group=group)
        return HttpResponseRedirect(reverse("indicators:manage_groups"))


urlpatterns: list[URLPattern | URLResolver] = [
    path("manage/targets/", TargetListView.as_view(), name="manage_targets"),
    path("manage/targets/new/", TargetCreateView.as_view(), name="manage_target_new"),
    path("manage/targets/<int:pk>/edit/", TargetEditView.as_view(), name="manage_target_edit"),
    path(
        "manage/targets/<int:pk>/delete/", TargetDeleteView.as_view(), name="manage_target_delete"
    ),
    path("manage/groups/", GroupListView.as_view(), name="manage_groups"),
    path("manage/groups/new/", GroupCreateView.as_view(), name="manage_group_new"),
    path("manage/groups/<int:pk>/edit/", GroupEditView.as_view(), name="manage_group_edit"),
    path("manage/groups/<int:pk>/delete/", GroupDeleteView.as_view(), name="manage_group_delete"),
]
