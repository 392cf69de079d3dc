"""Indicator charts: one key figure over the years for the report's municipality, with the
similar municipalities' value and Riket — read through the same comparison as the key-figure
table (`figures.comparison`), so chart, table and key-figure pages agree. The table under the
chart is its text alternative; a hidden value is shown there as hidden and is not drawn."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from insyn.indicators.selectors.page_data import fmt
from insyn.reports import charts
from insyn.reports.blocks import BuildContext, figures, register
from insyn.reports.document import Block, Cell, Chart, Message, Table
from insyn.reports.spec import text


def _span(spec: dict[str, Any]) -> int:
    try:
        return max(2, min(int(spec.get("years", 5) or 5), 15))
    except (TypeError, ValueError):
        return 5


@register("indicator_chart")
def indicator_chart(ctx: BuildContext, spec: dict[str, Any]) -> Block:
    key = str(spec.get("indicator") or "")
    title = text(spec.get("title"), ctx.language)
    ind = figures.indicator(key) if key else None
    if ind is None:
        message = _("There is no key figure %(key)s.") % {"key": key or "–"}
        return Block(spec["id"], "indicator_chart", title, [Message(message)])
    years = list(range(ctx.year - _span(spec) + 1, ctx.year + 1))
    own_label = ctx.municipality.name
    similar_label = _("Similar municipalities")
    riket_label = _("Riket")
    series = [own_label, similar_label, riket_label]
    rows: list[list[Cell]] = []
    points: list[dict[str, Any]] = []
    sources: set[str] = set()
    hidden = False
    for year in years:
        c = figures.comparison(ctx, ind, year, "similar")
        if isinstance(c, str):  # no group that year: the municipality and Riket still count
            c = figures.comparison(ctx, ind, year, "riket")
        if isinstance(c, str):
            rows.append([Cell(str(year), header=True), Cell("–"), Cell("–"), Cell("–")])
            continue
        own = (c.subject.value, c.subject.suppressed, c.subject.provenance)
        similar = (c.reference, False, c.reference_provenance) if c.against == "similar" else None
        riket = (c.riket, False, c.riket_provenance)
        row = [Cell(str(year), header=True)]
        for label, found in zip(series, (own, similar, riket), strict=True):
            if found is None or (found[0] is None and not found[1]):
                row.append(Cell("–"))
                continue
            value, suppressed, provenance = found
            if suppressed or value is None:
                hidden = True
                row.append(Cell(figures.hidden_text(ctx), None, suppressed=True))
                continue
            row.append(Cell(fmt(value, ind.unit), value))
            points.append({"year": str(year), "series": label, "value": value})
            if provenance:
                sources.add(provenance)
        rows.append(row)
    if not points and not hidden:
        message = _("%(title)s has no value for %(first)s–%(last)s.") % {
            "title": ind.title,
            "first": years[0],
            "last": years[-1],
        }
        return Block(spec["id"], "indicator_chart", title, [Message(message)])
    caption = f"{ind.title} {years[0]}–{years[-1]}"
    table = Table(
        caption=caption,
        columns=[_("Year"), own_label, similar_label, riket_label],
        rows=rows,
        source="; ".join(sorted(sources)) or _("No source: no values"),
        period=f"{years[0]}–{years[-1]}",
        notes=[_("Hidden: fewer than %(n)s persons.") % {"n": figures._min_cell()}]
        if hidden
        else [],
    )
    items: list[Any] = []
    if points:
        alt_text = _(
            "Line chart of %(title)s %(first)s–%(last)s for %(who)s, similar municipalities "
            "and Riket; the same numbers are in the table below."
        ) % {"title": ind.title, "first": years[0], "last": years[-1], "who": own_label}
        svg = charts.years_svg(points, ind.title, series, years)
        items.append(Chart(caption=caption, svg=svg, alt=alt_text, table=table))
    else:
        items += [table, Message(_("Nothing to draw: every value is hidden."))]
    return Block(spec["id"], "indicator_chart", title, items, sorted(sources))
