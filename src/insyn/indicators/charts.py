"""Charts of key figures, drawn on the server as SVG (Altair → vl-convert, as in
analytics/charts.py): no script in the page, no CDN. Each chart has a table alternative:
`*_table(...)` returns the header and rows the page shows beside it (and exports).

Numbers use the Swedish locale (decimal comma) when the language is Swedish. Each SVG gets
a <title> naming what it shows, for screen readers (the page also sets role="img" and
aria-label on the <img>/<figure>)."""

from __future__ import annotations

import html
import textwrap
from collections.abc import Sequence
from typing import Any

import altair as alt
import vl_convert
from django.utils.translation import get_language, gettext

from insyn.indicators.selectors.comparison_types import Comparison, SeriesPoint

WIDTH = 560
SUBJECT = "#1d4e89"
OTHER = "#9aa5b1"
REFERENCE = "#c25700"
RIKET = "#2a7f3f"
LIMIT95 = "#7b3294"
LIMIT998 = "#a4161a"
COLOUR_FILL = {
    "green": "#2a7f3f",
    "yellow": "#c9a400",
    "red": "#a4161a",
    "grey": "#9aa5b1",
    "none": "#5b6b7b",
    "within": "#5b6b7b",
}


def _locale() -> Any:
    return "sv-SE" if (get_language() or "sv").startswith("sv") else "en-US"


def _title(title: str) -> Any:
    """A visible chart title wrapped to the chart's width (long Kolada titles were cut)."""
    return alt.TitleParams(text=textwrap.wrap(title, 80) or [""], anchor="start", fontSize=12)


def _render(chart: Any, title: str) -> str:
    svg: str = vl_convert.vegalite_to_svg(chart.to_dict(), format_locale=_locale())
    return _with_title(svg, title)


def _with_title(svg: str, title: str) -> str:
    """Put an accessible <title> first in the root <svg> element."""
    at = svg.find(">", svg.find("<svg"))
    if at < 0:
        return svg
    return f"{svg[: at + 1]}<title>{html.escape(title)}</title>{svg[at + 1 :]}"


def _unit_format(comparison_unit: str) -> str:
    return ",.1f"


def number(value: float | None, decimals: int = 1) -> str:
    """Swedish number text for tables: 12,5; thin-space-free; "–" for missing."""
    if value is None:
        return "–"
    text = f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",")
    return text.replace("-", "−")


# ----------------------------------------------------------------------------- series


