"""What an analysis counts and shows: the categories of every group (as SQL aggregates over
the frame), how they add up (the relations suppression needs), and the output columns.

A group's categories form trees under its n (with/without a value, options, follow-up
status, non-response reasons, intervention outcomes, paired changes, band × band) and under
its number of goals. Every count that is shown, or that follows from shown counts by
subtraction, is a category, so suppression sees the whole table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from insyn.analytics.frames.build import ident, lit
from insyn.analytics.specs import VariableSpec
from insyn.core.suppression import Relation
from insyn.followup.models import Variable

T = Variable.Type
NONE = "(none)"


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    kind: str  # count, number, share, share_low, share_high, p
    category: str | None = None  # the cell whose suppression hides this column
    base: str | None = None  # for shares: the denominator's cell


@dataclass
class Category:
    name: str
    sql: str  # an aggregate giving the count
    # For categories counted in another unit than enrolments (goals): an aggregate counting
    # the enrolments behind the count, for the individuals threshold.
    persons_sql: str | None = None
    # False for counts that only describe missing or pending data (no value recorded, not yet
    # due, no pair, still ongoing): they say nothing about a person's circumstances, so a
    # small one is not hidden for itself; it still serves as a complement.
    sensitive: bool = True


@dataclass
class Plan:
    mode: str  # "stage" or "compare"
    categories: list[Category] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    stats: dict[str, str] = field(default_factory=dict)  # name -> aggregate
    columns: list[Column] = field(default_factory=list)
    inputs: dict[str, str] = field(default_factory=dict)  # alias -> expression over the frame

    def add(self, name: str, condition: str, *, sensitive: bool = True) -> None:
        self.categories.append(
            Category(name, f"count(*) FILTER (WHERE {condition})", sensitive=sensitive)
        )

    def total(self, name: str, parts: Sequence[str]) -> None:
        self.relations.append(Relation(name, tuple(parts)))

    def column(
        self,
        key: str,
        label: str | Promise,
        kind: str,
        category: str | None,
        base: str | None = None,
    ) -> None:
        self.columns.append(Column(key, label, kind, category, base))

    def share(self, key: str, label: str | Promise, category: str, base: str, ci: bool) -> None:
        self.column(key, label, "share", category, base)
        if ci:
            self.column(f"{key}_low", label, "share_low", category, base)
            self.column(f"{key}_high", label, "share_high", category, base)

    def weights(self) -> dict[str, int]:
        """How many shown columns each category carries (0: it is never shown itself), so
        suppression prefers to hide what costs the reader least."""
        weights = {c.name: 0 for c in self.categories}
        for column in self.columns:
            for name in (column.category, column.base):
                if name is not None:
                    weights[name] = weights.get(name, 0) + 1
        return weights


def effective_status(stage: str, today: str) -> str:
    """An occasion's status as of today: planned/due/overdue follow from its window."""
    st = ident(f"occasion_status__{stage}")
    ws = ident(f"occasion_window_start__{stage}")
    we = ident(f"occasion_window_end__{stage}")
    return (
        f"(CASE WHEN {st} IS NULL THEN NULL WHEN {st} IN ('done', 'missed') THEN {st} "
        f"WHEN {we} < DATE {today} THEN 'overdue' "
        f"WHEN {ws} <= DATE {today} THEN 'due' ELSE 'planned' END)"
    )


