"""Public pages without login (the complaint and suggestion form), mounted at /feedback/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "quality_public"

urlpatterns: list[URLPattern | URLResolver] = []
