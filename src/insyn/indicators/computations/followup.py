"""Computed key figures from follow-up: completion rate, goal attainment and the before/after
improvement share of a programme (docs/indicators.md, "Figures from follow-up, surveys and
quality"). Each computation calls `register` (or `register_family`) at import.

Completion and before/after read the analytics engine's analysis frames (one row per
enrolment, built and cached by `insyn.analytics.frames.store`) with DuckDB and use the engine's
rules: an occasion's status as of today (`plan.effective_status`), "due" = done + missed
(non-response) + overdue, "improved" = the pair moved the variable's better way. They do not
call `aggregate()`: it filters on the enrolment's start date and suppresses, while a key figure
counts occasions by their due date (or the after occasion's date) and stays raw until
`selectors.figures` suppresses it on read. Goal attainment reads Goal rows: the frame holds an
enrolment's goal counts but not when each goal was assessed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from insyn.analytics.frames import store
from insyn.analytics.frames.build import ident, lit
from insyn.analytics.plan import effective_status
from insyn.analytics.specs import ProgrammeSpec, VariableSpec, load_spec
from insyn.followup.models import Goal, Programme
from insyn.indicators.computations import Cell, register, register_family
from insyn.indicators.computations._measures import ComputationError, roll_up, split_param
from insyn.indicators.periods import Period
from insyn.organisations.models import OrgUnit

BEFORE_AFTER = "before_after_improvement"
ASSESSED = (Goal.Outcome.ACHIEVED, Goal.Outcome.PARTLY, Goal.Outcome.NOT)


def main_stages(spec: ProgrammeSpec) -> tuple[str | None, str | None]:
    """The first before stage and the first after (or later) stage: the same pair as the
    unit dashboard's main measures (`insyn.analytics.dashboard.main_stages`, which pulls in
    the chart stack, so not imported here)."""
    before = next((s.key for s in spec.stages if s.kind == "before"), None)
    after = next((s.key for s in spec.stages if s.kind in ("after", "later")), None)
    return before, after


def _programme_keys(municipality: OrgUnit) -> list[str]:
    return sorted(
        set(
            Programme.objects.filter(
                enrollments__unit__path__startswith=municipality.path
            ).values_list("key", flat=True)
        )
    )


def _frame_rows(
    spec: ProgrammeSpec, municipality: OrgUnit, select: str, where: str
) -> list[tuple[str, str | None, float, float]]:
    """(unit_path, sex, numerator, denominator) grouped from the municipality's frame."""
    frame = store.frame(spec, [municipality.pk])
    sql = (
        f"SELECT unit_path, sex, {select} FROM {frame.source_sql()} "  # noqa: S608
        f"WHERE municipality_id = {int(municipality.pk)} AND ({where}) GROUP BY ALL"
    )
    rows = store.reader().sql(sql).fetchall()
    return [(path, sex, float(n), float(d)) for path, sex, n, d in rows]


def _dates(period: Period) -> tuple[str, str]:
    return lit(period.start.isoformat()), lit(period.end.isoformat())


@dataclass
class FollowupCompletion:
    """Occasions done / occasions due, over every stage of every programme, for occasions
    whose due date falls in the period. Due = done, missed (non-response: counts as not done)
    or overdue (window closed without a registration), as of today, as the analytics engine
    counts them; occasions still open (window not closed) are not yet due and left out."""

    name: str = "followup_completion"

    def compute(self, municipality: OrgUnit, period: Period) -> Sequence[Cell]:
        today = lit(timezone.localdate().isoformat())
        start, end = _dates(period)
        rows: list[tuple[str, str | None, float, float]] = []
        for key in _programme_keys(municipality):
            spec = load_spec(key)
            if spec is None or not spec.stages:
                continue
            frame = store.frame(spec, [municipality.pk])
            parts = []
            for stage in spec.stages:
                due_on = ident(f"occasion_due_on__{stage.key}")
                parts.append(
                    f"SELECT unit_path, sex, {effective_status(stage.key, today)} AS es "  # noqa: S608
                    f"FROM {frame.source_sql()} "
                    f"WHERE municipality_id = {int(municipality.pk)} "
                    f"AND {due_on} BETWEEN DATE {start} AND DATE {end}"
                )
            sql = (
                "SELECT unit_path, sex, count(*) FILTER (WHERE es = 'done'), count(*) "  # noqa: S608
                f"FROM ({' UNION ALL '.join(parts)}) "
                "WHERE es IN ('done', 'missed', 'overdue') GROUP BY ALL"
            )
            rows += [
                (path, sex, float(n), float(d))
                for path, sex, n, d in store.reader().sql(sql).fetchall()
            ]
        return roll_up(municipality, rows)


