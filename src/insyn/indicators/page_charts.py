"""Charts of the key-figure pages as server-side SVG (Altair + vl-convert, like
analytics/charts.py). Every chart has a table alternative on the page with the same numbers.

PAGES-LOCAL: the compare area's `insyn.indicators.charts` (series_svg, ranked_bar_svg,
funnel_svg, sparkline_svg) is the shared set; these are the pages' stand-ins until it is merged."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any

import altair as alt
import vl_convert
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from insyn.analytics.charts import PALETTE

WIDTH = 520
COLOURS = {
    "green": "#2a7f3f",
    "yellow": "#c9a227",
    "red": "#a4161a",
    "grey": "#9aa3ad",
    "neutral": "#1d4e89",
}


def data_uri(svg: str) -> str:
    """An SVG as a data: address for an <img> (the CSP allows data: images, not inline styles)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _render(chart: Any) -> str:
    swedish = (get_language() or "sv").startswith("sv")
    return str(
        vl_convert.vegalite_to_svg(chart.to_dict(), format_locale="sv-SE" if swedish else "en-US")
    )


def sparkline_svg(values: Sequence[float | None], width: int = 120, height: int = 32) -> str:
    """A small line of the series (no axes; the tile states the numbers in text)."""
    points = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(points) < 2:
        return ""
    low = min(v for _i, v in points)
    high = max(v for _i, v in points)
    span = (high - low) or 1.0
    step = (width - 8) / max(len(values) - 1, 1)
    coords = [(4 + i * step, height - 4 - (v - low) / span * (height - 8)) for i, v in points]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    last_x, last_y = coords[-1]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">'
        f'<polyline fill="none" stroke="{PALETTE[0]}" stroke-width="2" points="{line}"/>'
        f'<circle cx="{last_x:.1f}" cy="{last_y:.1f}" r="3" fill="{PALETTE[0]}"/></svg>'
    )


def series_svg(data: list[dict[str, Any]], unit: str) -> str:
    """Lines per series over the years: rows {"year", "series", "value"}."""
    chart = (
        alt.Chart(alt.Data(values=data))
        .mark_line(point=True)
        .encode(
            x=alt.X("year:O", title=_("Year"), axis=alt.Axis(labelAngle=0)),
            y=alt.Y("value:Q", title=unit, scale=alt.Scale(zero=False)),
            color=alt.Color(
                "series:N",
                title="",
                scale=alt.Scale(range=PALETTE),
                legend=alt.Legend(orient="bottom", columns=1, labelLimit=360),
            ),
            strokeDash=alt.StrokeDash("series:N", legend=None),
        )
        .properties(width=WIDTH, height=240)
    )
    return _render(chart)


def ranked_bar_svg(data: list[dict[str, Any]], unit: str) -> str:
    """Horizontal bars best first: rows {"name", "value", "colour"}; the subject is marked by
    its name (e.g. "▶ Växjö") so the chart does not rely on colour."""
    chart = (
        alt.Chart(alt.Data(values=data))
        .mark_bar()
        .encode(
            y=alt.Y("name:N", title="", sort=None, axis=alt.Axis(labelLimit=200)),
            x=alt.X("value:Q", title=unit),
            color=alt.Color(
                "colour:N",
                scale=alt.Scale(domain=list(COLOURS), range=list(COLOURS.values())),
                legend=None,
            ),
        )
        .properties(width=WIDTH - 160, height=max(18 * len(data), 60))
    )
    return _render(chart)


def funnel_svg(points: list[dict[str, Any]], limits: list[dict[str, Any]], target: float) -> str:
    """Funnel plot: each area's share against its denominator, the comparison value as a line
    and the limits as curves. points {"name", "denominator", "value", "colour"};
    limits {"denominator", "lower", "upper"}."""
    base = alt.Chart(alt.Data(values=limits))
    upper = base.mark_line(strokeDash=[4, 3], color="#4a5562").encode(
        x=alt.X("denominator:Q", title=_("Denominator (number of persons)")),
        y=alt.Y("upper:Q", title="%"),
    )
    lower = base.mark_line(strokeDash=[4, 3], color="#4a5562").encode(
        x="denominator:Q", y="lower:Q"
    )
    centre = (
        alt.Chart(alt.Data(values=[{"target": target}]))
        .mark_rule(color="#1d4e89")
        .encode(y="target:Q")
    )
    dots = (
        alt.Chart(alt.Data(values=points))
        .mark_point(filled=True, size=70)
        .encode(
            x="denominator:Q",
            y="value:Q",
            color=alt.Color(
                "colour:N",
                scale=alt.Scale(domain=list(COLOURS), range=list(COLOURS.values())),
                legend=None,
            ),
            shape=alt.Shape("subject:N", legend=None),
        )
    )
    chart = (upper + lower + centre + dots).properties(width=WIDTH, height=260)
    return _render(chart)
