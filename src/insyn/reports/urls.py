"""Staff pages of reports (views/reports.py), their templates (views/templates.py) and
background builds (views/builds.py)."""

from __future__ import annotations

from django.urls import URLPattern

from insyn.reports.views import builds, reports, templates

app_name = "reports"

urlpatterns: list[URLPattern] = [
    *templates.urlpatterns,
    *reports.urlpatterns,
    *builds.urlpatterns,
]
