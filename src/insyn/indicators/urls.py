"""Staff pages of indicators; each area keeps its own url list in views/<area>.py."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

from insyn.indicators.views import manage, oj, overview, pages

app_name = "indicators"

urlpatterns: list[URLPattern | URLResolver] = [
    *overview.urlpatterns,
    *manage.urlpatterns,
    *oj.urlpatterns,
    *pages.urlpatterns,  # last: it owns /indicators/<key>/
]
