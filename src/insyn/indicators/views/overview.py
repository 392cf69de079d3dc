"""Staff pages: the key-figure overview (/indicators/): a tile per catalogue indicator for
the chosen municipality and year. Aggregates only (personal_data False)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from insyn.core.roles import Action
from insyn.core.viewmixins import InsynView
from insyn.indicators.models import Indicator
from insyn.indicators.selectors import page_data, pages
from insyn.organisations.models import OrgUnit


def municipality_and_year(request: HttpRequest) -> tuple[Any, OrgUnit | None, int, str]:
    """The user, the chosen municipality (404 for one outside the user's) and the year (with
    a message when the input could not be used)."""
    user: Any = request.user
    try:
        municipality = pages.choose_municipality(user, request.GET.get("municipality"))
    except OrgUnit.DoesNotExist:
        raise Http404 from None
    default = pages.latest_year(user, municipality) if municipality else pages.max_year() - 1
    year, error = pages.parse_year(request.GET.get("year"), default)
    return user, municipality, year, error


def catalogue_filter(request: HttpRequest) -> pages.CatalogueFilter:
    """Filters that are not among the choices are ignored (the page says what it shows)."""
    area = request.GET.get("area", "")
    kind = request.GET.get("type", "")
    source = request.GET.get("source", "")
    group_by = request.GET.get("group_by", "dimension")
    return pages.CatalogueFilter(
        area=area if area in pages.operating_areas() else "",
        type=kind if kind in Indicator.Type.values else "",
        source=source if source in Indicator.Source.values else "",
        group_by=group_by if group_by in ("dimension", "area") else "dimension",
    )


class OverviewView(InsynView):
    """Tiles of key figures: published and suppressed aggregates, no person."""

    personal_data = False
    required_action = Action.VIEW_AGGREGATE

    def get(self, request: HttpRequest) -> HttpResponse:
        user, municipality, year, year_error = municipality_and_year(request)
        filters = catalogue_filter(request)
        mode = request.GET.get("mode", page_data.RANK)
        mode = mode if mode in page_data.MODES else page_data.RANK
        groups = page_data.overview(user, municipality, year, filters, mode) if municipality else []
        return render(
            request,
            "indicators/overview.html",
            {
                "groups": groups,
                "chosen": municipality,
                "municipalities": pages.municipalities_for(user),
                "year": year,
                "year_error": year_error,
                "filters": filters,
                "areas": pages.operating_areas(),
                "types": Indicator.Type.choices,
                "sources": Indicator.Source.choices,
                "mode": mode,
                "group": pages.similar_group_or_none(municipality, year),
            },
        )


urlpatterns: list[URLPattern] = [path("", OverviewView.as_view(), name="overview")]


def register() -> None:
    """Navigation: "Nyckeltal" for everyone who sees aggregates."""
    from django.utils.translation import gettext_lazy

    from insyn.core.navigation import NavItem, register_nav

    register_nav(
        NavItem(
            "indicators",
            gettext_lazy("Key figures"),
            "indicators:overview",
            Action.VIEW_AGGREGATE,
            47,
        )
    )
