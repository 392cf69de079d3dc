"""REST endpoints of the clients domain: clients, cases, decisions, interventions, investigations
and appeals (restricted, audited, written through the same services as the web) and providers
and catalogues (read).

Catalogue values are given and returned as codes. A personnummer may be given when a client is
registered but is never returned; finding a client by number is a POST, so the number stays
out of addresses and logs.
"""

from __future__ import annotations

from rest_framework.routers import DefaultRouter

from insyn.clients.api.cases import CaseViewSet, DecisionViewSet, InterventionViewSet
from insyn.clients.api.casework import AppealViewSet, InvestigationViewSet
from insyn.clients.api.catalogues import CATALOGUES, ProviderViewSet, catalogue_viewset
from insyn.clients.api.clients import ClientViewSet
from insyn.core.api import ApiExtra


def register(router: DefaultRouter) -> list[ApiExtra]:
    """Add this app's viewsets to the router; return extra (non-router) API paths."""
    router.register("clients", ClientViewSet, basename="client")
    router.register("cases", CaseViewSet, basename="case")
    router.register("decisions", DecisionViewSet, basename="decision")
    router.register("interventions", InterventionViewSet, basename="intervention")
    router.register("investigations", InvestigationViewSet, basename="investigation")
    router.register("appeals", AppealViewSet, basename="appeal")
    router.register("providers", ProviderViewSet, basename="provider")
    for prefix, model, extra in CATALOGUES:
        router.register(
            f"catalogues/{prefix}",
            catalogue_viewset(model, extra),
            basename=model._meta.model_name,
        )
    return []
