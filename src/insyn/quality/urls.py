"""Staff pages of quality management; each area keeps its own url list in views/<area>.py."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

from insyn.quality.views import (
    action_items,
    action_plans,
    complaints,
    control,
    cycle,
    dashboard,
    deviations,
    lex_sarah,
    non_executed,
    risks,
)

app_name = "quality"

urlpatterns: list[URLPattern | URLResolver] = [
    *dashboard.urlpatterns,
    *deviations.urlpatterns,
    *lex_sarah.urlpatterns,
    *complaints.urlpatterns,
    *action_plans.urlpatterns,
    *action_items.urlpatterns,
    *non_executed.urlpatterns,
    *control.urlpatterns,
    *risks.urlpatterns,
    *cycle.urlpatterns,
]
