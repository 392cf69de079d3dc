"""The quality dashboard (/quality/): cards, charts with their tables, and the yearly
statistics as CSV/XLSX. Thin: the figures come from selectors/dashboard.py and
selectors/stats.py (the one computation the API, the CLI and the quality report share)."""

from __future__ import annotations

import io
from typing import Any

import altair as alt
import vl_convert
import xlsxwriter
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from insyn.analytics.charts import PALETTE, WIDTH
from insyn.analytics.frame_export import XLSX_OPTIONS
from insyn.core.audit import record_access
from insyn.core.exports import csv_rows, excel_safe
from insyn.core.roles import Action
from insyn.core.validation import parse_int
from insyn.core.viewmixins import InsynView
from insyn.organisations.models import OrgUnit
from insyn.quality.dashboard_panels import panels_for
from insyn.quality.models import Complaint
from insyn.quality.selectors import dashboard as live
from insyn.quality.selectors import stats as year_stats

CHARTS = ("ages", "months", "categories")


def _filters(request: HttpRequest) -> tuple[OrgUnit | None, OrgUnit | None, list[OrgUnit]]:
    """The chosen unit (a subtree the user sees) and municipality; 404 for anything else."""
    user: Any = request.user
    municipalities = year_stats.municipalities_for(user)
    unit: OrgUnit | None = None
    raw_unit = request.GET.get("unit", "")
    if raw_unit:
        unit_id = parse_int(raw_unit)
        unit = live.units_for(user).filter(pk=unit_id).first() if unit_id is not None else None
        if unit is None:
            raise Http404
    municipality: OrgUnit | None = municipalities[0] if municipalities else None
    code = request.GET.get("municipality", "")
    if code:
        municipality = next((m for m in municipalities if m.code == code), None)
        if municipality is None:
            raise Http404
    if unit is not None:
        municipality = unit.municipality or unit
        if municipality not in municipalities:
            raise Http404
    return unit, municipality, municipalities


def _year(request: HttpRequest) -> tuple[int, str]:
    """The year asked for, or this year with a message when it cannot be read."""
    raw = request.GET.get("year", "")
    if not raw:
        return timezone.localdate().year, ""
    try:
        return year_stats.parse_year(raw), ""
    except year_stats.StatsError as exc:
        return timezone.localdate().year, str(exc)


class DashboardView(InsynView):
    """Lists open complaints and lex Sarah reports by reference (no texts): personal data."""

    personal_data = True
    required_action = Action.VIEW_QUALITY

    def get(self, request: HttpRequest) -> HttpResponse:
        user: Any = request.user
        unit, municipality, municipalities = _filters(request)
        year, year_error = _year(request)
        board = live.quality_dashboard(user=user, unit=unit)
        panels = panels_for(user, unit, board.today)
        result = None
        if municipality is not None:
            result = year_stats.quality_year_stats(
                municipality=municipality, year=year, user=user, unit=unit
            )
        record_access(actor=user, action="list", objects=board.shown_objects(), model=Complaint)
        query = request.GET.copy()
        query["year"] = str(year)
        if municipality is not None:
            query["municipality"] = municipality.code
        return render(
            request,
            "quality/dashboard/index.html",
            {
                "board": board,
                "panels": panels,
                "stats": result,
                "year": year,
                "year_error": year_error,
                "unit": unit,
                "units": live.units_for(user),
                "municipality": municipality,
                "municipalities": municipalities,
                "query": query.urlencode(),
                "bands": [b[0] for b in live.AGE_BANDS],
            },
        )


