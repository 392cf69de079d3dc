"""aggregate(): every number it shows equals an independent pandas/SciPy computation over the
same data, and what it hides cannot be recovered from what it shows."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pandas as pd
import pytest
from django.utils import translation

from insyn.analytics.aggregate import AnalysisError, AnalysisRequest, Scope, aggregate, audit
from insyn.analytics.dimensions import parse_age_bins
from insyn.core.suppression import TOTAL, primary_cells
from insyn.core.suppression_check import derivable
from tests.analytics import expected
from tests.analytics.factories import populate

APPROX = {"rel": 1e-9, "abs": 1e-12}


def column_of(df: pd.DataFrame, dim: str, bins) -> pd.Series:
    if dim == "sex":
        return df["sex"]
    if dim == "municipality":
        return df["municipality_id"]
    if dim == "unit":
        return df["unit_id"]
    if dim == "intervention_type":
        return df["intervention_type"]
    if dim == "programme_version":
        return df["programme_version"]
    if dim == "outcome":
        return pd.Series(
            [
                o if isinstance(o, str) else ("ongoing" if e is None or pd.isna(e) else None)
                for o, e in zip(df["end_outcome"], df["ended_on"], strict=True)
            ],
            index=df.index,
        )
    if dim == "age_group":
        labels = []
        for age in df["age"]:
            label = None
            for b in bins:
                if age >= b.low and (b.high is None or age <= b.high):
                    label = b.label
                    break
            labels.append(label)
        return pd.Series(labels, index=df.index)
    if dim == "start_year":
        return df["start_date"].map(lambda d: d.year)
    raise AssertionError(dim)


def groups(df: pd.DataFrame, dims: list[str], bins) -> dict[tuple, pd.DataFrame]:
    """Every group and margin, keyed like aggregate()'s rows."""
    keys = pd.DataFrame({d: column_of(df, d, bins) for d in dims}, index=df.index)
    out: dict[tuple, pd.DataFrame] = {}
    for mask in itertools.product([False, True], repeat=len(dims)):
        kept = [d for d, total in zip(dims, mask, strict=True) if not total]
        if not kept:
            out[tuple(TOTAL for _ in dims)] = df
            continue
        for values, sub in df.groupby([keys[d] for d in kept], dropna=False):
            values = values if isinstance(values, tuple) else (values,)
            it = iter(values)
            key = tuple(TOTAL if total else _py(next(it)) for total in mask)
            out[key] = sub
    return out


def _py(value):
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def check(value, want) -> None:
    if want is None or (isinstance(want, float) and np.isnan(want)):
        assert value is None
    else:
        assert value == pytest.approx(want, **APPROX)


def common(row, sub: pd.DataFrame, stage: str) -> None:
    status = sub[f"status__{stage}"]
    due = int(status.isin(["done", "missed", "overdue"]).sum())
    done = int((status == "done").sum())
    for key, want in [
        ("due", due),
        ("done", done),
        ("missed", int((status == "missed").sum())),
        ("overdue", int((status == "overdue").sum())),
        ("goals", int(sub["goals"].sum())),
        ("goals_achieved", int(sub["goals_achieved"].sum())),
        ("completed", int((sub["end_outcome"] == "completed").sum())),
        ("interrupted", int((sub["end_outcome"] == "interrupted").sum())),
    ]:
        if row.values[key] is not None:
            assert row.values[key] == want, key
    for code in ("declined", "unreachable"):
        if row.values[f"nonresponse_{code}"] is not None:
            want = int(((status == "missed") & (sub[f"nonresponse__{stage}"] == code)).sum())
            assert row.values[f"nonresponse_{code}"] == want
    if row.values["completion_rate"] is not None:
        check(row.values["completion_rate"], done / due)
    assessed = int((sub["goals_achieved"] + sub["goals_partly"] + sub["goals_not"]).sum())
    if row.values["share_achieved"] is not None:
        achieved = int(sub["goals_achieved"].sum())
        check(row.values["share_achieved"], achieved / assessed)
        low, high = expected.wilson(achieved, assessed)
        check(row.values["share_achieved_low"], low)
        check(row.values["share_achieved_high"], high)


