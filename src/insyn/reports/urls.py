"""Staff pages of reports (views/reports.py, background builds in views/builds.py)."""

from __future__ import annotations

from django.urls import URLPattern

from insyn.reports.views import builds, reports

app_name = "reports"

urlpatterns: list[URLPattern] = [*reports.urlpatterns, *builds.urlpatterns]
