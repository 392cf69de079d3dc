"""Deviation pages: report (from every page's navigation), my reports, the handlers' list with
filters and export, and the detail page with the workflow's step forms. Thin: reads through
selectors/deviations.py, writes through services/deviations.py."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import xlsxwriter
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from insyn.clients.models import Case, Client
from insyn.core.audit import record_access
from insyn.core.concurrency import VersionConflict
from insyn.core.exports import csv_rows, excel_safe
from insyn.core.forms import add_service_errors
from insyn.core.roles import Action
from insyn.core.viewmixins import InsynView, get_scoped_object_or_404
from insyn.organisations.models import OrgUnit
from insyn.quality.forms.deviations import (
    STEP_FORMS,
    DeviationFilterForm,
    DeviationReportForm,
    StepForm,
    initial_for,
)
from insyn.quality.models import Deviation
from insyn.quality.selectors import deviations as selectors
from insyn.quality.services import deviations as services

SERVICES: dict[str, Callable[..., Deviation]] = {
    "receive": services.deviation_receive,
    "investigate": services.deviation_investigate,
    "decide_measures": services.deviation_decide_measures,
    "close": services.deviation_close,
    "dpa": services.deviation_record_dpa_notification,
}


class DeviationView(InsynView):
    """Deviations show who reported what (and may name a client): personal data."""

    personal_data = True
    required_action = Action.REPORT_QUALITY
    request: HttpRequest

    def audit(self, action: str, objects: list[Any], **kwargs: Any) -> None:
        record_access(
            actor=self.request.user,
            action=action,
            objects=objects,
            model=Deviation,
            purpose=self.request.GET.get("purpose", ""),
            **kwargs,
        )


def resolve_link(user: Any, ref: str) -> tuple[Client | None, Case | None]:
    """A case reference, else a client reference, among what the user may read."""
    ref = ref.strip()
    if not ref:
        return None, None
    case = (
        Case.objects.restrict(user, Action.VIEW_INDIVIDUAL)
        .select_related("client")
        .filter(case_ref=ref)
        .first()
    )
    if case is not None:
        return case.client, case
    client = Client.objects.restrict(user, Action.VIEW_INDIVIDUAL).filter(client_ref=ref).first()
    if client is None:
        raise ValidationError({"link_ref": _("No client or case you can see has this reference.")})
    return client, None


class DeviationReportView(DeviationView):
    """The minute's form: what, when, where, category, immediate measures."""

    def _form(self, data: Any = None) -> DeviationReportForm:
        return DeviationReportForm(
            data,
            units=services.report_units(self.request.user),
            initial={"unit": services.default_report_unit(self.request.user)},
        )

    def _render(self, form: DeviationReportForm, status: int = 200) -> HttpResponse:
        self.audit("view", [])
        return render(self.request, "quality/deviations/report.html", {"form": form}, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(self._form())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self._form(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                client, case = resolve_link(request.user, data.pop("link_ref"))
                deviation = services.deviation_report(
                    actor=request.user, client=client, case=case, **data
                )
            except ValidationError as exc:
                add_service_errors(form, exc, {"client": "link_ref", "case": "link_ref"})
            else:
                messages.success(
                    request,
                    _("Thank you. Deviation %(ref)s was reported.") % {"ref": deviation.reference},
                )
                return redirect("quality:deviation_detail", pk=deviation.pk)
        return self._render(form, status=400)


class DeviationMineView(DeviationView):
    def get(self, request: HttpRequest) -> HttpResponse:
        page = Paginator(selectors.mine(request.user), 50).get_page(request.GET.get("page"))
        self.audit("list", list(page.object_list))
        return render(
            request,
            "quality/deviations/list.html",
            {"page": page, "mine": True, "title": _("My deviation reports")},
        )


def _filter_form(request: HttpRequest) -> DeviationFilterForm:
    units = OrgUnit.objects.restrict(request.user, Action.VIEW_QUALITY).filter(active=True)
    return DeviationFilterForm(request.GET or None, units=units)


class DeviationListView(DeviationView):
    required_action = Action.VIEW_QUALITY

    def get(self, request: HttpRequest) -> HttpResponse:
        form = _filter_form(request)
        qs = selectors.filtered(selectors.handled(request.user), **form.filters())
        page = Paginator(qs, 50).get_page(request.GET.get("page"))
        for d in page.object_list:  # the 72-hour clock, flagged in the list too
            d.dpa_overdue = selectors.dpa_overdue(d)  # type: ignore[attr-defined]
        self.audit("list", list(page.object_list), detail={"filters": self.request.GET.dict()})
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "quality/deviations/list.html",
            {
                "page": page,
                "form": form,
                "query": query.urlencode(),
                "title": _("Deviations"),
            },
            status=400 if form.is_bound and not form.is_valid() else 200,
        )


def export_columns() -> list[str]:
    return [
        _("Reference"),
        _("State"),
        _("Unit"),
        _("Category"),
        _("Occurred on"),
        _("Reported at"),
        _("Reported by"),
        _("Personal-data incident"),
        _("Linked to a client"),
        _("What happened"),
        _("Immediate measures taken"),
        _("Closed at"),
    ]


def export_row(d: Deviation) -> list[Any]:
    local = timezone.localtime
    return [
        d.reference,
        d.get_state_display(),
        d.unit.name,
        d.category.label,
        d.occurred_on.isoformat(),
        local(d.reported_at).strftime("%Y-%m-%d %H:%M"),
        d.reported_by.get_full_name() or d.reported_by.get_username(),
        _("Yes") if d.personal_data_incident else _("No"),
        _("Yes") if d.client_id else _("No"),
        d.description,
        d.immediate_measures,
        local(d.closed_at).strftime("%Y-%m-%d %H:%M") if d.closed_at else "",
    ]


class DeviationExportView(DeviationView):
    """The filtered list as CSV or XLSX (formula-safe, opens in Swedish Excel); audited."""

    required_action = Action.VIEW_QUALITY

    def get(self, request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
        form = _filter_form(request)
        rows = list(selectors.filtered(selectors.handled(request.user), **form.filters()))
        self.audit("export", rows, detail={"filters": self.request.GET.dict()})
        stamp = f"{timezone.localdate():%Y%m%d}"
        if request.GET.get("format") == "xlsx":
            buffer = io.BytesIO()
            book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
            sheet = book.add_worksheet(_("Deviations")[:31])
            bold = book.add_format({"bold": True})
            for col, name in enumerate(export_columns()):
                sheet.write_string(0, col, str(excel_safe(name)), bold)
            for r, d in enumerate(rows, start=1):
                for col, value in enumerate(export_row(d)):
                    sheet.write_string(r, col, str(excel_safe(str(value))))
            sheet.freeze_panes(1, 1)
            book.close()
            response = HttpResponse(
                buffer.getvalue(),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            response["Content-Disposition"] = f'attachment; filename="avvikelser-{stamp}.xlsx"'
            return response
        streamed = StreamingHttpResponse(
            csv_rows(export_columns(), (export_row(d) for d in rows)),
            content_type="text/csv; charset=utf-8",
        )
        streamed["Content-Disposition"] = f'attachment; filename="avvikelser-{stamp}.csv"'
        return streamed


class DeviationDetailView(DeviationView):
    def get_deviation(self, pk: int) -> Deviation:
        return get_scoped_object_or_404(
            self.request.user, selectors.visible(self.request.user), Deviation.objects, pk=pk
        )

    def _forms(self, deviation: Deviation, bound: StepForm | None) -> dict[str, StepForm]:
        ops = list(services.DEVIATION_FLOW.available(deviation.state))
        if deviation.personal_data_incident:
            ops.append("dpa")
        forms: dict[str, StepForm] = {}
        for op in ops:
            if bound is not None and bound.op == op:
                forms[op] = bound
                continue
            form = STEP_FORMS[op](initial=initial_for(deviation, op))
            form.track(deviation)
            forms[op] = form
        if bound is not None and bound.op not in forms:  # refused step: keep its message
            forms[bound.op] = bound
        return forms

    def _render(
        self, deviation: Deviation, bound: StepForm | None = None, status: int = 200
    ) -> HttpResponse:
        self.audit("view", [deviation])
        can_handle = services.may_handle(self.request.user, deviation)
        return render(
            self.request,
            "quality/deviations/detail.html",
            {
                "deviation": deviation,
                "can_handle": can_handle,
                "step_forms": self._forms(deviation, bound) if can_handle else {},
                "root_causes": list(deviation.root_causes.all()),
                "action_plans": list(deviation.action_plans.all()) if can_handle else [],
                "dpa_deadline": selectors.dpa_deadline(deviation),
                "dpa_overdue": selectors.dpa_overdue(deviation),
            },
            status=status,
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._render(self.get_deviation(pk))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        deviation = self.get_deviation(pk)
        if not services.may_handle(request.user, deviation):
            raise Http404
        op = request.POST.get("op", "")
        if op not in STEP_FORMS:
            raise Http404
        form = STEP_FORMS[op](request.POST)
        if form.is_valid():
            try:
                SERVICES[op](
                    actor=request.user,
                    deviation=deviation,
                    expected_version=form.expected_version,
                    **form.service_data(),
                )
            except VersionConflict as exc:
                deviation.refresh_from_db()
                form.show_conflict(exc, initial_for(deviation, op))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("quality:deviation_detail", pk=deviation.pk)
        deviation.refresh_from_db()
        return self._render(deviation, form, status=400)


urlpatterns = [
    path("deviations/report/", DeviationReportView.as_view(), name="deviation_report"),
    path("deviations/mine/", DeviationMineView.as_view(), name="deviation_mine"),
    path("deviations/", DeviationListView.as_view(), name="deviation_list"),
    path("deviations/export/", DeviationExportView.as_view(), name="deviation_export"),
    path("deviations/<int:pk>/", DeviationDetailView.as_view(), name="deviation_detail"),
]


def register() -> None:
    """Navigation: "Report a deviation" on every page for anyone who may report; the
    handlers' list for those who oversee deviations."""
    from django.utils.translation import gettext_lazy

    from insyn.core.navigation import NavItem, register_nav
    from insyn.quality.digest import DigestSection, register_digest_section

    register_nav(
        NavItem(
            "deviation_report",
            gettext_lazy("Report a deviation"),
            "quality:deviation_report",
            Action.REPORT_QUALITY,
            order=10,
            placement="header",
        )
    )
    register_digest_section(
        DigestSection("deviations", gettext_lazy("Deviations"), selectors.digest_lines, order=20)
    )
    register_nav(
        NavItem(
            "deviations",
            gettext_lazy("Deviations"),
            "quality:deviation_list",
            Action.VIEW_QUALITY,
            order=20,
            placement="quality",
        )
    )
