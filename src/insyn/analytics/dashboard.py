"""The unit dashboard and the start-page panel: completion, goals, main changes, trend.
The figures are read in `insyn.analytics.dashboard_summary`; these views choose the programme
and the unit the user may see, and render."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from insyn.analytics import charts, selectors
from insyn.analytics.dashboard_summary import home_lines, summary
from insyn.analytics.specs import ProgrammeSpec, SpecError, load_spec
from insyn.core.roles import Action
from insyn.core.validation import parse_int
from insyn.core.viewmixins import InsynView


def _choice(request: HttpRequest) -> tuple[ProgrammeSpec, tuple[int, ...], list[tuple[str, str]]]:
    programmes = selectors.programmes_for(request.user)
    if not programmes:
        raise Http404
    key = request.GET.get("programme") or programmes[0][0]
    if key not in dict(programmes):
        raise Http404
    try:
        spec = load_spec(key)
    except SpecError as exc:
        raise Http404 from exc
    if spec is None:
        raise Http404
    unit = request.GET.get("unit", "")
    units: tuple[int, ...] = ()
    if unit:
        unit_id = parse_int(unit)
        if unit_id is None or not selectors.units_for(request.user).filter(pk=unit_id).exists():
            raise Http404
        units = (unit_id,)
    return spec, units, programmes


class DashboardView(InsynView):
    personal_data = False
    required_action = Action.VIEW_AGGREGATE

    def get(self, request: HttpRequest) -> HttpResponse:
        if not request.GET and not selectors.programmes_for(request.user):
            # the menu shows the page to everyone with the action: an empty state, not a 404
            # (asking for a programme or a unit that is not there still answers 404)
            return render(request, "analytics/dashboard_empty.html")
        spec, units, programmes = _choice(request)
        return render(
            request,
            "analytics/dashboard.html",
            {
                "spec": spec,
                "programmes": programmes,
                "units": selectors.units_for(request.user),
                "unit": units[0] if units else None,
                "summary": summary(spec, request.user, units),
                "query": request.GET.urlencode(),
            },
        )


class DashboardChartView(InsynView):
    personal_data = False
    required_action = Action.VIEW_AGGREGATE

    def get(self, request: HttpRequest) -> HttpResponse:
        spec, units, _programmes = _choice(request)
        points = []
        for line in summary(spec, request.user, units)["trend"]:
            for key, series in (
                ("completion", _("Follow-ups done")),
                ("goals", _("Goals achieved")),
            ):
                if line[key] is not None:
                    points.append(
                        {"quarter": line["quarter"], "series": series, "value": line[key]}
                    )
        svg = charts.trend_svg(points, _("Trend by start quarter"))
        return HttpResponse(svg, content_type="image/svg+xml")


def home_panel(request: HttpRequest) -> dict[str, Any]:
    """Start page: the first programmes' completion and goal attainment, never an error."""
    return {"analysis_lines": home_lines(request.user)}
