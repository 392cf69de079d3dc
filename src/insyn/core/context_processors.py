from typing import Any

from django.conf import settings
from django.http import HttpRequest

from insyn.core.navigation import nav_for, nav_menu


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {
            "nav_items": [],
            "nav_menu": [],
            "header_items": [],
            "insyn_env": settings.INSYN_ENV,
        }
    from insyn.accounts.selectors import needs_second_factor

    if needs_second_factor(request, user):
        return {
            "nav_items": [],
            "nav_menu": [],
            "header_items": [],
            "insyn_env": settings.INSYN_ENV,
        }
    items = nav_for(request)
    return {
        "nav_items": items,  # flat: the start page's tiles, the help page, tests
        "nav_menu": nav_menu(items),
        "header_items": nav_for(request, "header"),
        "insyn_env": settings.INSYN_ENV,
    }
