"""REST endpoints of the imports app."""

from rest_framework.routers import DefaultRouter

from insyn.core.api import ApiExtra


def register(router: DefaultRouter) -> list[ApiExtra]:
    """Add this app's viewsets to the router; return extra (non-router) API paths."""
    return []
