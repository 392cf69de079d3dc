"""Staff pages for managing manual key figures (list with who entered each and when, add, edit,
delete, the CSV/XLSX import with a dry-run preview then confirm, a new local indicator); the
targets and groups pages live in views/manage_targets.py and join this url list.

Thin: reads through selectors/manage.py, writes through services/manual*.py. Reading needs
`view_aggregate`, writing `handle_quality` in the unit, a new indicator `design`. The pages
show staff names (who entered a figure) and no client: like the quality pages that name
owners and assessors, they are not personal-data views."""

from __future__ import annotations

import base64
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from insyn.core.concurrency import VersionConflict
from insyn.core.forms import add_service_errors
from insyn.core.roles import Action
from insyn.core.scoping import has_action, path_in_scope
from insyn.core.viewmixins import InsynView, get_scoped_object_or_404
from insyn.indicators.forms.manage import (
    DeleteForm,
    ImportForm,
    IndicatorForm,
    ManualValueForm,
    ValueEditForm,
    track,
)
from insyn.indicators.models import IndicatorValue
from insyn.indicators.selectors import manage as selectors
from insyn.indicators.services import manual as services
from insyn.indicators.services import manual_import

UPLOAD_SALT = "insyn.indicators.manage.import"


class ManageView(InsynView):
    personal_data = False
    required_action = Action.VIEW_AGGREGATE

    def value_row(self, pk: int, *, write: bool = False) -> IndicatorValue:
        """A manual value in scope (to change it: in write scope), else the same 404."""
        user = self.request.user
        row: IndicatorValue = get_scoped_object_or_404(
            user, selectors.manual_values(user), IndicatorValue.objects, pk=pk
        )
        if write and not path_in_scope(user, Action.HANDLE_QUALITY, row.org_unit.path):  # type: ignore[union-attr]
            raise Http404
        return row


class ValueListView(ManageView):
    template_name = "indicators/manage/values.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        user: Any = request.user
        rows = list(selectors.manual_values_filtered(user)[:500])
        for row in rows:
            row.may_change = path_in_scope(user, Action.HANDLE_QUALITY, row.org_unit.path)  # type: ignore[attr-defined,union-attr]
        return render(
            request,
            self.template_name,
            {
                "rows": rows,
                "may_write": has_action(user, Action.HANDLE_QUALITY),
                "may_design": has_action(user, Action.DESIGN),
                "indicators": selectors.manual_indicators(),
            },
        )


class WriteView(ManageView):
    required_action = Action.HANDLE_QUALITY


class ValueCreateView(WriteView):
    template_name = "indicators/manage/value_form.html"

    def form(self, data: Any = None) -> ManualValueForm:
        user = self.request.user
        initial = {}
        key = self.request.GET.get("indicator")
        if key:
            initial["indicator"] = selectors.manual_indicators().filter(key=key).first()
        return ManualValueForm(
            data,
            initial=initial,
            indicators=selectors.manual_indicators(),
            units=selectors.units(user),
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, {"form": self.form(), "creating": True})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self.form(request.POST)
        if form.is_valid():
            try:
                services.manual_value_create(actor=request.user, **form.cleaned_data)
                return HttpResponseRedirect(reverse("indicators:manage"))
            except ValidationError as exc:
                add_service_errors(form, exc)
        return render(request, self.template_name, {"form": form, "creating": True}, status=400)


class ValueEditView(WriteView):
    template_name = "indicators/manage/value_form.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        row = self.value_row(pk, write=True)
        form = ValueEditForm(initial={"value": row.value})
        track(form, row)
        return render(request, self.template_name, {"form": form, "row": row})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        row = self.value_row(pk, write=True)
        form = ValueEditForm(request.POST)
        if form.is_valid():
            try:
                services.manual_value_update(
                    actor=request.user,
                    row=row,
                    value=form.cleaned_data["value"],
                    expected_version=form.expected_version,
                )
                return HttpResponseRedirect(reverse("indicators:manage"))
            except VersionConflict as exc:
                row.refresh_from_db()
                form.show_conflict(exc, {"value": row.value})
            except ValidationError as exc:
                add_service_errors(form, exc)
        return render(request, self.template_name, {"form": form, "row": row}, status=400)


