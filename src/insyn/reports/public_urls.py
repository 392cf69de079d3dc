"""Public pages without login (published reports: the popular version, the provider
catalogue, any report of a template written for the public), mounted at /public/reports/."""

from __future__ import annotations

from django.urls import URLPattern, path

from insyn.reports.views import public

app_name = "reports_public"

urlpatterns: list[URLPattern] = [
    path("<str:code>/", public.PublicReportListView.as_view(), name="list"),
    path("<str:code>/<int:pk>/", public.PublicReportView.as_view(), name="report"),
    path("<str:code>/<int:pk>/report.pdf", public.PublicReportPdfView.as_view(), name="pdf"),
]