def _stage_value(plan: Plan, variable: VariableSpec, stage: str) -> None:
    """Categories and statistics of one variable at one stage."""
    x = ident(variable.column(stage))
    if variable.type != T.MULTIPLE:
        plan.inputs["x"] = x
    if variable.type == T.MULTIPLE:
        cols = [ident(variable.option_column(stage, o.code)) for o in variable.options]
        answered = " OR ".join(f"{c} IS NOT NULL" for c in cols) or "FALSE"
        plan.inputs["answered"] = f"({answered})"
        plan.add("value", "answered")
        plan.add("novalue", "NOT answered", sensitive=False)
        plan.total("n", ["value", "novalue"])
        plan.column("n_value", _("n with a value"), "count", "value")
        for o, col in zip(variable.options, cols, strict=True):
            alias = f"opt_{len(plan.inputs)}"
            plan.inputs[alias] = col
            plan.add(f"opt:{o.code}", f"{alias}")
            plan.add(f"not:{o.code}", f"NOT {alias}")
            plan.total("value", [f"opt:{o.code}", f"not:{o.code}"])
            _share_columns(plan, f"opt:{o.code}", "value", o.code, o.label)
        return
    if variable.is_categorical:
        if variable.type == T.BOOLEAN:
            plan.inputs["x"] = f"(CASE WHEN {x} THEN 'yes' WHEN NOT {x} THEN 'no' END)"
        codes = [o.code for o in variable.options]
        plan.add("value", f"x IN ({', '.join(lit(c) for c in codes) or 'NULL'})")
        plan.add(
            "novalue",
            f"x IS NULL OR x NOT IN ({', '.join(lit(c) for c in codes) or 'NULL'})",
            sensitive=False,
        )
        plan.total("n", ["value", "novalue"])
        plan.column("n_value", _("n with a value"), "count", "value")
        valid = [o for o in variable.options if not o.is_missing]
        missing = [o for o in variable.options if o.is_missing]
        for o in variable.options:
            plan.add(f"opt:{o.code}", f"x = {lit(o.code)}")
        if missing:
            plan.add("valid", f"x IN ({', '.join(lit(o.code) for o in valid) or 'NULL'})")
            plan.add("dontknow", f"x IN ({', '.join(lit(o.code) for o in missing)})")
            plan.total("value", ["valid", "dontknow"])
            plan.total("valid", [f"opt:{o.code}" for o in valid])
            plan.total("dontknow", [f"opt:{o.code}" for o in missing])
            base = "valid"
        else:
            plan.total("value", [f"opt:{o.code}" for o in valid])
            base = "value"
        plan.column("n_valid", _("n with a valid answer"), "count", base)
        for o in variable.options:
            if o.is_missing:
                plan.column(f"count_{o.code}", o.label, "count", f"opt:{o.code}")
            else:
                _share_columns(plan, f"opt:{o.code}", base, o.code, o.label)
        return
    # numeric
    plan.add("value", "x IS NOT NULL")
    plan.add("novalue", "x IS NULL", sensitive=False)
    plan.total("n", ["value", "novalue"])
    plan.stats.update({"mean": "avg(x)", "sd": "stddev_samp(x)"})
    plan.column("n_value", _("n with a value"), "count", "value")
    plan.column("mean", _("Mean"), "number", "value")
    plan.column("median", _("Median"), "number", "value")
    plan.column("sd", _("Standard deviation"), "number", "value")
    if variable.type == T.INSTRUMENT and variable.bands:
        plan.inputs["band"] = ident(variable.band_column(stage))
        codes = variable.band_codes()
        for code in codes:
            plan.add(f"band:{code}", f"band = {lit(code)}")
        plan.add(f"band:{NONE}", "x IS NOT NULL AND band IS NULL", sensitive=False)
        plan.total("value", [f"band:{c}" for c in [*codes, NONE]])
        for code in codes:
            label = variable.band_label(code)
            plan.column(f"band_{code}", label, "count", f"band:{code}")
            plan.share(f"share_band_{code}", label, f"band:{code}", "value", ci=False)


def _share_columns(plan: Plan, category: str, base: str, code: str, label: str) -> None:
    plan.column(f"count_{code}", label, "count", category)
    plan.share(f"share_{code}", label, category, base, ci=True)


