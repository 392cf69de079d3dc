"""What an analysis counts and shows: the categories of every group, how they add up (the
relations suppression needs), and the output columns.

The frame is first grouped on a few low-cardinality *keys* (has a value, option, follow-up
status, non-response reason, how the intervention ended, direction of change, bands, whether
the client has other enrolments). Each category is then a test on those keys, evaluated with
NumPy on the grouped rows, so one cheap `GROUP BY` serves every category and every margin.

A group's categories form trees under its n (with/without a value, options, follow-up
status, non-response reasons, intervention outcomes, paired changes, band × band) and under
its number of goals. Every count that is shown, or that follows from shown counts by
subtraction, is a category, so suppression sees the whole table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from insyn.analytics.frames.build import ident, lit
from insyn.analytics.specs import VariableSpec
from insyn.core.suppression import Relation
from insyn.followup.models import Variable

T = Variable.Type
NONE = "(none)"
GOAL_COLUMNS: tuple[str, ...] = (
    "goals",
    "goals_achieved",
    "goals_partly",
    "goals_not",
    "goals_unknown",
    "goals_unassessed",
)
_EQUAL: Any = np.equal  # element-wise ==, None included, on object arrays

Keys = dict[str, np.ndarray]
Test = Callable[[Keys], np.ndarray]


def _is(column: str, *values: object) -> Test:
    """Rows whose key `column` equals one of `values` (None matches a missing value)."""

    def test(k: Keys) -> np.ndarray:
        out = np.zeros(len(k[column]), dtype=bool)
        for value in values:
            out |= _eq(k[column], value)
        return out

    return test


def _eq(values: np.ndarray, value: object) -> np.ndarray:
    return np.asarray(_EQUAL(values, value), dtype=bool)


def _not(test: Test) -> Test:
    return lambda k: ~test(k)


def _and(*tests: Test) -> Test:
    def test(k: Keys) -> np.ndarray:
        out = tests[0](k)
        for t in tests[1:]:
            out = out & t(k)
        return out

    return test


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
    test: Test | None  # rows (enrolments) that count; None: all
    goal: str | None = None  # instead: the sum of this goal column over the rows
    # False for counts that only describe missing or pending data (no value recorded, not yet
    # due, no pair, still ongoing): they say nothing about a person's circumstances, so a
    # small one is not hidden for itself; it still serves as a complement.
    sensitive: bool = True


@dataclass
class Plan:
    mode: str  # "stage" or "compare"
    keys: dict[str, str] = field(default_factory=dict)  # alias -> low-cardinality expression
    categories: list[Category] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)
    value: str | None = None  # one stage, numeric: the value (for mean, median, sd)
    pair: tuple[str, str] | None = None  # before/after: the two values
    # Keys computed from other keys after grouping (cheaper in NumPy than in every row).
    derived: dict[str, Callable[[Keys], np.ndarray]] = field(default_factory=dict)

    def add(self, name: str, test: Test, *, sensitive: bool = True) -> None:
        self.categories.append(Category(name, test, sensitive=sensitive))

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
    if variable.type == T.MULTIPLE:
        cols = [ident(variable.option_column(stage, o.code)) for o in variable.options]
        plan.keys["ans"] = "(" + (" OR ".join(f"{c} IS NOT NULL" for c in cols) or "FALSE") + ")"
        plan.add("value", _is("ans", True))
        plan.add("novalue", _not(_is("ans", True)), sensitive=False)
        plan.total("n", ["value", "novalue"])
        plan.column("n_value", _("n with a value"), "count", "value")
        for i, (o, col) in enumerate(zip(variable.options, cols, strict=True)):
            plan.keys[f"o{i}"] = col
            plan.add(f"opt:{o.code}", _is(f"o{i}", True))
            plan.add(f"not:{o.code}", _is(f"o{i}", False))
            plan.total("value", [f"opt:{o.code}", f"not:{o.code}"])
            _share_columns(plan, f"opt:{o.code}", "value", o.code, o.label)
        return
    if variable.is_categorical:
        if variable.type == T.BOOLEAN:
            plan.keys["opt"] = f"(CASE WHEN {x} THEN 'yes' WHEN NOT {x} THEN 'no' END)"
        else:
            known = ", ".join(lit(o.code) for o in variable.options) or "NULL"
            plan.keys["opt"] = f"(CASE WHEN {x} IN ({known}) THEN {x} END)"
        codes = [o.code for o in variable.options]
        plan.add("value", _is("opt", *codes))
        plan.add("novalue", _is("opt", None), sensitive=False)
        plan.total("n", ["value", "novalue"])
        plan.column("n_value", _("n with a value"), "count", "value")
        valid = [o for o in variable.options if not o.is_missing]
        missing = [o for o in variable.options if o.is_missing]
        for o in variable.options:
            plan.add(f"opt:{o.code}", _is("opt", o.code))
        if missing:
            plan.add("valid", _is("opt", *[o.code for o in valid]))
            plan.add("dontknow", _is("opt", *[o.code for o in missing]))
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
    # numeric: statistics come from the values' frequency table
    plan.value = x
    plan.keys["hv"] = f"({x} IS NOT NULL)"
    plan.add("value", _is("hv", True))
    plan.add("novalue", _is("hv", False), sensitive=False)
    plan.total("n", ["value", "novalue"])
    plan.column("n_value", _("n with a value"), "count", "value")
    plan.column("mean", _("Mean"), "number", "value")
    plan.column("median", _("Median"), "number", "value")
    plan.column("sd", _("Standard deviation"), "number", "value")
    if variable.type == T.INSTRUMENT and variable.bands:
        plan.keys["band"] = ident(variable.band_column(stage))
        codes = variable.band_codes()
        for code in codes:
            plan.add(f"band:{code}", _is("band", code))
        plan.add(f"band:{NONE}", _and(_is("hv", True), _is("band", None)), sensitive=False)
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
    plan.pair = (a, b)
    plan.keys["pair"] = f"({a} IS NOT NULL AND {b} IS NOT NULL)"
    plan.keys["chg"] = f"CAST(sign({b} - {a}) AS INTEGER)"
    plan.add("pairs", _is("pair", True))
    plan.add("unpaired", _is("pair", False), sensitive=False)
    plan.total("n", ["pairs", "unpaired"])
    plan.column("pairs", _("Pairs (value before and after)"), "count", "pairs")
    plan.column("mean_before", _("Mean before"), "number", "pairs")
    plan.column("mean_after", _("Mean after"), "number", "pairs")
    plan.column("mean_change", _("Mean change"), "number", "pairs")
    plan.column("change_ci_low", _("Change, 95% CI low"), "number", "pairs")
    plan.column("change_ci_high", _("Change, 95% CI high"), "number", "pairs")
    plan.column("wilcoxon_p", _("Wilcoxon p"), "p", "pairs")
    if variable.direction in ("lower", "higher"):
        better = -1.0 if variable.direction == "lower" else 1.0
        plan.add("improved", _is("chg", better))
        plan.add("unchanged", _is("chg", 0.0))
        plan.add("worsened", _is("chg", -better))
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
        plan.keys["ba"] = ident(variable.band_column(before))
        plan.keys["bb"] = ident(variable.band_column(after))
        codes = [*variable.band_codes(), NONE]
        pair = _is("pair", True)

        def band(alias: str, code: str) -> Test:
            return _is(alias, None if code == NONE else code)

        for c1 in codes:
            plan.add(f"bb:{c1}:*", _and(pair, band("ba", c1)))
            plan.add(f"bb:*:{c1}", _and(pair, band("bb", c1)))
            for c2 in codes:
                plan.add(f"bb:{c1}:{c2}", _and(pair, band("ba", c1), band("bb", c2)))
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
    # Grouped on the recorded status and whether the window has opened/closed; the status as
    # of today (planned/due/overdue) is then derived per grouped row.
    plan.keys["st"] = ident(f"occasion_status__{stage}")
    plan.keys["we"] = f"({ident(f'occasion_window_end__{stage}')} < DATE {today})"
    plan.keys["ws"] = f"({ident(f'occasion_window_start__{stage}')} <= DATE {today})"
    plan.keys["nr"] = ident(f"occasion_nonresponse__{stage}")
    plan.derived["es"] = _effective
    plan.derived["nr"] = _known(list(reasons))
    missed = _is("es", "missed")
    plan.add("due", _is("es", "done", "missed", "overdue"))
    plan.add("notdue", _is("es", None, "planned", "due"), sensitive=False)
    plan.add("done", _is("es", "done"))
    plan.add("missed", missed)
    plan.add("overdue", _is("es", "overdue"), sensitive=False)
    plan.total("n", ["due", "notdue"])
    plan.total("due", ["done", "missed", "overdue"])
    for code in reasons:
        plan.add(f"nr:{code}", _and(missed, _is("nr", code)))
    plan.add(f"nr:{NONE}", _and(missed, _is("nr", None)))
    plan.total("missed", [f"nr:{c}" for c in [*reasons, NONE]])
    plan.column("due", _("Follow-ups due"), "count", "due")
    plan.column("done", _("Follow-ups done"), "count", "done")
    plan.share("completion_rate", _("Completion rate (done / due)"), "done", "due", ci=False)
    plan.column("missed", _("Not done (non-response)"), "count", "missed")
    plan.column("overdue", _("Overdue"), "count", "overdue")
    for code in reasons:
        plan.column(f"nonresponse_{code}", code, "count", f"nr:{code}")
    plan.column("nonresponse_unspecified", _("No reason given"), "count", f"nr:{NONE}")


def _effective(k: Keys) -> np.ndarray:
    """The same rule as `effective_status`, on grouped rows."""
    st = k["st"]
    out = st.copy()
    closed = _eq(st, "done") | _eq(st, "missed") | _eq(st, None)
    overdue = ~closed & _eq(k["we"], True)
    due = ~closed & ~overdue & _eq(k["ws"], True)
    out[overdue] = "overdue"
    out[due] = "due"
    out[~closed & ~overdue & ~due] = "planned"
    return out


def _known(codes: list[str]) -> Callable[[Keys], np.ndarray]:
    """Non-response reasons outside the catalogue count as unspecified."""

    def known(k: Keys) -> np.ndarray:
        keep = np.zeros(len(k["nr"]), dtype=bool)
        for code in codes:
            keep |= _eq(k["nr"], code)
        out = k["nr"].copy()
        out[~keep] = None
        return out

    return known


def _goals(plan: Plan) -> None:
    for name, column, sensitive in [
        ("goals", "goals", True),
        ("assessed", "goals_assessed", True),
        ("goal:achieved", "goals_achieved", True),
        ("goal:partly", "goals_partly", True),
        ("goal:not", "goals_not", True),
        ("goal:unknown", "goals_unknown", True),
        ("goal:unassessed", "goals_unassessed", False),
    ]:
        plan.categories.append(Category(name, None, goal=column, sensitive=sensitive))
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
    plan.keys["eo"] = "end_outcome"
    plan.keys["ended"] = "(ended_on IS NOT NULL)"
    plan.add("ended", _not(_and(_is("eo", None), _is("ended", False))))
    plan.add("ongoing", _and(_is("eo", None), _is("ended", False)), sensitive=False)
    plan.add("completed", _is("eo", "completed"))
    plan.add("interrupted", _is("eo", "interrupted"))
    plan.add(
        "ended_other",
        lambda k: _is("eo", "other")(k) | (_is("eo", None)(k) & _is("ended", True)(k)),
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
    plan.categories.append(Category("n", None))
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
