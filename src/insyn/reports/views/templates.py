"""The report templates page: shipped and own templates with their versions, export (download
the YAML), upload a new version, deactivate one. Only for those who manage a municipality's
templates (HANDLE_QUALITY where reports are written); anyone else gets the same 404 as for a
missing page. Templates hold no personal data."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from insyn.core.forms import add_service_errors
from insyn.core.roles import Action
from insyn.core.viewmixins import InsynView
from insyn.organisations.models import OrgUnit
from insyn.reports import spec
from insyn.reports.forms import TemplateUploadForm
from insyn.reports.models import ReportTemplate
from insyn.reports.selectors import templates as selectors
from insyn.reports.services import templates as services

YAML_TYPE = "application/yaml; charset=utf-8"


class TemplatesView(InsynView):
    personal_data = False
    required_action = Action.HANDLE_QUALITY

    @classmethod
    def allows(cls, user: Any) -> bool:
        """HANDLE_QUALITY where reports are written (a unit manager's department is not)."""
        return super().allows(user) and selectors.template_municipalities(user).exists()

    def municipalities(self) -> QuerySet[OrgUnit]:
        found = selectors.template_municipalities(self.request.user)  # type: ignore[arg-type]
        if not found.exists():
            raise Http404
        return found

    def own(self, pk: int) -> ReportTemplate:
        row = ReportTemplate.objects.filter(pk=pk, municipality__in=self.municipalities()).first()
        if row is None:
            raise Http404
        return row


def _yaml(source: str, name: str) -> HttpResponse:
    response = HttpResponse(source, content_type=YAML_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class TemplateListView(TemplatesView):
    def page(self, form: TemplateUploadForm, status: int = 200) -> HttpResponse:
        language = "en" if (get_language() or "sv").startswith("en") else "sv"
        rows = selectors.template_rows(self.request.user, language)  # type: ignore[arg-type]
        return render(
            self.request, "reports/templates.html", {"rows": rows, "form": form}, status=status
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page(TemplateUploadForm(municipalities=self.municipalities()))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = TemplateUploadForm(request.POST, request.FILES, municipalities=self.municipalities())
        if not form.is_valid():
            return self.page(form, status=400)
        try:
            template = services.upload(
                actor=request.user,  # type: ignore[arg-type]
                municipality=form.cleaned_data["municipality"],
                source=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                add_service_errors(form, exc)
            else:
                for message in exc.messages:
                    form.add_error("file", message)
            return self.page(form, status=400)
        messages.success(
            request,
            _("Template %(key)s version %(version)s is stored and applies to new drafts.")
            % {"key": template.key, "version": template.version},
        )
        return HttpResponseRedirect(reverse("reports:templates"))


class ShippedExportView(TemplatesView):
    def get(self, request: HttpRequest, key: str) -> HttpResponse:
        self.municipalities()
        try:
            source = spec.shipped_source(key)
        except spec.TemplateError:
            raise Http404 from None
        return _yaml(source, f"{key}.yaml")


class OwnExportView(TemplatesView):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        row = self.own(pk)
        return _yaml(row.source, f"{row.key}-v{row.version}.yaml")


class ActiveView(TemplatesView):
    """POST: deactivate (or, with active=1, reactivate) one own version."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        row = self.own(pk)
        active = request.POST.get("active") == "1"
        services.set_active(actor=request.user, template=row, active=active)  # type: ignore[arg-type]
        if active:
            msg = _("Version %(version)s of %(key)s is active again.")
        else:
            msg = _("Version %(version)s of %(key)s is deactivated: new drafts no longer use it.")
        messages.success(request, msg % {"key": row.key, "version": row.version})
        return HttpResponseRedirect(reverse("reports:templates"))


urlpatterns: list[URLPattern] = [
    path("templates/", TemplateListView.as_view(), name="templates"),
    path("templates/shipped/<slug:key>.yaml", ShippedExportView.as_view(), name="template_shipped"),
    path("templates/<int:pk>.yaml", OwnExportView.as_view(), name="template_export"),
    path("templates/<int:pk>/active/", ActiveView.as_view(), name="template_active"),
]
