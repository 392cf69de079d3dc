"""Staff pages of reports (views/reports.py)."""

from __future__ import annotations

from django.urls import URLPattern

from insyn.reports.views import reports

app_name = "reports"

urlpatterns: list[URLPattern] = [*reports.urlpatterns]
