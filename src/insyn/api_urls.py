"""The REST API: one router; each app adds its viewsets in its api.register(router)."""

from importlib import import_module

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from insyn.accounts.api import MeView
from insyn.organisations.api import MembershipViewSet, OrgUnitViewSet

router = DefaultRouter()
router.register("org-units", OrgUnitViewSet, basename="orgunit")
router.register("memberships", MembershipViewSet, basename="membership")

extra = []
for app in (
    "clients",
    "followup",
    "surveys",
    "analytics",
    "imports",
    "quality",
    "indicators",
    "reports",
):
    extra += import_module(f"insyn.{app}.api").register(router)

# Marked so the audit-completeness test knows the router's index holds no personal data.
router.APIRootView.personal_data = False  # type: ignore[attr-defined]
SpectacularAPIView.personal_data = False  # type: ignore[attr-defined]

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    *extra,
    path("", include(router.urls)),
]