def _paired(plan: Plan, variable: VariableSpec, before: str, after: str) -> None:
    a, b = ident(variable.column(before)), ident(variable.column(after))
    plan.inputs.update({"xa": a, "xb": b, "pair": f"({a} IS NOT NULL AND {b} IS NOT NULL)"})
    plan.add("pairs", "pair")
    plan.add("unpaired", "NOT pair", sensitive=False)
    plan.total("n", ["pairs", "unpaired"])
    plan.stats.update(
        {
            "mean_before": "avg(xa) FILTER (WHERE pair)",
            "mean_after": "avg(xb) FILTER (WHERE pair)",
            "mean_change": "avg(xb - xa) FILTER (WHERE pair)",
            "sd_change": "stddev_samp(xb - xa) FILTER (WHERE pair)",
        }
    )
    plan.column("pairs", _("Pairs (value before and after)"), "count", "pairs")
    plan.column("mean_before", _("Mean before"), "number", "pairs")
    plan.column("mean_after", _("Mean after"), "number", "pairs")
    plan.column("mean_change", _("Mean change"), "number", "pairs")
    plan.column("change_ci_low", _("Change, 95% CI low"), "number", "pairs")
    plan.column("change_ci_high", _("Change, 95% CI high"), "number", "pairs")
    plan.column("wilcoxon_p", _("Wilcoxon p"), "p", "pairs")
    if variable.direction in ("lower", "higher"):
        better = "xb < xa" if variable.direction == "lower" else "xb > xa"
        worse = "xb > xa" if variable.direction == "lower" else "xb < xa"
        plan.add("improved", f"pair AND {better}")
        plan.add("unchanged", "pair AND xb = xa")
        plan.add("worsened", f"pair AND {worse}")
        plan.total("pairs", ["improved", "unchanged", "worsened"])
        for key, label in [
            ("improved", _("Improved")),
            ("unchanged", _("Unchanged")),
            ("worsened", _("Worsened")),
        ]:
            plan.column(key, label, "count", key)
        for key, label in [
            ("improved", _("Share improved")),
            ("unchanged", _("Share unchanged")),
            ("worsened", _("Share worsened")),
        ]:
            plan.share(f"share_{key}", label, key, "pairs", ci=False)
    if variable.type == T.INSTRUMENT and variable.bands:
        plan.inputs["ba"] = ident(variable.band_column(before))
        plan.inputs["bb"] = ident(variable.band_column(after))
        codes = [*variable.band_codes(), NONE]

        def cond(alias: str, code: str) -> str:
            return f"{alias} IS NULL" if code == NONE else f"{alias} = {lit(code)}"

        for c1 in codes:
            plan.add(f"bb:{c1}:*", f"pair AND {cond('ba', c1)}")
            plan.add(f"bb:*:{c1}", f"pair AND {cond('bb', c1)}")
            for c2 in codes:
                plan.add(f"bb:{c1}:{c2}", f"pair AND {cond('ba', c1)} AND {cond('bb', c2)}")
            plan.total(f"bb:{c1}:*", [f"bb:{c1}:{c2}" for c2 in codes])
            plan.total(f"bb:*:{c1}", [f"bb:{c2}:{c1}" for c2 in codes])
        plan.total("pairs", [f"bb:{c}:*" for c in codes])
        plan.total("pairs", [f"bb:*:{c}" for c in codes])
        shown = variable.band_codes()
        for c1 in shown:
            plan.column(f"band_before_{c1}", variable.band_label(c1), "count", f"bb:{c1}:*")
        for c2 in shown:
            plan.column(f"band_after_{c2}", variable.band_label(c2), "count", f"bb:*:{c2}")
        for c1 in shown:
            for c2 in shown:
                plan.column(
                    f"band_{c1}_to_{c2}",
                    f"{variable.band_label(c1)} → {variable.band_label(c2)}",
                    "count",
                    f"bb:{c1}:{c2}",
                )


def _followup(plan: Plan, stage: str, reasons: Sequence[str], today: str) -> None:
    plan.inputs["es"] = effective_status(stage, today)
    plan.inputs["nr"] = ident(f"occasion_nonresponse__{stage}")
    plan.add("due", "es IN ('done', 'missed', 'overdue')")
    plan.add("notdue", "es IS NULL OR es IN ('planned', 'due')", sensitive=False)
    plan.add("done", "es = 'done'")
    plan.add("missed", "es = 'missed'")
    plan.add("overdue", "es = 'overdue'", sensitive=False)
    plan.total("n", ["due", "notdue"])
    plan.total("due", ["done", "missed", "overdue"])
    for code in reasons:
        plan.add(f"nr:{code}", f"es = 'missed' AND nr = {lit(code)}")
    known = ", ".join(lit(c) for c in reasons) or "NULL"
    plan.add(f"nr:{NONE}", f"es = 'missed' AND (nr IS NULL OR nr NOT IN ({known}))")
    plan.total("missed", [f"nr:{c}" for c in [*reasons, NONE]])
    plan.column("due", _("Follow-ups due"), "count", "due")
    plan.column("done", _("Follow-ups done"), "count", "done")
    plan.share("completion_rate", _("Completion rate (done / due)"), "done", "due", ci=False)
    plan.column("missed", _("Not done (non-response)"), "count", "missed")
    plan.column("overdue", _("Overdue"), "count", "overdue")
    for code in reasons:
        plan.column(f"nonresponse_{code}", code, "count", f"nr:{code}")
    plan.column("nonresponse_unspecified", _("No reason given"), "count", f"nr:{NONE}")


