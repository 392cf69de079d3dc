from typing import Any

from django.conf import settings
from django.http import HttpRequest

from insyn.core.navigation import nav_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "header_items": [], "insyn_env": settings.INSYN_ENV}
    from insyn.accounts.selectors import needs_second_factor

    if needs_second_factor(request, user):
        return {"nav_items": [], "header_items": [], "insyn_env": settings.INSYN_ENV}
    return {
        "nav_items": nav_for(request),
        "header_items": nav_for(request, "header"),
        "insyn_env": settings.INSYN_ENV,
    }