def series_rows(points: Sequence[SeriesPoint], subject: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for p in points:
        if p.value is not None:
            rows.append({"year": str(p.year), "series": subject, "value": p.value})
        if p.reference is not None:
            rows.append(
                {"year": str(p.year), "series": p.reference_label or "Grupp", "value": p.reference}
            )
        if p.riket is not None:
            rows.append({"year": str(p.year), "series": "Riket", "value": p.riket})
    return rows


def series_svg(points: Sequence[SeriesPoint], *, title: str, subject: str) -> str:
    """Lines over the years: the municipality, the group's reference, Riket."""
    data = series_rows(points, subject)
    chart = (
        alt.Chart(alt.Data(values=data))
        .mark_line(point=True)
        .encode(
            x=alt.X("year:O", title=gettext("Year"), axis=alt.Axis(labelAngle=0)),
            y=alt.Y("value:Q", title="", axis=alt.Axis(format=",.1f")),
            color=alt.Color(
                "series:N",
                title="",
                scale=alt.Scale(range=[SUBJECT, REFERENCE, RIKET]),
                legend=alt.Legend(orient="bottom", direction="vertical"),
            ),
        )
        .properties(width=WIDTH, height=220, title=_title(title))
    )
    return _render(chart, title)


def series_table(points: Sequence[SeriesPoint]) -> tuple[list[str], list[list[Any]]]:
    header = [
        gettext("Year"),
        gettext("Value"),
        gettext("Comparison value"),
        gettext("Riket"),
        gettext("Source"),
    ]
    rows = [
        [
            p.year,
            p.value,
            p.reference,
            p.riket,
            "; ".join(
                x
                for x in dict.fromkeys(
                    [p.value_provenance, p.reference_provenance, p.riket_provenance]
                )
                if x
            ),
        ]
        for p in points
    ]
    return header, rows


# ----------------------------------------------------------------------------- ranked bars


def ranked_bar_svg(comparison: Comparison) -> str:
    """The members ranked as bars (best first), the subject highlighted, the reference as a
    vertical rule. Areas without a value are left out (the table lists them)."""
    title = f"{comparison.indicator.title} {comparison.year}: {comparison.group_title}"
    data = [
        {
            "name": m.name,
            "value": m.value,
            "colour": COLOUR_FILL[m.colour] if not m.is_subject else SUBJECT,
            "subject": m.is_subject,
        }
        for m in comparison.members
        if m.value is not None
    ]
    order = [str(d["name"]) for d in data]
    base = alt.Chart(alt.Data(values=data))
    bars = base.mark_bar().encode(
        y=alt.Y("name:N", title="", sort=order, axis=alt.Axis(labelLimit=200)),
        x=alt.X("value:Q", title="", axis=alt.Axis(format=",.1f")),
        color=alt.Color("colour:N", scale=None, legend=None),
        stroke=alt.condition("datum.subject", alt.value("#000000"), alt.value(None)),
        strokeWidth=alt.condition("datum.subject", alt.value(2), alt.value(0)),
    )
    layers: list[Any] = [bars]
    if comparison.reference is not None:
        rule = (
            alt.Chart(alt.Data(values=[{"ref": comparison.reference}]))
            .mark_rule(color=REFERENCE, strokeDash=[4, 3], strokeWidth=2)
            .encode(x="ref:Q")
        )
        layers.append(rule)
    chart = alt.layer(*layers).properties(
        width=WIDTH - 160, height=max(120, 22 * len(data)), title=_title(title)
    )
    return _render(chart, title)


def ranked_table(comparison: Comparison) -> tuple[list[str], list[list[Any]]]:
    header = [
        gettext("Rank"),
        gettext("Municipality"),
        gettext("Value"),
        gettext("Numerator"),
        gettext("Denominator"),
        gettext("Quartile colour"),
        gettext("Funnel"),
        gettext("Preliminary"),
        gettext("Source"),
    ]
    rows = [
        [
            m.rank,
            m.name,
            m.value,
            m.numerator,
            m.denominator,
            m.colour,
            m.funnel_position,
            m.preliminary,
            m.provenance,
        ]
        for m in comparison.members
    ]
    return header, rows


# ----------------------------------------------------------------------------- funnel


def funnel_svg(comparison: Comparison) -> str:
    """Shares against their denominators, the 95 % and 99.8 % limits around the reference
    and the reference as a horizontal line. Empty string without a funnel."""
    funnel = comparison.funnel
    if funnel is None:
        return ""
    title = f"{comparison.indicator.title} {comparison.year}: " + gettext("funnel plot")
    limits: list[dict[str, Any]] = []
    for line in funnel.lines:
        for name, value in (
            ("95 % lower", line.lower95),
            ("95 % upper", line.upper95),
            ("99,8 % lower", line.lower998),
            ("99,8 % upper", line.upper998),
        ):
            limits.append({"n": line.n, "limit": name, "value": value})
    points = [
        {
            "n": m.denominator,
            "value": m.value,
            "name": m.name,
            "colour": SUBJECT if m.is_subject else OTHER,
            "size": 120 if m.is_subject else 50,
        }
        for m in funnel.points
    ]
    curve = (
        alt.Chart(alt.Data(values=limits))
        .mark_line()
        .encode(
            x=alt.X("n:Q", title=gettext("Denominator")),
            y=alt.Y("value:Q", title="%", axis=alt.Axis(format=",.0f")),
            detail="limit:N",
            color=alt.condition(
                "indexof(datum.limit, '95 %') == 0", alt.value(LIMIT95), alt.value(LIMIT998)
            ),
            strokeDash=alt.condition(
                "indexof(datum.limit, '95 %') == 0", alt.value([5, 3]), alt.value([1, 0])
            ),
        )
    )
    dots = (
        alt.Chart(alt.Data(values=points))
        .mark_circle(opacity=0.9)
        .encode(
            x="n:Q",
            y="value:Q",
            color=alt.Color("colour:N", scale=None, legend=None),
            size=alt.Size("size:Q", scale=None, legend=None),
        )
    )
    ref = (
        alt.Chart(alt.Data(values=[{"p0": funnel.p0}]))
        .mark_rule(color=REFERENCE, strokeWidth=2)
        .encode(y="p0:Q")
    )
    chart = alt.layer(curve, ref, dots).properties(width=WIDTH, height=280, title=_title(title))
    return _render(chart, title)


def funnel_table(comparison: Comparison) -> tuple[list[str], list[list[Any]]]:
    """Each point with its own limits (95 % and 99.8 %) at its denominator."""
    from insyn.indicators import colours

    header = [
        gettext("Municipality"),
        gettext("Value"),
        gettext("Denominator"),
        gettext("95 % limits"),
        gettext("99.8 % limits"),
        gettext("Position"),
    ]
    funnel = comparison.funnel
    if funnel is None:
        return header, []
    rows: list[list[Any]] = []
    share0 = funnel.p0 / 100
    for m in funnel.points:
        assert m.denominator is not None
        lo95, hi95 = colours.funnel_limits(share0, m.denominator, 0.95)
        lo998, hi998 = colours.funnel_limits(share0, m.denominator, 0.998)
        rows.append(
            [
                m.name,
                m.value,
                m.denominator,
                f"{number(100 * lo95)}–{number(100 * hi95)}",
                f"{number(100 * lo998)}–{number(100 * hi998)}",
                m.funnel_position,
            ]
        )
    return header, rows


# ----------------------------------------------------------------------------- sparkline


def sparkline_svg(points: Sequence[tuple[int, float]], *, title: str = "") -> str:
    """A tiny line, no axes (the tile shows the numbers; the table is the series)."""
    data = [{"year": str(y), "value": v} for y, v in points]
    chart = (
        alt.Chart(alt.Data(values=data))
        .mark_line(point=alt.OverlayMarkDef(size=12), color=SUBJECT, strokeWidth=2)
        .encode(
            x=alt.X("year:O", axis=None),
            y=alt.Y("value:Q", axis=None, scale=alt.Scale(zero=False)),
        )
        .properties(width=110, height=28)
        .configure_view(stroke=None)
    )
    return _render(chart, title or gettext("Trend"))
