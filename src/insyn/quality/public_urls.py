"""Public pages without login (the complaint and suggestion form), mounted at /feedback/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from insyn.quality.views import complaints_public

app_name = "quality_public"

urlpatterns: list[URLPattern | URLResolver] = []

urlpatterns += [
    path(
        "<str:code>/",
        complaints_public.ComplaintFormView.as_view(),
        name="complaint_form",
    ),
    path(
        "<str:code>/thanks/",
        complaints_public.ComplaintReceiptView.as_view(),
        name="complaint_receipt",
    ),
]
