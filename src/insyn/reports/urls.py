"""Staff pages of reports (views/reports.py) and their templates (views/templates.py)."""

from __future__ import annotations

from django.urls import URLPattern

from insyn.reports.views import reports, templates

app_name = "reports"

urlpatterns: list[URLPattern] = [*templates.urlpatterns, *reports.urlpatterns]