def _goals(plan: Plan) -> None:
    def add(name: str, column: str, sensitive: bool = True) -> None:
        plan.categories.append(
            Category(name, f"sum({column})", f"count(*) FILTER (WHERE {column} > 0)", sensitive)
        )

    add("goals", "goals")
    plan.categories.append(
        Category(
            "assessed",
            "sum(goals_achieved + goals_partly + goals_not)",
            "count(*) FILTER (WHERE goals_achieved + goals_partly + goals_not > 0)",
        )
    )
    for name in ("achieved", "partly", "not", "unknown", "unassessed"):
        add(f"goal:{name}", f"goals_{name}", name != "unassessed")
    plan.total("goals", ["assessed", "goal:unknown", "goal:unassessed"])
    plan.total("assessed", ["goal:achieved", "goal:partly", "goal:not"])
    plan.column("goals", _("Goals"), "count", "goals")
    plan.column("goals_assessed", _("Goals assessed"), "count", "assessed")
    plan.column("goals_achieved", _("Goals achieved"), "count", "goal:achieved")
    plan.column("goals_partly", _("Goals partly achieved"), "count", "goal:partly")
    plan.column("goals_not", _("Goals not achieved"), "count", "goal:not")
    plan.share("share_achieved", _("Share of goals achieved"), "goal:achieved", "assessed", True)
    plan.share("share_partly", _("Share partly achieved"), "goal:partly", "assessed", False)
    plan.share("share_not", _("Share not achieved"), "goal:not", "assessed", False)


def _interventions(plan: Plan) -> None:
    plan.add("ended", "end_outcome IS NOT NULL OR ended_on IS NOT NULL")
    plan.add("ongoing", "end_outcome IS NULL AND ended_on IS NULL", sensitive=False)
    plan.add("completed", "end_outcome = 'completed'")
    plan.add("interrupted", "end_outcome = 'interrupted'")
    plan.add(
        "ended_other",
        "end_outcome = 'other' OR (end_outcome IS NULL AND ended_on IS NOT NULL)",
    )
    plan.total("n", ["ended", "ongoing"])
    plan.total("ended", ["completed", "interrupted", "ended_other"])
    plan.column("ended", _("Interventions ended"), "count", "ended")
    plan.column("completed", _("Completed"), "count", "completed")
    plan.column("interrupted", _("Interrupted"), "count", "interrupted")
    plan.share("share_completed", _("Share completed"), "completed", "ended", ci=False)
    plan.share("share_interrupted", _("Share interrupted"), "interrupted", "ended", ci=False)


def make_plan(
    variable: VariableSpec,
    *,
    stage: str | None,
    compare: tuple[str, str] | None,
    reasons: Sequence[str],
    today: str,
) -> Plan:
    plan = Plan(mode="compare" if compare else "stage")
    plan.categories.append(Category("n", "count(*)"))
    plan.column("n", _("n (enrolments)"), "count", "n")
    if compare:
        _paired(plan, variable, *compare)
        followup_stage = compare[1]
    else:
        assert stage is not None
        _stage_value(plan, variable, stage)
        followup_stage = stage
    _followup(plan, followup_stage, reasons, today)
    _goals(plan)
    _interventions(plan)
    return plan


def rows_and_stats(plan: Plan) -> list[tuple[str, str]]:
    """(alias, SQL aggregate) for the cube query: every category, then the statistics."""
    out = [(f"c{i}", c.sql) for i, c in enumerate(plan.categories)]
    out += [(f"p{i}", c.persons_sql) for i, c in enumerate(plan.categories) if c.persons_sql]
    out += [(f"s_{name}", sql) for name, sql in plan.stats.items()]
    return out


def category_values(plan: Plan, record: dict[str, Any]) -> dict[str, int]:
    return {c.name: int(record[f"c{i}"] or 0) for i, c in enumerate(plan.categories)}
