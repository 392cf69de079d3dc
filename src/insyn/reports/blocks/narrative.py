"""Narrative blocks: Markdown written by the quality lead, with placeholders for live figures.

Placeholders: `{{ indicator:KEY }}` (the report year), `{{ indicator:KEY:2024 }}` or
`{{ indicator:KEY:previous }}`, `{{ quality:SECTION.LINE }}` (the year's quality statistics),
`{{ year }}`, `{{ previous_year }}`, `{{ next_year }}`, `{{ municipality }}`. A figure renders
with its suppression and its source goes to the block's source lines; a typo renders as `[?…]`
with a message.

Sanitising is by construction: the Markdown is parsed (raw HTML off) into text runs, and only
those runs reach a renderer — no HTML, script or image from the text is ever emitted.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _
from markdown_it import MarkdownIt
from markdown_it.token import Token

from insyn.reports.blocks import BuildContext, figures, register
from insyn.reports.document import Block, Message, Paragraph, Run
from insyn.reports.spec import text

PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
MARK = re.compile("\ue000(\\d+)\ue001")
SAFE_LINK = re.compile(r"(https?://|mailto:|/)[^\s]*", re.IGNORECASE)
_md = MarkdownIt("commonmark", {"html": False})


def resolve_placeholder(ctx: BuildContext, name: str) -> tuple[Run, str]:
    """The run a placeholder becomes, and a message when it could not be filled."""
    if name == "year":
        return Run(str(ctx.year)), ""
    if name == "previous_year":
        return Run(str(ctx.year - 1)), ""
    if name == "next_year":
        return Run(str(ctx.year + 1)), ""
    if name == "municipality":
        return Run(ctx.municipality.name), ""
    kind, _sep, rest = name.partition(":")
    if kind == "indicator" and rest:
        key, _sep, when = rest.partition(":")
        year = ctx.year
        if when == "previous":
            year = ctx.year - 1
        elif when.isdigit() and len(when) == 4:
            year = int(when)
        elif when:
            return _unknown(name)
        fig = figures.indicator_value(ctx, key, year)
        ref = figures.indicator_ref(key, year)
    elif kind == "quality" and rest:
        fig = figures.quality_value(ctx, rest)
        ref = figures.quality_ref(rest)
    else:
        return _unknown(name)
    run = Run(fig.text, figure=True, suppressed=fig.suppressed, source=fig.source, ref=ref)
    return run, fig.missing


def complaint_page(ctx: BuildContext) -> tuple[str, str]:
    """The full address of the municipality's public complaint page (/feedback/<code>/), and a
    message when that page is not open (the link would find nothing)."""
    from django.conf import settings
    from django.urls import reverse

    from insyn.quality.services.complaints import public_municipality

    url = settings.INSYN_BASE_URL + reverse(
        "quality_public:complaint_form", args=[ctx.municipality.code]
    )
    if public_municipality(ctx.municipality.code) is None:
        return url, _("The public complaint page of %(name)s is not open.") % {
            "name": ctx.municipality.name
        }
    return url, ""


def _unknown(name: str) -> tuple[Run, str]:
    return (
        Run(f"[?{name}]", figure=True),
        _("Unknown placeholder {{ %(name)s }}: check its spelling (docs/reports.md lists them).")
        % {"name": name},
    )


def _inline(children: list[Token], figures_: list[Run]) -> list[Run]:
    runs: list[Run] = []
    bold = italic = False
    href = ""
    for tok in children:
        if tok.type == "strong_open":
            bold = True
        elif tok.type == "strong_close":
            bold = False
        elif tok.type == "em_open":
            italic = True
        elif tok.type == "em_close":
            italic = False
        elif tok.type == "link_open":
            target = str(tok.attrs.get("href", ""))
            href = target if SAFE_LINK.fullmatch(target) else ""
        elif tok.type == "link_close":
            href = ""
        elif tok.type in ("softbreak", "hardbreak"):
            runs.append(Run(" "))
        elif tok.type == "image":  # never fetched or embedded: its description stays
            runs.append(Run(tok.content or ""))
        elif tok.type in ("text", "code_inline", "html_inline"):
            for i, part in enumerate(MARK.split(tok.content)):
                if i % 2:
                    fig = figures_[int(part)]
                    runs.append(
                        Run(
                            fig.text,
                            bold=bold,
                            italic=italic,
                            figure=True,
                            suppressed=fig.suppressed,
                            source=fig.source,
                            ref=fig.ref,
                        )
                    )
                elif part:
                    runs.append(Run(part, bold=bold, italic=italic, href=href))
    return runs


def markdown_items(ctx: BuildContext, source: str) -> tuple[list[Paragraph], list[str], list[str]]:
    """Paragraphs from Markdown with placeholders filled; messages; source lines cited."""
    runs: list[Run] = []
    messages: list[str] = []

    def mark(match: re.Match[str]) -> str:
        if match.group(1) == "complaint_page":  # an address, so it can be a link's target
            url, message = complaint_page(ctx)
            if message and message not in messages:
                messages.append(message)
            return url
        run, message = resolve_placeholder(ctx, match.group(1))
        runs.append(run)
        if message and message not in messages:
            messages.append(message)
        return f"\ue000{len(runs) - 1}\ue001"

    marked = PLACEHOLDER.sub(mark, source.replace("\ue000", "").replace("\ue001", ""))
    paragraphs: list[Paragraph] = []
    style = "p"
    list_styles: list[str] = []
    for tok in _md.parse(marked):
        if tok.type == "heading_open":
            style = "h3" if tok.tag in ("h1", "h2", "h3") else "h4"
        elif tok.type == "bullet_list_open":
            list_styles.append("li")
        elif tok.type == "ordered_list_open":
            list_styles.append("oli")
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            list_styles.pop()
        elif tok.type == "blockquote_open":
            list_styles.append("quote")
        elif tok.type == "blockquote_close":
            list_styles.pop()
        elif tok.type == "inline":
            current = style if style != "p" else (list_styles[-1] if list_styles else "p")
            paragraphs.append(Paragraph(current, _inline(tok.children or [], runs)))
            style = "p"
        elif tok.type in ("code_block", "fence", "html_block"):
            paragraphs.append(Paragraph("p", [Run(tok.content.strip())]))
    sources = sorted({r.source for r in runs if r.source})
    return paragraphs, messages, sources


@register("narrative")
def narrative(ctx: BuildContext, spec: dict[str, Any]) -> Block:
    source = ctx.narratives.get(spec["id"])
    if source is None:
        source = text(spec.get("text"), ctx.language)
    paragraphs, messages, sources = markdown_items(ctx, source)
    items: list[Any] = [*paragraphs, *(Message(m) for m in messages)]
    return Block(
        id=spec["id"],
        kind="narrative",
        title=text(spec.get("title"), ctx.language),
        items=items,
        sources=sources,
        editable=True,
    )
