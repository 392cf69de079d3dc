"""Key figures in plain language, for the popular version: one line per figure — "Klagomål
besvarade i tid: 80 % (2024: 72 %) – bättre" — read through blocks/figures.py like the key-figure
tables, so a hidden value stays hidden and no trend is told from a hidden or missing value.

Each entry of `figures` is `{indicator: KEY}` (the indicator's own value) or
`{quality: SECTION.LINE}` (a line of the year's quality statistics, e.g. a volume), with an
optional plain `label` (else the indicator's title or the line's key)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.utils.translation import gettext as _

from insyn.indicators.models import Indicator
from insyn.reports.blocks import BuildContext, figures, register
from insyn.reports.document import Block, Message, Paragraph, Run
from insyn.reports.spec import text


def trend_word(now: float, before: float, direction: str) -> str:
    """The change in words: better/worse when the indicator says which way is good, else
    higher/lower; unchanged when equal at the shown precision."""
    if round(now, 1) == round(before, 1):
        return _("unchanged")
    up = now > before
    if direction == Indicator.Direction.HIGHER:
        return _("better") if up else _("worse")
    if direction == Indicator.Direction.LOWER:
        return _("worse") if up else _("better")
    return _("higher") if up else _("lower")


def _values(
    ctx: BuildContext, entry: dict[str, Any]
) -> tuple[str, str, figures.FigureValue, figures.FigureValue] | str:
    """(label, direction, this year, the year before), or why the entry cannot be read."""
    before_ctx = replace(ctx, year=ctx.year - 1, cache={})
    if "indicator" in entry:
        key = str(entry["indicator"])
        ind = figures.indicator(key)
        if ind is None:
            return _("There is no key figure %(key)s.") % {"key": key}
        label = text(entry.get("label"), ctx.language) or ind.title
        now = figures.indicator_value(ctx, key, ctx.year)
        before = figures.indicator_value(ctx, key, ctx.year - 1)
        return label, ind.direction, now, before
    if "quality" in entry:
        ref = str(entry["quality"])
        label = text(entry.get("label"), ctx.language) or ref
        now = figures.quality_value(ctx, ref)
        before = figures.quality_value(before_ctx, ref)
        return label, Indicator.Direction.NONE, now, before
    return _("A plain key figure needs indicator: KEY or quality: SECTION.LINE.")


@register("key_figures_plain")
def key_figures_plain(ctx: BuildContext, spec: dict[str, Any]) -> Block:
    title = text(spec.get("title"), ctx.language)
    items: list[Any] = []
    messages: list[str] = []
    sources: set[str] = set()
    for entry in spec.get("figures") or []:
        found = _values(ctx, entry if isinstance(entry, dict) else {})
        if isinstance(found, str):
            messages.append(found)
            continue
        label, direction, now, before = found
        runs = [Run(f"{label}: ", bold=True)]
        runs.append(Run(now.text, figure=True, suppressed=now.suppressed, source=now.source))
        if now.missing:
            messages.append(now.missing)
        if before.value is not None or before.suppressed:
            runs.append(Run(f" ({ctx.year - 1}: "))
            runs.append(
                Run(before.text, figure=True, suppressed=before.suppressed, source=before.source)
            )
            runs.append(Run(")"))
        if now.value is not None and before.value is not None:
            runs.append(Run(" – " + trend_word(float(now.value), float(before.value), direction)))
        sources.update(s for s in (now.source, before.source) if s)
        items.append(Paragraph("p", runs))
    if not items and not messages:
        messages.append(_("This block lists no key figures."))
    items += [Message(m) for m in messages]
    return Block(spec["id"], "key_figures_plain", title, items, sorted(sources))