def verify_audit(request) -> None:
    result, cells = audit(request, scope=Scope.system())
    relations = cells.relations
    assert derivable(cells.counts, relations, cells.hidden) == set()
    persons_unknown = {k: v for k, v in cells.counts.items() if k not in cells.hidden}
    assert primary_cells(persons_unknown, min_cell=5) <= {
        k
        for k in persons_unknown
        if k[1] in NOT_SENSITIVE
        or k[1] == "goals"
        or k[1].startswith("goal:")
        or k[1] == "assessed"
    }
    for row in result.rows:
        if row.suppressed:
            assert all(v is None for v in row.values.values())
            assert (row.group, "n") in cells.hidden
        else:
            assert row.values["n"] == cells.counts[(row.group, "n")]


NOT_SENSITIVE = {
    "novalue",
    "notdue",
    "overdue",
    "unpaired",
    "ongoing",
    "goal:unassessed",
    "band:(none)",
}


@pytest.mark.parametrize(
    ("variable", "stage", "by"),
    [
        ("days", "before", ["sex", "municipality"]),
        ("days", "after", []),
        ("wellbeing", "later", ["age_group"]),
        ("audit", "before", ["sex", "intervention_type"]),
        ("days", "after", ["sex", "age_group", "intervention_type"]),
    ],
)
def test_numeric_at_a_stage(generated, variable, stage, by):
    bins = parse_age_bins("0-17,18-44,45-")
    request = AnalysisRequest("vux", variable, stage=stage, by=tuple(by), age_bins=tuple(bins))
    result = aggregate(request, scope=Scope.system())
    df = expected.frame("vux")
    want = groups(df, by, bins)
    assert {r.group for r in result.rows} == set(want)
    shown = 0
    hidden = {row.group for row in result.rows if row.suppressed}
    # Primary suppression: every group of 1 to min_cell - 1 persons is hidden (the rest that are
    # hidden are complementary, so they cannot be recomputed from the margins).
    small = {g for g, sub in want.items() if 0 < sub["client_id"].nunique() < result.min_cell}
    assert small <= hidden
    for row in result.rows:
        if row.suppressed:
            assert all(v is None for v in row.values.values()), row.group
            continue
        sub = want[row.group]
        x = sub.get(f"{variable}__{stage}", pd.Series(dtype=float)).astype(float)
        assert row.values["n"] == len(sub)
        if row.values["n_value"] is not None:
            assert row.values["n_value"] == x.notna().sum()
        if row.values["mean"] is not None:
            shown += 1
            check(row.values["mean"], x.mean())
            check(row.values["median"], x.median())
            check(row.values["sd"], x.std(ddof=1))
        common(row, sub, stage)
    assert shown >= 1
    verify_audit(request)


def test_option_shares_with_wilson(generated):
    request = AnalysisRequest("vux", "housing", stage="after", by=("sex",))
    result = aggregate(request, scope=Scope.system())
    want = groups(expected.frame("vux"), ["sex"], [])
    seen = 0
    for row in result.rows:
        if row.suppressed:
            continue
        x = want[row.group]["housing__after"]
        valid = int(x.isin(["own", "rent", "none"]).sum())
        if row.values["n_valid"] is not None:
            assert row.values["n_valid"] == valid
        for code in ("own", "rent", "none"):
            k = int((x == code).sum())
            if row.values[f"count_{code}"] is not None:
                assert row.values[f"count_{code}"] == k
            if row.values[f"share_{code}"] is not None:
                seen += 1
                check(row.values[f"share_{code}"], k / valid)
                low, high = expected.wilson(k, valid)
                check(row.values[f"share_{code}_low"], low)
                check(row.values[f"share_{code}_high"], high)
        if row.values["count_dk"] is not None:
            assert row.values["count_dk"] == int((x == "dk").sum())
    assert seen >= 3
    verify_audit(request)


