"""A urlconf with views that fail, for the error page tests (the product's handlers too)."""

from django.core.exceptions import PermissionDenied
from django.urls import include, path

from insyn.core.viewmixins import declare
from insyn.urls import handler400, handler403, handler404, handler500

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


@declare(personal_data=False)
def boom(request):
    raise RuntimeError("a bug")


@declare(personal_data=False)
def forbidden(request):
    raise PermissionDenied("insyn.secret.internal reason")


urlpatterns = [
    path("boom/", boom),
    path("api/boom/", boom),
    path("forbidden/", forbidden),
    path("api/forbidden/", forbidden),
    path("", include("insyn.urls")),
]
