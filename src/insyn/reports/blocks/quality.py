"""Quality statistics (deviations, lex Sarah, complaints, appeals, internal control,
non-executed decisions, action items) for the report year, one table per section, from the
one computation the quality dashboard uses (quality.selectors.stats) with its suppression."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from insyn.reports.blocks import BuildContext, figures, register
from insyn.reports.document import Block, Cell, Message, Table
from insyn.reports.spec import text


@register("quality_statistics")
def quality_statistics(ctx: BuildContext, spec: dict[str, Any]) -> Block:
    title = text(spec.get("title"), ctx.language)
    stats = figures.quality_stats(ctx)
    if isinstance(stats, str):
        return Block(spec["id"], "quality_statistics", title, [Message(stats)])
    wanted = [str(k) for k in spec.get("sections") or []]
    sections = [s for s in stats.sections if not wanted or s.key in wanted]
    items: list[Any] = []
    for key in wanted:
        if stats.section(key) is None:
            items.append(
                Message(_("There is no quality statistics section %(key)s.") % {"key": key})
            )
    for section in sections:
        rows = []
        for line in section.lines:
            if line.suppressed:
                cell = Cell(figures.hidden_text(ctx), None, suppressed=True)
            else:
                cell = Cell(figures.number(line.value), line.value)
            rows.append([Cell(line.label, header=True), cell])
        if not rows:
            items.append(
                Message(
                    _("%(title)s: nothing recorded in %(year)s.")
                    % {"title": section.title, "year": ctx.year}
                )
            )
            continue
        items.append(
            Table(
                caption=section.title,
                columns=[_("Figure"), str(ctx.year)],
                rows=rows,
                source=stats.source,
                period=f"{stats.period_start.isoformat()} – {stats.period_end.isoformat()}",
            )
        )
    return Block(spec["id"], "quality_statistics", title, items, [stats.source])
