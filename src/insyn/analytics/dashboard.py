"""The unit dashboard and the start-page panel: completion, goals, main changes, trend.
Every number comes from `aggregate()`, so it is suppressed like everything else."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from insyn.analytics import charts, presentation, selectors
from insyn.analytics.aggregate import (
    AnalysisError,
    AnalysisRequest,
    AnalysisResult,
    Scope,
    aggregate,
)
from insyn.analytics.specs import ProgrammeSpec, SpecError, analysable, load_spec
from insyn.core.roles import Action
from insyn.core.suppression import TOTAL
from insyn.core.validation import parse_int
from insyn.core.viewmixins import InsynView

logger = logging.getLogger(__name__)


@dataclass
class StageLine:
    name: str
    due: str
    done: str
    rate: str


@dataclass
class ChangeLine:
    label: str
    pairs: str
    before: str
    after: str
    change: str
    improved: str


def _run(request: AnalysisRequest, user: Any) -> AnalysisResult | None:
    try:
        return aggregate(request, scope=Scope.for_user(user))
    except AnalysisError:
        return None


def _total(result: AnalysisResult | None) -> dict[str, Any]:
    row = result.total() if result else None
    return row.values if row and not row.suppressed else {}


def main_stages(spec: ProgrammeSpec) -> tuple[str | None, str | None]:
    before = next((s.key for s in spec.stages if s.kind == "before"), None)
    after = next((s.key for s in spec.stages if s.kind in ("after", "later")), None)
    return before, after


def summary(spec: ProgrammeSpec, user: Any, units: tuple[int, ...] = ()) -> dict[str, Any]:
    """Completion per stage, goals, main before/after changes and the quarterly trend."""
    variables = analysable(spec.variables)
    stages: list[StageLine] = []
    goals: dict[str, Any] = {}
    for stage_spec in spec.stages:
        variable = next((v for v in variables if stage_spec.key in v.stages), None)
        if variable is None:
            continue
        request = AnalysisRequest(spec.key, variable.key, stage=stage_spec.key, units=units)
        values = _total(_run(request, user))
        goals = goals or values
        stages.append(
            StageLine(
                stage_spec.name,
                presentation.fmt_count(values.get("due")),
                presentation.fmt_count(values.get("done")),
                presentation.fmt_share(values.get("completion_rate")),
            )
        )
    before, after = main_stages(spec)
    changes: list[ChangeLine] = []
    trend: list[dict[str, Any]] = []
    mains = [v for v in variables if v.is_main_measure and v.is_numeric]
    for variable in mains:
        if before is None or after is None or not {before, after} <= set(variable.stages):
            continue
        request = AnalysisRequest(spec.key, variable.key, compare=(before, after), units=units)
        values = _total(_run(request, user))
        changes.append(
            ChangeLine(
                variable.label,
                presentation.fmt_count(values.get("pairs")),
                presentation.fmt_number(values.get("mean_before")),
                presentation.fmt_number(values.get("mean_after")),
                presentation.fmt_number(values.get("mean_change")),
                presentation.fmt_share(values.get("share_improved")),
            )
        )
    trend_variable = next(
        (v for v in variables if after is not None and after in v.stages), None
    ) or (variables[0] if variables else None)
    if trend_variable is not None:
        stage = after if after in trend_variable.stages else trend_variable.stages[0]
        result = _run(
            AnalysisRequest(
                spec.key, trend_variable.key, stage=stage, by=("start_quarter",), units=units
            ),
            user,
        )
        for row in result.rows if result else []:
            if row.group[0] is TOTAL or row.group[0] is None:
                continue
            trend.append(
                {
                    "quarter": row.group[0],
                    "n": presentation.fmt_count(row.values.get("n")),
                    "completion": row.values.get("completion_rate"),
                    "goals": row.values.get("share_achieved"),
                    "completion_text": presentation.fmt_share(row.values.get("completion_rate")),
                    "goals_text": presentation.fmt_share(row.values.get("share_achieved")),
                    "suppressed": row.suppressed,
                }
            )
    return {
        "stages": stages,
        "goals": {
            "assessed": presentation.fmt_count(goals.get("goals_assessed")),
            "achieved": presentation.fmt_share(
                goals.get("share_achieved"),
                goals.get("share_achieved_low"),
                goals.get("share_achieved_high"),
            ),
            "partly": presentation.fmt_share(goals.get("share_partly")),
            "not": presentation.fmt_share(goals.get("share_not")),
            "n": presentation.fmt_count(goals.get("n")),
        },
        "changes": changes,
        "trend": trend,
    }


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
    lines = []
    for key, name in selectors.programmes_for(request.user)[:3]:
        try:
            spec = load_spec(key)
            if spec is None:
                continue
            before, after = main_stages(spec)
            stage = after or before
            variable = next((v for v in analysable(spec.variables) if stage in v.stages), None)
            if variable is None or stage is None:
                continue
            values = _total(_run(AnalysisRequest(key, variable.key, stage=stage), request.user))
        except (SpecError, OSError):
            logger.exception("analysis panel for %s failed", key)
            continue
        lines.append(
            {
                "key": key,
                "name": name,
                "n": presentation.fmt_count(values.get("n")),
                "completion": presentation.fmt_share(values.get("completion_rate")),
                "goals": presentation.fmt_share(values.get("share_achieved")),
            }
        )
    return {"analysis_lines": lines}