def test_yes_no_and_multiple_choice(generated):
    df = expected.frame("vux")
    result = aggregate(AnalysisRequest("vux", "employed", stage="before"), scope=Scope.system())
    total = result.rows[0]
    x = df["employed__before"]
    check(total.values["share_yes"], (x == "yes").sum() / x.notna().sum())
    result = aggregate(AnalysisRequest("vux", "support", stage="before"), scope=Scope.system())
    total = result.rows[0]
    answered = df["support__before__family"].notna()
    assert total.values["n_value"] == answered.sum()
    for code in ("family", "friends", "pro"):
        chosen = int((df[f"support__before__{code}"] == True).sum())  # noqa: E712
        assert total.values[f"count_{code}"] == chosen
        check(total.values[f"share_{code}"], chosen / answered.sum())
    verify_audit(AnalysisRequest("vux", "support", stage="after", by=("sex", "municipality")))


@pytest.mark.parametrize(
    ("variable", "by"),
    [
        ("days", []),
        ("days", ["sex"]),
        ("audit", ["municipality"]),
        ("wellbeing", ["sex", "outcome"]),
    ],
)
def test_paired_before_after(generated, variable, by):
    request = AnalysisRequest("vux", variable, compare=("before", "after"), by=tuple(by))
    result = aggregate(request, scope=Scope.system())
    want = groups(expected.frame("vux"), by, [])
    checked = 0
    for row in result.rows:
        if row.suppressed or row.values["pairs"] is None:
            continue
        sub = want[row.group]
        p = expected.paired(sub[f"{variable}__before"], sub[f"{variable}__after"])
        assert row.values["pairs"] == p["pairs"]
        for key in ("mean_before", "mean_after", "mean_change", "change_ci_low", "change_ci_high"):
            check(row.values[key], p.get(key))
        check(row.values["wilcoxon_p"], p["wilcoxon_p"])
        d = (sub[f"{variable}__after"] - sub[f"{variable}__before"]).dropna()
        better = d < 0 if variable != "wellbeing" else d > 0
        if row.values["improved"] is not None:
            assert row.values["improved"] == int(better.sum())
            check(row.values["share_improved"], better.sum() / len(d))
        if row.values["unchanged"] is not None:
            assert row.values["unchanged"] == int((d == 0).sum())
        checked += 1
        common(row, sub, "after")
    assert checked >= 1
    verify_audit(request)


def test_band_by_band_table(generated):
    request = AnalysisRequest("vux", "audit", compare=("before", "after"))
    result = aggregate(request, scope=Scope.system())
    df = expected.frame("vux")
    both = df[["audit__before", "audit__after", "sex"]].dropna()
    before = [
        expected.audit_band(t, s) for t, s in zip(both["audit__before"], both["sex"], strict=True)
    ]
    after = [
        expected.audit_band(t, s) for t, s in zip(both["audit__after"], both["sex"], strict=True)
    ]
    table = pd.crosstab(pd.Series(before), pd.Series(after))
    row = result.rows[0]
    for b1 in ("low", "high"):
        for b2 in ("low", "high"):
            if row.values[f"band_{b1}_to_{b2}"] is not None:
                assert row.values[f"band_{b1}_to_{b2}"] == table.loc[b1, b2]
    assert row.values["band_before_high"] == table.loc["high"].sum()


def test_filters_period_units_versions(generated, tree):
    df = expected.frame("vux")
    request = AnalysisRequest(
        "vux",
        "days",
        stage="before",
        date_from=dt.date(2023, 6, 1),
        date_to=dt.date(2024, 6, 30),
        units=(tree.vaxjo.pk,),
        versions=(1,),
    )
    total = aggregate(request, scope=Scope.system()).rows[0]
    keep = df[
        (df["start_date"] >= dt.date(2023, 6, 1))
        & (df["start_date"] <= dt.date(2024, 6, 30))
        & (df["municipality_id"] == tree.vaxjo.pk)
    ]
    assert total.values["n"] == len(keep)
    check(total.values["mean"], keep["days__before"].astype(float).mean())


