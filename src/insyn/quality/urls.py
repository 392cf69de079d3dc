"""Staff pages of quality management; each area keeps its own url list in views/<area>.py."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "quality"

urlpatterns: list[URLPattern | URLResolver] = []

from insyn.quality.views import complaints as _complaints  # noqa: E402

urlpatterns += _complaints.urlpatterns
