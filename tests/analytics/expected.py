"""Independent expectations: the frame rebuilt with pandas straight from the follow-up tables
(through the ORM's values(), not through insyn.analytics), and statistics with SciPy."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
from django.utils import timezone
from scipy import stats

from insyn.followup.models import Enrollment, Goal, Occasion, Value


def _age(birth: pd.Series, at: pd.Series) -> pd.Series:
    out = []
    for b, a in zip(birth, at, strict=True):
        if a is None or pd.isna(a) or b is None or pd.isna(b):
            out.append(np.nan)
        else:
            out.append(a.year - b.year - ((a.month, a.day) < (b.month, b.day)))
    return pd.Series(out, index=birth.index, dtype="float64")


def effective_status(row: pd.Series, today: dt.date) -> str:
    if row["status"] in ("done", "missed"):
        return row["status"]
    if (
        row["window_end"] is not None
        and not pd.isna(row["window_end"])
        and today > row["window_end"]
    ):
        return "overdue"
    if (
        row["window_start"] is not None
        and not pd.isna(row["window_start"])
        and today >= row["window_start"]
    ):
        return "due"
    return "planned"


def frame(key: str) -> pd.DataFrame:
    """One row per enrolment, like the analysis frame (the columns tests look at)."""
    enr = pd.DataFrame(
        Enrollment.objects.filter(programme__key=key).values(
            "id",
            "client_id",
            "programme__version",
            "unit_id",
            "unit__municipality_id",
            "status",
            "enrolled_on",
            "client__sex",
            "client__birth_date",
            "intervention__started_on",
            "intervention__ended_on",
            "intervention__intervention_type__code",
            "intervention__provider__code",
            "intervention__decision__legal_basis__code",
            "intervention__end_reason__code",
            "intervention__end_reason__outcome",
        )
    ).rename(
        columns={
            "id": "enrollment_id",
            "programme__version": "programme_version",
            "unit__municipality_id": "municipality_id",
            "status": "enrollment_status",
            "client__sex": "sex",
            "client__birth_date": "birth_date",
            "intervention__ended_on": "ended_on",
            "intervention__intervention_type__code": "intervention_type",
            "intervention__provider__code": "provider",
            "intervention__decision__legal_basis__code": "legal_basis",
            "intervention__end_reason__code": "end_reason",
            "intervention__end_reason__outcome": "end_outcome",
        }
    )
    enr["start_date"] = [
        s if s is not None and not pd.isna(s) else e
        for s, e in zip(enr["intervention__started_on"], enr["enrolled_on"], strict=True)
    ]
    enr["age"] = _age(enr["birth_date"], enr["start_date"])
    enr = enr.set_index("enrollment_id")
    today = timezone.localdate()
    occ = pd.DataFrame(
        Occasion.objects.filter(enrollment__programme__key=key).values(
            "enrollment_id",
            "stage__key",
            "status",
            "due_on",
            "done_on",
            "window_start",
            "window_end",
            "non_response_reason__code",
        )
    )
    occ["effective"] = occ.apply(lambda r: effective_status(r, today), axis=1)
    for stage, rows in occ.groupby("stage__key"):
        rows = rows.set_index("enrollment_id")
        enr[f"status__{stage}"] = rows["effective"]
        enr[f"nonresponse__{stage}"] = rows["non_response_reason__code"]
        ref = [
            d if d is not None and not pd.isna(d) else u
            for d, u in zip(rows["done_on"], rows["due_on"], strict=True)
        ]
        enr[f"age__{stage}"] = _age(
            enr.loc[rows.index, "birth_date"], pd.Series(ref, index=rows.index)
        )
    val = pd.DataFrame(
        Value.objects.filter(occasion__enrollment__programme__key=key, item__isnull=True).values(
            "occasion__enrollment_id",
            "occasion__stage__key",
            "variable__key",
            "variable__type",
            "number",
            "option__code",
        )
    )
    for (var, stage, kind), rows in val.groupby(
        ["variable__key", "occasion__stage__key", "variable__type"]
    ):
        rows = rows.set_index("occasion__enrollment_id")
        if kind in ("integer", "decimal", "instrument"):
            enr[f"{var}__{stage}"] = rows["number"].astype(float)
        elif kind == "boolean":
            enr[f"{var}__{stage}"] = rows["number"].map(lambda x: "yes" if x else "no")
        elif kind == "single":
            enr[f"{var}__{stage}"] = rows["option__code"]
        elif kind == "multiple":
            answered = set(rows.index)
            for code in ("family", "friends", "pro"):
                chosen = set(rows.index[rows["option__code"] == code])
                enr[f"{var}__{stage}__{code}"] = [
                    (i in chosen) if i in answered else None for i in enr.index
                ]
    goals = pd.DataFrame(
        Goal.objects.filter(enrollment__programme__key=key).values("enrollment_id", "outcome")
    )
    counts = goals.groupby(["enrollment_id", "outcome"]).size().unstack(fill_value=0)
    enr["goals"] = goals.groupby("enrollment_id").size().reindex(enr.index).fillna(0).astype(int)
    for outcome, column in [
        ("achieved", "goals_achieved"),
        ("partly", "goals_partly"),
        ("not", "goals_not"),
        ("unknown", "goals_unknown"),
        ("", "goals_unassessed"),
    ]:
        series = counts[outcome] if outcome in counts else pd.Series(dtype=int)
        enr[column] = series.reindex(enr.index).fillna(0).astype(int)
    return enr


def audit_band(total: float, sex: str) -> str | None:
    """The AUDIT bands of the test instrument, written out by hand."""
    if pd.isna(total):
        return None
    if sex == "K":
        return "low" if total <= 5 else "high"
    if sex == "M":
        return "low" if total <= 7 else "high"
    return "low" if total <= 6 else "high"


def wilson(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def paired(before: pd.Series, after: pd.Series) -> dict[str, float | None]:
    both = pd.DataFrame({"b": before, "a": after}).dropna()
    d = both["a"] - both["b"]
    n = len(d)
    out: dict[str, float | None] = {
        "pairs": n,
        "mean_before": both["b"].mean(),
        "mean_after": both["a"].mean(),
        "mean_change": d.mean(),
    }
    if n >= 2:
        half = stats.t.ppf(0.975, n - 1) * d.std(ddof=1) / math.sqrt(n)
        out["change_ci_low"], out["change_ci_high"] = d.mean() - half, d.mean() + half
    p = stats.wilcoxon(d).pvalue if (d != 0).any() else float("nan")
    out["wilcoxon_p"] = None if math.isnan(p) else float(p)
    return out
