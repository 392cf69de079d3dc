"""Staff pages of quality management; each area keeps its own url list in views/<area>.py."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "quality"

urlpatterns: list[URLPattern | URLResolver] = []

from insyn.quality.views.action_plans import urlpatterns as action_plan_urls  # noqa: E402

urlpatterns += action_plan_urls
