"""Staff pages of quality management; each area keeps its own url list in views/<area>.py."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "quality"

urlpatterns: list[URLPattern | URLResolver] = []

# The quality dashboard and yearly statistics (/quality/).
from insyn.quality.views import dashboard as _dashboard  # noqa: E402

urlpatterns += _dashboard.urlpatterns
