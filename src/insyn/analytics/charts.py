"""Charts: one Vega-Lite definition (Altair) rendered to SVG on the server with vl-convert, so
the same chart serves the web page (as an image: no script, the CSP holds), PDFs and DOCX.
The table next to it is always the text alternative; charts draw only shown cells."""

from __future__ import annotations

from typing import Any

import altair as alt
import vl_convert
from django.utils.translation import get_language, gettext

from insyn.analytics.aggregate import AnalysisResult
from insyn.analytics.dimensions import Labeller
from insyn.core.suppression import TOTAL

WIDTH = 560
PALETTE = ["#1d4e89", "#c25700", "#2a7f3f", "#7b3294", "#8c6d00", "#0b6e79", "#a4161a"]


def _label(result: AnalysisResult, labeller: Labeller, group: tuple[Any, ...], i: int) -> str:
    value = group[i]
    if value is TOTAL:
        return gettext("All")
    return labeller.name(result.dimensions[i], value)


def chart_data(result: AnalysisResult) -> tuple[list[dict[str, Any]], str, str]:
    """Rows for the chart, the measure's title and its kind ("number" or "share")."""
    labeller = Labeller()
    ndims = len(result.dimensions)
    rows = [
        r
        for r in result.rows
        if not r.suppressed and (ndims == 0 or all(v is not TOTAL for v in r.group))
    ]
    data: list[dict[str, Any]] = []
    variable = result.variable

    def base(row: Any) -> dict[str, Any]:
        return {f"d{i}": _label(result, labeller, row.group, i) for i in range(ndims)}

    if result.mode == "compare":
        for row in rows:
            for key, series in (
                ("mean_before", gettext("Before")),
                ("mean_after", gettext("After")),
            ):
                if row.values.get(key) is not None:
                    data.append({**base(row), "series": series, "value": row.values[key]})
        return data, gettext("Mean"), "number"
    if variable.is_numeric:
        for row in rows:
            if row.values.get("mean") is not None:
                data.append({**base(row), "series": variable.label, "value": row.values["mean"]})
        return data, gettext("Mean"), "number"
    for row in rows:
        for option in variable.options:
            value = row.values.get(f"share_{option.code}")
            if value is not None:
                data.append({**base(row), "series": option.label, "value": value})
    return data, gettext("Share"), "share"


def series_order(data: list[dict[str, Any]]) -> list[str]:
    """The series in the order `chart_data` made them: the programme's stage order (before,
    then after) or the option set's order. Vega-Lite would sort them alphabetically, and
    "Efter" comes before "Före"."""
    return list(dict.fromkeys(str(row["series"]) for row in data))


def spec(result: AnalysisResult) -> dict[str, Any]:
    data, title, kind = chart_data(result)
    order = series_order(data)
    ndims = len(result.dimensions)
    y = alt.Y(
        "value:Q",
        title=title,
        axis=alt.Axis(format=".0%" if kind == "share" else ",.1f"),
        scale=alt.Scale(domain=[0, 1]) if kind == "share" else alt.Undefined,
    )
    x_title = str(result.dimensions[0].label) if ndims else ""
    x = (
        alt.X("d0:N", title=x_title, axis=alt.Axis(labelAngle=0, labelLimit=140))
        if ndims
        else alt.X("series:N", sort=order, title="", axis=alt.Axis(labelAngle=0, labelLimit=140))
    )
    encoding: dict[str, Any] = {
        "x": x,
        "y": y,
        "color": alt.Color(
            "series:N",
            title="",
            sort=order,
            scale=alt.Scale(domain=order, range=PALETTE),
            legend=alt.Legend(orient="bottom"),
        ),
    }
    if ndims:
        encoding["xOffset"] = alt.XOffset("series:N", sort=order)
    chart: Any = alt.Chart(alt.Data(values=data)).mark_bar().encode(**encoding)
    if ndims >= 2:
        chart = chart.encode(opacity=alt.value(1)).properties(width=WIDTH // 2, height=180)
        chart = chart.facet(
            row=alt.Row("d1:N", title=str(result.dimensions[1].label)),
            **(
                {"column": alt.Column("d2:N", title=str(result.dimensions[2].label))}
                if ndims == 3
                else {}
            ),
        )
    else:
        chart = chart.properties(width=WIDTH, height=260)
    title = f"{result.variable.label}"
    return chart.properties(title=title).to_dict()


def _locale() -> Any:
    return "sv-SE" if (get_language() or "sv").startswith("sv") else "en-US"


def svg(result: AnalysisResult) -> str:
    return vl_convert.vegalite_to_svg(spec(result), format_locale=_locale())


def trend_svg(points: list[dict[str, Any]], title: str, kind: str = "share") -> str:
    """A line per series over start quarters (the unit dashboard)."""
    chart = (
        alt.Chart(alt.Data(values=points))
        .mark_line(point=True)
        .encode(
            x=alt.X("quarter:O", title=gettext("Start quarter"), axis=alt.Axis(labelAngle=-30)),
            y=alt.Y(
                "value:Q",
                title="",
                axis=alt.Axis(format=".0%" if kind == "share" else ",.1f"),
            ),
            color=alt.Color(
                "series:N",
                title="",
                scale=alt.Scale(range=PALETTE),
                legend=alt.Legend(orient="bottom"),
            ),
        )
        .properties(width=WIDTH, height=220, title=title)
    )
    return vl_convert.vegalite_to_svg(chart.to_dict(), format_locale=_locale())
