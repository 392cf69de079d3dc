"""Staff pages of quality management; each area keeps its own url list in views/<area>.py."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

from insyn.quality.views import lex_sarah as lex_sarah_views

app_name = "quality"

urlpatterns: list[URLPattern | URLResolver] = []

urlpatterns += lex_sarah_views.urlpatterns