class StatsDownloadView(InsynView):
    """The yearly statistics as a file: counts only (the client breakdown suppressed)."""

    personal_data = False
    required_action = Action.VIEW_QUALITY

    def get(self, request: HttpRequest, fmt: str) -> HttpResponse | StreamingHttpResponse:
        if fmt not in ("csv", "xlsx"):
            raise Http404
        unit, municipality, _all = _filters(request)
        if municipality is None:
            raise Http404
        try:
            year = year_stats.parse_year(request.GET.get("year", ""))
        except year_stats.StatsError as exc:
            return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
        user: Any = request.user
        result = year_stats.quality_year_stats(
            municipality=municipality, year=year, user=user, unit=unit
        )
        name = f"kvalitetsstatistik-{municipality.code}-{year}"
        if fmt == "csv":
            response: HttpResponse | StreamingHttpResponse = StreamingHttpResponse(
                csv_rows(year_stats.HEADER, result.records()),
                content_type="text/csv; charset=utf-8",
            )
        else:
            response = HttpResponse(
                xlsx_bytes(result),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
        return response


def xlsx_bytes(result: year_stats.YearStats) -> bytes:
    """Sheet 1 the figures, sheet 2 where they come from; every text cell formula-safe."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {**XLSX_OPTIONS, "in_memory": True})
    try:
        bold = workbook.add_format({"bold": True})
        sheet = workbook.add_worksheet(_("Statistics")[:31])
        for col, name in enumerate(year_stats.HEADER):
            sheet.write_string(0, col, name, bold)
        rows = [r for r in result.records() if r[0] != "about"]
        for r, values in enumerate(rows, start=1):
            for col, value in enumerate(values):
                if isinstance(value, int):
                    sheet.write_number(r, col, value)
                elif value is not None:
                    sheet.write_string(r, col, str(excel_safe(str(value))))
        sheet.freeze_panes(1, 0)
        info = workbook.add_worksheet(_("About")[:31])
        for r, (key, value) in enumerate(result.about().items()):
            info.write_string(r, 0, key, bold)
            info.write_string(r, 1, str(excel_safe(str(value))))
    finally:
        workbook.close()
    return buffer.getvalue()


class ChartView(InsynView):
    """A chart of the dashboard as SVG (an image: the CSP holds); the page's table next to it
    is the text alternative, with the same numbers."""

    personal_data = False
    required_action = Action.VIEW_QUALITY

    def get(self, request: HttpRequest, kind: str) -> HttpResponse:
        if kind not in CHARTS:
            raise Http404
        unit, _m, _all = _filters(request)
        user: Any = request.user
        board = live.quality_dashboard(user=user, unit=unit)
        if kind == "ages":
            data = [
                {"x": band, "series": label, "value": board.deviation_ages[state][band]}
                for state, label in board.states
                for band in board.deviation_band_totals
            ]
            svg = bar_svg(data, _("Open deviations by age (days)"), _("Days since reported"))
        elif kind == "months":
            data = [{"x": m, "series": _("Deviations"), "value": n} for m, n in board.by_month]
            svg = bar_svg(data, _("Deviations per month"), _("Month"))
        else:
            data = [
                {"x": label, "series": _("Deviations"), "value": n}
                for _c, label, n in board.by_category
            ]
            svg = bar_svg(data, _("Deviations by category, last 12 months"), _("Category"))
        return HttpResponse(svg, content_type="image/svg+xml")


def bar_svg(data: list[dict[str, Any]], title: str, x_title: str) -> str:
    """Stacked bars per x value and series, in the analytics charts' palette and size."""
    chart = (
        alt.Chart(alt.Data(values=data))
        .mark_bar()
        .encode(
            x=alt.X("x:N", title=x_title, sort=None, axis=alt.Axis(labelAngle=-30, labelLimit=160)),
            y=alt.Y("value:Q", title=_("Number"), axis=alt.Axis(format="d")),
            color=alt.Color(
                "series:N",
                title="",
                scale=alt.Scale(range=PALETTE),
                legend=alt.Legend(orient="bottom"),
            ),
        )
        .properties(width=WIDTH, height=240, title=title)
    )
    swedish = (get_language() or "sv").startswith("sv")
    return str(
        vl_convert.vegalite_to_svg(chart.to_dict(), format_locale="sv-SE" if swedish else "en-US")
    )


urlpatterns: list[URLPattern] = [
    path("", DashboardView.as_view(), name="dashboard"),
    path(
        "statistics.<str:fmt>",
        StatsDownloadView.as_view(),
        name="dashboard_stats_download",
    ),
    path("charts/<str:kind>.svg", ChartView.as_view(), name="dashboard_chart"),
]


def register() -> None:
    """Navigation: "Kvalitet" for everyone who sees quality data somewhere."""
    from django.utils.translation import gettext_lazy

    from insyn.core.navigation import NavItem, register_nav

    register_nav(
        NavItem("quality", gettext_lazy("Quality"), "quality:dashboard", Action.VIEW_QUALITY, 45)
    )
