"""Key-figure tables: indicators this year and the years before, with the similar
municipalities' value, Riket and the rank colour in words — the same comparison the key-figure
pages draw (indicators.selectors.comparison), so the report and the pages agree."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from insyn.indicators.selectors.page_data import colour_text, fmt
from insyn.reports.blocks import BuildContext, figures, register
from insyn.reports.document import Block, Cell, Message, Table
from insyn.reports.spec import text


def _cell(ctx: BuildContext, value: float | None, unit: str, suppressed: bool) -> Cell:
    if suppressed:
        return Cell(figures.hidden_text(ctx), None, suppressed=True)
    return Cell(fmt(value, unit), value)


@register("key_figures")
def key_figures(ctx: BuildContext, spec: dict[str, Any]) -> Block:
    keys = [str(k) for k in spec.get("indicators") or []]
    span = max(1, min(int(spec.get("years", 3) or 3), 10))
    years = list(range(ctx.year - span + 1, ctx.year + 1))
    title = text(spec.get("title"), ctx.language)
    messages: list[str] = []
    sources: set[str] = set()
    rows: list[list[Cell]] = []
    for key in keys:
        ind = figures.indicator(key)
        if ind is None:
            messages.append(_("There is no key figure %(key)s.") % {"key": key})
            continue
        row = [Cell(ind.title, header=True)]
        for year in years:
            c = figures.comparison(ctx, ind, year, "similar")
            if isinstance(c, str):
                c2 = figures.comparison(ctx, ind, year, "riket")
                c = c2
            if isinstance(c, str):
                row.append(Cell("–"))
                continue
            cell = _cell(ctx, c.subject.value, ind.unit, c.subject.suppressed)
            cell.ref = figures.indicator_ref(key, year)
            row.append(cell)
            if c.subject.provenance:
                sources.add(c.subject.provenance)
        latest = figures.comparison(ctx, ind, ctx.year, "similar")
        if isinstance(latest, str):
            row += [Cell("–"), Cell("–"), Cell(latest)]
            messages.append(f"{ind.title}: {latest}")
        else:
            row.append(Cell(fmt(latest.reference, ind.unit), latest.reference))
            row.append(Cell(fmt(latest.riket, ind.unit), latest.riket))
            row.append(Cell(colour_text(latest.subject.colour, "rank")))
            sources.update(p for p in latest.provenance if p)
        if all(c.value is None and not c.suppressed for c in row[1 : 1 + len(years)]):
            messages.append(
                _("%(title)s has no value for %(first)s–%(last)s.")
                % {"title": ind.title, "first": years[0], "last": years[-1]}
            )
        rows.append(row)
    columns = [
        _("Key figure"),
        *[str(y) for y in years],
        _("Similar municipalities %(year)s") % {"year": ctx.year},
        _("Riket %(year)s") % {"year": ctx.year},
        _("Compared with similar municipalities"),
    ]
    items: list[Any] = []
    if rows:
        items.append(
            Table(
                caption=_("Key figures %(first)s–%(last)s")
                % {"first": years[0], "last": years[-1]},
                columns=columns,
                rows=rows,
                source="; ".join(sorted(sources)) or _("No source: no values"),
                period=f"{years[0]}–{years[-1]}",
                notes=[_("Hidden: fewer than %(n)s persons.") % {"n": figures._min_cell()}],
            )
        )
    items += [Message(m) for m in messages]
    return Block(spec["id"], "key_figures", title, items, sorted(sources))
