"""Staff pages of reports: the list (and a new draft), the preview with approval and
downloads, editing a text block. Aggregates only (personal_data False): a report never holds
an individual's data."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _

from insyn.core.forms import add_service_errors
from insyn.core.roles import Action
from insyn.core.scoping import path_in_scope
from insyn.core.viewmixins import InsynView
from insyn.reports import selectors, spec
from insyn.reports.forms import ApproveForm, PublishForm, ReportCreateForm, TextForm
from insyn.reports.models import Report
from insyn.reports.renderers import CONTENT_TYPES, filename
from insyn.reports.renderers import render as render_file
from insyn.reports.renderers.html import render_html
from insyn.reports.services import publishing
from insyn.reports.services import reports as services
from insyn.reports.services.build import document_for, live_document


class ReportsView(InsynView):
    personal_data = False
    required_action = Action.VIEW_QUALITY

    def report(self, pk: int) -> Report:
        try:
            return selectors.report_for(self.request.user, pk)  # type: ignore[arg-type]
        except Report.DoesNotExist:
            raise Http404 from None

    def may_write(self, report: Report | None = None) -> bool:
        if report is None:
            return selectors.writable_units(self.request.user).exists()  # type: ignore[arg-type]
        return path_in_scope(self.request.user, Action.HANDLE_QUALITY, report.unit.path)


class ReportListView(ReportsView):
    def page(self, form: ReportCreateForm | None, status: int = 200) -> HttpResponse:
        reports = selectors.reports_for(self.request.user)  # type: ignore[arg-type]
        return render(
            self.request, "reports/list.html", {"reports": reports, "form": form}, status=status
        )

    def form(self, data: Any = None) -> ReportCreateForm | None:
        if not self.may_write():
            return None
        return ReportCreateForm(data, units=selectors.writable_units(self.request.user))  # type: ignore[arg-type]

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page(self.form())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self.form(request.POST)
        if form is None:
            raise Http404
        if not form.is_valid():
            return self.page(form, status=400)
        data = form.cleaned_data
        try:
            report = services.create_draft(
                actor=request.user,  # type: ignore[arg-type]
                unit=data["unit"],
                template_key=data["template"],
                year=data["year"],
                language=data["language"],
                title=data["title"],
            )
        except (ValidationError, spec.TemplateError) as exc:
            if isinstance(exc, spec.TemplateError):
                form.add_error("template", str(exc))
            else:
                add_service_errors(form, exc)
            return self.page(form, status=400)
        return HttpResponseRedirect(reverse("reports:detail", args=[report.pk]))


class ReportDetailView(ReportsView):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.page(self.report(pk))

    def page(
        self, report: Report, form: ApproveForm | None = None, status: int = 200
    ) -> HttpResponse:
        user: Any = self.request.user
        doc = document_for(report, user)
        writable = self.may_write(report)
        diffs = []
        if report.is_frozen:
            live = live_document(report, user)
            diffs = selectors.differences(doc, live)
        elif writable and form is None:
            form = ApproveForm(initial={"version": report.version})
        ctx = {
            "report": report,
            "doc": doc,
            "document_html": render_html(
                doc, editable=writable and not report.is_frozen, report=report
            ),
            "form": form if writable and not report.is_frozen else None,
            "differences": diffs,
            "formats": ["pdf", "docx", "html"],
            "builds": selectors.builds_of(report),
            "may_build": writable and not report.is_frozen,
            "build_formats": ["pdf", "docx"],
            "poll_seconds": 2,
            "publish_form": PublishForm(initial={"version": report.version})
            if writable and report.is_frozen and report.is_public_template
            else None,
            "public_url": self.request.build_absolute_uri(
                reverse("reports_public:report", args=[report.municipality.code, report.pk])
            )
            if report.is_published
            else "",
        }
        return render(self.request, "reports/detail.html", ctx, status=status)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        report = self.report(pk)
        if not self.may_write(report):
            raise Http404
        if "publish" in request.POST or "unpublish" in request.POST:
            return self.publish(report, unpublish="unpublish" in request.POST)
        form = ApproveForm(request.POST)
        if not form.is_valid():
            return self.page(report, form, status=400)
        try:
            services.approve(
                actor=request.user,  # type: ignore[arg-type]
                report=report,
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            report.refresh_from_db()
            messages.error(request, " ".join(exc.messages))
            return self.page(report, status=409)
        messages.success(request, _("The report is approved and frozen."))
        return HttpResponseRedirect(reverse("reports:detail", args=[report.pk]))

    def publish(self, report: Report, *, unpublish: bool) -> HttpResponse:
        form = PublishForm(self.request.POST)
        if not form.is_valid():
            messages.error(self.request, _("The form was not complete; reload the page."))
            return self.page(report, status=400)
        act = publishing.unpublish if unpublish else publishing.publish
        try:
            act(
                actor=self.request.user,  # type: ignore[arg-type]
                report=report,
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            report.refresh_from_db()
            messages.error(self.request, " ".join(exc.messages))
            return self.page(report, status=409)
        messages.success(
            self.request,
            _("The report is no longer public.")
            if unpublish
            else _("The report is published on the public pages."),
        )
        return HttpResponseRedirect(reverse("reports:detail", args=[report.pk]))


class ReportTextView(ReportsView):
    def block(self, report: Report, block_id: str) -> dict[str, Any]:
        found = next(
            (
                b
                for b in spec.blocks(report.template)
                if b["id"] == block_id and b["kind"] == "narrative"
            ),
            None,
        )
        if found is None or report.is_frozen or not self.may_write(report):
            raise Http404
        return found

    def page(
        self, report: Report, block: dict[str, Any], form: TextForm, status: int = 200
    ) -> HttpResponse:
        ctx = {
            "report": report,
            "block": block,
            "title": spec.block_label(report.template, block["id"], report.language),
            "form": form,
        }
        return render(self.request, "reports/text.html", ctx, status=status)

    def get(self, request: HttpRequest, pk: int, block_id: str) -> HttpResponse:
        report = self.report(pk)
        block = self.block(report, block_id)
        current = report.narratives.get(block_id, spec.text(block.get("text"), report.language))
        return self.page(
            report, block, TextForm(initial={"text": current, "version": report.version})
        )

    def post(self, request: HttpRequest, pk: int, block_id: str) -> HttpResponse:
        report = self.report(pk)
        block = self.block(report, block_id)
        form = TextForm(request.POST)
        if not form.is_valid():
            return self.page(report, block, form, status=400)
        try:
            services.save_narrative(
                actor=request.user,  # type: ignore[arg-type]
                report=report,
                block_id=block_id,
                markdown=form.cleaned_data["text"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.page(report, block, form, status=409)
        messages.success(request, _("The text is saved."))
        return HttpResponseRedirect(
            reverse("reports:detail", args=[report.pk]) + f"#block-{block_id}"
        )


class ReportDownloadView(ReportsView):
    """An approved report's stored file (byte for byte), or a draft rendered from live data."""

    def get(self, request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
        report = self.report(pk)
        if fmt not in CONTENT_TYPES:
            raise Http404
        doc = document_for(report, request.user)  # type: ignore[arg-type]
        stored = report.files.filter(format=fmt).first() if report.is_frozen else None
        content = bytes(stored.content) if stored else render_file(doc, fmt)
        response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
        disposition = "inline" if fmt == "html" else "attachment"
        response["Content-Disposition"] = f'{disposition}; filename="{filename(doc, fmt)}"'
        return response


urlpatterns: list[URLPattern] = [
    path("", ReportListView.as_view(), name="list"),
    path("<int:pk>/", ReportDetailView.as_view(), name="detail"),
    path("<int:pk>/text/<slug:block_id>/", ReportTextView.as_view(), name="edit_text"),
    path("<int:pk>/file.<str:fmt>", ReportDownloadView.as_view(), name="download"),
]
