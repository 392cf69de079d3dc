"""Charts for report blocks, drawn like the analysis pages draw theirs (Altair → Vega-Lite →
SVG on the server with vl-convert, the same palette and number locale), so a report chart and
the pages look alike. Only values that are shown go in: a hidden value is never drawn."""

from __future__ import annotations

from typing import Any

import altair as alt
import vl_convert

from insyn.analytics.charts import PALETTE, WIDTH, _locale


def years_svg(points: list[dict[str, Any]], title: str, series: list[str], years: list[int]) -> str:
    """A line per series over years; `points` are {"year", "series", "value"} (shown values
    only). `series` fixes the legend's order and colours (own value first, then the
    references) and `years` the axis, so a year without a shown value stays visible as a gap
    (hidden or missing: the line breaks there, nothing is drawn in its place)."""
    # a year without a shown value breaks its series' line: no trend is drawn across a gap
    shown = {(str(p["year"]), str(p["series"])) for p in points}
    gaps = [
        {"year": str(y), "series": s, "value": None}
        for s in dict.fromkeys(str(p["series"]) for p in points)
        for y in years
        if (str(y), s) not in shown
    ]
    chart = (
        alt.Chart(alt.Data(values=[*points, *gaps]))
        .mark_line(point=True, invalid="break-paths-show-domains")
        .encode(
            x=alt.X(
                "year:O",
                title="",
                axis=alt.Axis(labelAngle=0),
                scale=alt.Scale(domain=[str(y) for y in years]),
            ),
            y=alt.Y("value:Q", title="", axis=alt.Axis(format=",.1f")),
            color=alt.Color(
                "series:N",
                title="",
                sort=series,
                scale=alt.Scale(domain=series, range=PALETTE),
                legend=alt.Legend(orient="bottom", labelLimit=300, columnPadding=24),
            ),
        )
        .properties(width=WIDTH, height=240)  # the title is the figure's caption: a long one
        # would be clipped inside the SVG
    )
    return str(vl_convert.vegalite_to_svg(chart.to_dict(), format_locale=_locale()))


def png(svg: str) -> bytes:
    """The SVG as a PNG for Word (python-docx takes no SVG), at twice the size for print."""
    return bytes(vl_convert.svg_to_png(svg, scale=2))