class ValueDeleteView(WriteView):
    template_name = "indicators/manage/confirm_delete.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        row = self.value_row(pk, write=True)
        form = DeleteForm()
        track(form, row)
        return render(request, self.template_name, {"form": form, "row": row})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        row = self.value_row(pk, write=True)
        form = DeleteForm(request.POST)
        if form.is_valid():
            try:
                services.manual_value_delete(
                    actor=request.user, row=row, expected_version=form.expected_version
                )
                return HttpResponseRedirect(reverse("indicators:manage"))
            except VersionConflict as exc:
                form.show_conflict(exc, {})
        return render(request, self.template_name, {"form": form, "row": row}, status=400)


class IndicatorCreateView(ManageView):
    required_action = Action.DESIGN
    template_name = "indicators/manage/indicator_form.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, {"form": IndicatorForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = IndicatorForm(request.POST)
        if form.is_valid():
            try:
                indicator = services.manual_indicator_create(
                    actor=request.user, **form.cleaned_data
                )
                if has_action(request.user, Action.HANDLE_QUALITY):
                    url = reverse("indicators:manage_value_new") + f"?indicator={indicator.key}"
                else:
                    url = reverse("indicators:manage")
                return HttpResponseRedirect(url)
            except ValidationError as exc:
                add_service_errors(form, exc)
        return render(request, self.template_name, {"form": form}, status=400)


class ImportView(WriteView):
    """Upload → dry run shown (every problem with row and column, or what would change) →
    confirm. The confirm carries the file back signed, so nothing is stored in between."""

    template_name = "indicators/manage/import.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, {"form": ImportForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        if "upload" in request.POST:
            return self.confirm(request)
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        upload = form.cleaned_data["file"]
        if upload.size > manual_import.MAX_BYTES:
            form.add_error("file", _("The file is larger than %(mb)s MB.") % {"mb": 2})
            return render(request, self.template_name, {"form": form}, status=400)
        data = upload.read()
        result = manual_import.import_values(
            actor=request.user, filename=upload.name, data=data, dry_run=True
        )
        signed = signing.dumps(
            {"name": upload.name, "data": base64.b64encode(data).decode("ascii")},
            salt=UPLOAD_SALT,
            compress=True,
        )
        return render(
            request,
            self.template_name,
            {"form": ImportForm(), "result": result, "upload": signed if result.ok else ""},
            status=200 if result.ok else 400,
        )

    def confirm(self, request: HttpRequest) -> HttpResponse:
        try:
            payload = signing.loads(
                request.POST.get("upload", ""), salt=UPLOAD_SALT, max_age=60 * 60
            )
            name, data = str(payload["name"]), base64.b64decode(payload["data"])
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            refused = _("The upload has expired or was changed; upload the file again.")
            return render(
                request, self.template_name, {"form": ImportForm(), "refused": refused}, status=400
            )
        result = manual_import.import_values(actor=request.user, filename=name, data=data)
        return render(
            request,
            self.template_name,
            {"form": ImportForm(), "result": result, "done": result.applied},
            status=200 if result.applied else 400,
        )


def _patterns() -> list[URLPattern | URLResolver]:
    from insyn.indicators.views import manage_targets

    return [
        path("manage/", ValueListView.as_view(), name="manage"),
        path("manage/values/new/", ValueCreateView.as_view(), name="manage_value_new"),
        path("manage/values/<int:pk>/edit/", ValueEditView.as_view(), name="manage_value_edit"),
        path(
            "manage/values/<int:pk>/delete/", ValueDeleteView.as_view(), name="manage_value_delete"
        ),
        path("manage/indicators/new/", IndicatorCreateView.as_view(), name="manage_indicator_new"),
        path("manage/import/", ImportView.as_view(), name="manage_import"),
        *manage_targets.urlpatterns,
    ]


urlpatterns: list[URLPattern | URLResolver] = _patterns()


def register() -> None:
    """Navigation: one entry for those who write figures (the targets and groups pages are
    reached from its tabs)."""
    from insyn.core.navigation import NavItem, register_nav

    register_nav(
        NavItem(
            "indicators_manage",
            gettext_lazy("Manage key figures"),
            "indicators:manage",
            Action.HANDLE_QUALITY,
            62,
        )
    )