def test_scope_limits_the_rows(generated, staff, tree):
    df = expected.frame("vux")
    scope = Scope.for_user(staff.unit_manager)  # Växjö's VUX department
    result = aggregate(AnalysisRequest("vux", "days", by=("unit",)), scope=scope)
    assert {r.group[0] for r in result.rows} <= {tree.vux_unit.pk, TOTAL}
    assert result.total().values["n"] == int((df["unit_id"] == tree.vux_unit.pk).sum())
    analyst = aggregate(
        AnalysisRequest("vux", "days", by=("municipality",)), scope=Scope.for_user(staff.analyst)
    )
    assert {r.group[0] for r in analyst.rows} == {tree.vaxjo.pk, TOTAL}  # Kronoberg only
    nobody = aggregate(AnalysisRequest("vux", "days"), scope=Scope.for_user(staff.admin))
    assert nobody.rows == []  # an administrator reads no follow-up data: not even a total


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"programme": "nope", "variable": "days"}, "no programme"),
        ({"programme": "vux", "variable": "nope"}, "no variable"),
        ({"programme": "vux", "variable": "days", "stage": "nope"}, "not measured"),
        ({"programme": "vux", "variable": "housing", "compare": ("before", "after")}, "numeric"),
        ({"programme": "vux", "variable": "days", "compare": ("before", "before")}, "different"),
        ({"programme": "vux", "variable": "days", "by": ("sex", "x")}, "Unknown breakdown"),
        (
            {"programme": "vux", "variable": "days", "by": ("sex", "unit", "law", "provider")},
            "three",
        ),
        ({"programme": "vux", "variable": "relapse_on"}, "date"),
        ({"programme": "vux", "variable": "note"}, "no variable"),
        ({"programme": "vux", "variable": "days", "versions": (9,)}, "version"),
        (
            {
                "programme": "vux",
                "variable": "days",
                "date_from": dt.date(2025, 1, 1),
                "date_to": dt.date(2024, 1, 1),
            },
            "ends before",
        ),
    ],
)
def test_bad_requests_get_a_clear_message(design, kwargs, message):
    with translation.override("en"), pytest.raises(AnalysisError, match=message):
        aggregate(AnalysisRequest(**kwargs), scope=Scope.system())


def test_persons_not_enrolments_decide_suppression(tree, design):
    """Six enrolments of three clients are three persons: under the threshold."""
    from insyn.followup.models import Enrollment

    populate(tree, design, n=40, seed=21, units=[tree.vux_unit])
    populate(tree, design, n=3, seed=22, units=[tree.bof_unit], repeat_share=0.0)
    bof = list(Enrollment.objects.filter(unit=tree.bof_unit))
    for enrollment in bof:  # each of the three clients enrolled once more
        twin = Enrollment.objects.get(pk=enrollment.pk)
        twin.pk = None
        twin.intervention = None
        twin.save()
    result = aggregate(AnalysisRequest("vux", "days", by=("unit",)), scope=Scope.system())
    row = next(r for r in result.rows if r.group == (tree.bof_unit.pk,))
    assert row.suppressed
    _result, cells = audit(AnalysisRequest("vux", "days", by=("unit",)), scope=Scope.system())
    assert cells.counts[((tree.bof_unit.pk,), "n")] == 6


def test_an_edit_changes_the_next_result(generated, design):
    """A bulk write around the services bumps the programme itself (test_data_version.py has
    the edit through a service); the memo of recent results must not answer with the old."""
    from insyn.analytics import cache
    from insyn.followup.models import Value

    request = AnalysisRequest("vux", "days", stage="before")
    before = aggregate(request, scope=Scope.system()).total().values["mean"]
    Value.objects.filter(variable=design.variables["days"], occasion__stage__key="before").update(
        number=30.0
    )
    cache.bump("vux")
    after = aggregate(request, scope=Scope.system()).total().values["mean"]
    assert before != after == 30.0
