"""The public pages of published reports (no login): a municipality's list, a report page and
its PDF. Read from the frozen document and the stored file only — never live data, never a
draft; anything not published answers the same 404 as a missing page. Aggregates only
(personal_data False): a report never holds an individual's data."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views import View

from insyn.reports import selectors
from insyn.reports.document import Document
from insyn.reports.models import Report, ReportFile
from insyn.reports.renderers import CONTENT_TYPES, filename
from insyn.reports.renderers.html import render_html


class PublicReportsBase(View):
    personal_data: ClassVar[bool] = False

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        municipality = selectors.public_municipality(kwargs.get("code", ""))
        if municipality is None:
            raise Http404
        self.municipality = municipality
        return super().dispatch(request, *args, **kwargs)

    def published(self, pk: int) -> Report:
        try:
            return selectors.published_report(self.municipality, pk)
        except Report.DoesNotExist:
            raise Http404 from None


class PublicReportListView(PublicReportsBase):
    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        lang = request.GET.get("lang", "")
        lang = lang if lang in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        with translation.override(lang):
            return render(
                request,
                "reports/public/list.html",
                {
                    "municipality": self.municipality,
                    "reports": selectors.published_reports(self.municipality),
                    "lang": lang,
                },
            )


class PublicReportView(PublicReportsBase):
    def get(self, request: HttpRequest, code: str, pk: int) -> HttpResponse:
        report = self.published(pk)
        doc = Document.from_data(report.frozen_document or {})
        with translation.override(doc.language):
            return render(
                request,
                "reports/public/report.html",
                {
                    "municipality": self.municipality,
                    "report": report,
                    "doc": doc,
                    "lang": doc.language,
                    "document_html": render_html(doc),
                    "has_pdf": report.files.filter(format=ReportFile.Format.PDF).exists(),
                },
            )


class PublicReportPdfView(PublicReportsBase):
    """The PDF stored when the report was approved, byte for byte."""

    def get(self, request: HttpRequest, code: str, pk: int) -> HttpResponse:
        report = self.published(pk)
        stored = report.files.filter(format=ReportFile.Format.PDF).first()
        if stored is None:
            raise Http404
        doc = Document.from_data(report.frozen_document or {})
        response = HttpResponse(bytes(stored.content), content_type=CONTENT_TYPES["pdf"])
        response["Content-Disposition"] = f'attachment; filename="{filename(doc, "pdf")}"'
        return response
