"""The retention pages (views.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from insyn.retention.views import (
    DryRunView,
    IndexView,
    RuleCreateView,
    RuleDeleteView,
    RuleEditView,
    RunView,
)

app_name = "retention"

urlpatterns: list[URLPattern] = [
    path("", IndexView.as_view(), name="index"),
    path("rules/new/", RuleCreateView.as_view(), name="rule_create"),
    path("rules/<int:pk>/", RuleEditView.as_view(), name="rule_edit"),
    path("rules/<int:pk>/delete/", RuleDeleteView.as_view(), name="rule_delete"),
    path("<int:pk>/dry-run/", DryRunView.as_view(), name="dry_run"),
    path("<int:pk>/run/", RunView.as_view(), name="run"),
]
