"""Staff pages: the indicator page (/indicators/<key>/) and the comparison page
(/indicators/compare/), each with CSV/XLSX of its figures. Aggregates only."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from insyn.core.roles import Action
from insyn.core.viewmixins import InsynView
from insyn.indicators import page_exports
from insyn.indicators.models import Indicator
from insyn.indicators.selectors import comparison as cmp
from insyn.indicators.selectors import page_data, page_tables, pages
from insyn.indicators.views.overview import municipality_and_year

FORMATS = ("csv", "xlsx")


def _indicator(key: str) -> Indicator:
    try:
        return pages.indicator_by_key(key)
    except Indicator.DoesNotExist:
        raise Http404 from None


def _mode(request: HttpRequest) -> str:
    mode = request.GET.get("mode", page_data.RANK)
    return mode if mode in page_data.MODES else page_data.RANK


def _page(request: HttpRequest, key: str) -> tuple[page_data.IndicatorPage | None, str, int]:
    """The indicator page's data, or None with the message for input it cannot use."""
    indicator = _indicator(key)
    user, municipality, year, error = municipality_and_year(request)
    if municipality is None:
        raise Http404
    sex = request.GET.get("sex", "T")
    try:
        data = page_data.indicator_page(
            user,
            indicator,
            municipality,
            year,
            against=request.GET.get("against", ""),
            mode=_mode(request),
            sex=sex if sex in ("T", "K", "M") else "T",
        )
    except cmp.ComparisonError as exc:
        return None, str(exc), year
    return data, error, year


class IndicatorView(InsynView):
    """One key figure for a municipality with its comparisons: aggregates, no person."""

    personal_data = False
    required_action = Action.VIEW_AGGREGATE

    def get(self, request: HttpRequest, key: str) -> HttpResponse:
        data, message, year = _page(request, key)
        user: Any = request.user
        context: dict[str, Any] = {
            "indicator": _indicator(key),
            "page": data,
            "message": message,
            "year": year,
            "municipalities": pages.municipalities_for(user),
            "query": request.GET.urlencode(),
        }
        status = 200
        if data is not None:
            context.update(page_tables.page_context(data))
        else:
            status = 400
        return render(request, "indicators/indicator.html", context, status=status)


class IndicatorDownloadView(InsynView):
    personal_data = False
    required_action = Action.VIEW_AGGREGATE

    def get(self, request: HttpRequest, key: str, fmt: str) -> HttpResponse:
        if fmt not in FORMATS:
            raise Http404
        data, message, _year = _page(request, key)
        if data is None:
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        name = f"nyckeltal-{data.indicator.key}-{data.municipality.code}-{data.year}"
        return page_exports.download(page_tables.indicator_sheets(data), name, fmt)


def _comparison(request: HttpRequest) -> tuple[page_tables.ComparisonTable | None, str]:
    user: Any = request.user
    keys = [k for k in request.GET.getlist("indicator") if k]
    codes = [c for c in request.GET.getlist("area") if c]
    _u, municipality, year, error = municipality_and_year(request)
    if not keys:
        keys = list(pages.catalogue().values_list("key", flat=True)[:6])
    if not codes and municipality is not None:
        area = pages.kolada_area(municipality)
        codes = [area.id] if area else []
        group = pages.similar_group_or_none(municipality, year)
        if group is not None:
            codes += list(group.members.order_by("id").values_list("id", flat=True))
        codes.append("0000")
    try:
        indicators = [pages.indicator_by_key(k) for k in dict.fromkeys(keys)]
    except Indicator.DoesNotExist:
        return None, page_tables.unknown_indicator_message(keys)
    try:
        areas = pages.kolada_areas(list(dict.fromkeys(codes)))
    except pages.PageInputError as exc:
        return None, str(exc)
    table = page_tables.comparison_table(
        user, indicators, areas, year, municipality, mode=_mode(request)
    )
    return table, error


class CompareView(InsynView):
    """Chosen indicators × chosen Kolada areas: published values and derived colours."""

    personal_data = False
    required_action = Action.VIEW_AGGREGATE

    def get(self, request: HttpRequest) -> HttpResponse:
        table, message = _comparison(request)
        _u, municipality, year, _e = municipality_and_year(request)
        return render(
            request,
            "indicators/compare.html",
            {
                "table": table,
                "message": message,
                "year": year,
                "chosen": municipality,
                "catalogue": pages.catalogue(),
                "all_areas": page_tables.area_options(),
                "legend": page_data.legend(table.mode if table else page_data.RANK),
                "query": request.GET.urlencode(),
            },
            status=200 if table is not None else 400,
        )


class CompareDownloadView(InsynView):
    personal_data = False
    required_action = Action.VIEW_AGGREGATE

    def get(self, request: HttpRequest, fmt: str) -> HttpResponse:
        if fmt not in FORMATS:
            raise Http404
        table, message = _comparison(request)
        if table is None:
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        return page_exports.download(
            [page_tables.comparison_sheet(table)], f"jamforelse-{table.year}", fmt
        )


urlpatterns: list[URLPattern] = [
    path("compare/", CompareView.as_view(), name="compare"),
    path("compare/figures.<str:fmt>", CompareDownloadView.as_view(), name="compare_download"),
    path("<slug:key>/", IndicatorView.as_view(), name="indicator"),
    path(
        "<slug:key>/figures.<str:fmt>", IndicatorDownloadView.as_view(), name="indicator_download"
    ),
]


def register() -> None:
    """The pages are reached from the overview ("Nyckeltal", registered there)."""