@dataclass
class GoalAttainment:
    """Goals assessed as achieved / goals assessed as achieved, partly or not achieved (the
    engine's "assessed"; unknown and unassessed are left out), for goals assessed in the
    period (Goal.assessed_on). Unit and sex of the enrolment and its client."""

    name: str = "goal_attainment"

    def compute(self, municipality: OrgUnit, period: Period) -> Sequence[Cell]:
        goals = Goal.objects.filter(
            enrollment__unit__path__startswith=municipality.path,
            outcome__in=ASSESSED,
            assessed_on__gte=period.start,
            assessed_on__lte=period.end,
        ).values_list("enrollment__unit__path", "enrollment__client__sex", "outcome")
        rows = [
            (path, sex, 1.0 if outcome == Goal.Outcome.ACHIEVED else 0.0, 1.0)
            for path, sex, outcome in goals
        ]
        return roll_up(municipality, rows)


@dataclass
class BeforeAfterImprovement:
    """`before_after_improvement:<programme>[:<variable>]`: of the enrolments with a value of
    the programme's main measure at both the first before stage and the first after (or
    later) stage, the share whose value moved the variable's better way; enrolments counted
    in the period their after occasion was done. Without `<variable>` the programme must
    have exactly one numeric main measure with a direction measured at both stages."""

    name: str

    def resolve(self) -> tuple[ProgrammeSpec, VariableSpec, str, str]:
        param = split_param(self.name, BEFORE_AFTER)
        programme_key, _sep, variable_key = param.partition(":")
        spec = load_spec(programme_key)
        if spec is None:
            raise ComputationError(
                _("%(name)s: there is no programme with the key %(key)s.")
                % {"name": self.name, "key": programme_key}
            )
        before, after = main_stages(spec)
        if before is None or after is None:
            raise ComputationError(
                _("%(name)s: the programme %(key)s has no before stage and after stage.")
                % {"name": self.name, "key": programme_key}
            )
        candidates = [
            v
            for v in spec.variables
            if v.is_numeric
            and v.direction in ("lower", "higher")
            and {before, after} <= set(v.stages)
        ]
        if variable_key:
            variable = next((v for v in candidates if v.key == variable_key), None)
            if variable is None:
                raise ComputationError(
                    _(
                        "%(name)s: %(var)s is not a numeric variable with a direction measured "
                        "at %(before)s and %(after)s. Possible: %(all)s."
                    )
                    % {
                        "name": self.name,
                        "var": variable_key,
                        "before": before,
                        "after": after,
                        "all": ", ".join(v.key for v in candidates) or "–",
                    }
                )
            return spec, variable, before, after
        mains = [v for v in candidates if v.is_main_measure]
        if len(mains) != 1:
            raise ComputationError(
                _(
                    "%(name)s: the programme %(key)s has %(n)d main measures with a direction "
                    "at %(before)s and %(after)s; name one as %(family)s:%(key)s:<variable>."
                )
                % {
                    "name": self.name,
                    "key": programme_key,
                    "n": len(mains),
                    "before": before,
                    "after": after,
                    "family": BEFORE_AFTER,
                }
            )
        return spec, mains[0], before, after

    def compute(self, municipality: OrgUnit, period: Period) -> Sequence[Cell]:
        spec, variable, before, after = self.resolve()
        a, b = ident(variable.column(before)), ident(variable.column(after))
        done = ident(f"occasion_done_on__{after}")
        start, end = _dates(period)
        better = "<" if variable.direction == "lower" else ">"
        select = f"count(*) FILTER (WHERE {b} {better} {a}), count(*)"
        where = (
            f"{a} IS NOT NULL AND {b} IS NOT NULL AND {done} BETWEEN DATE {start} AND DATE {end}"
        )
        return roll_up(municipality, _frame_rows(spec, municipality, select, where))


register(FollowupCompletion())
register(GoalAttainment())
register_family(BEFORE_AFTER, BeforeAfterImprovement)
