"""A urlconf with a view that fails, for the 500 page test."""

from django.urls import include, path

from insyn.core.viewmixins import declare


@declare(personal_data=False)
def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", boom), path("", include("insyn.urls"))]
