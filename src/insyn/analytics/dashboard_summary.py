"""The unit dashboard's and the start page's reads: completion per stage, goals, the main
before/after changes and the quarterly trend of one programme.

Every number comes from `aggregate()` with the user's scope, so it is suppressed like everything
else; the views in `insyn.analytics.dashboard` only choose the programme and render. Kept apart
from the views so other apps can read the same figures without the chart stack."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from insyn.analytics import presentation
from insyn.analytics.aggregate import (
    AnalysisError,
    AnalysisRequest,
    AnalysisResult,
    Scope,
    aggregate,
)
from insyn.analytics.selectors import programmes_for
from insyn.analytics.specs import ProgrammeSpec, SpecError, analysable, load_spec
from insyn.core.suppression import TOTAL

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


def home_lines(user: Any) -> list[dict[str, Any]]:
    """The start page's lines: the first three programmes' completion and goal attainment at
    the main stage. A programme that cannot be read is logged and left out, never an error."""
    lines = []
    for key, name in programmes_for(user)[:3]:
        try:
            spec = load_spec(key)
            if spec is None:
                continue
            before, after = main_stages(spec)
            stage = after or before
            variable = next((v for v in analysable(spec.variables) if stage in v.stages), None)
            if variable is None or stage is None:
                continue
            values = _total(_run(AnalysisRequest(key, variable.key, stage=stage), user))
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
    return lines
