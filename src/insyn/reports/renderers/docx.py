"""The DOCX for the committee's secretary: real Word headings (Rubrik 1/2/3 through the
built-in styles), tables with a header row and a caption, source and period under each table,
so the document stays editable and its outline works."""

from __future__ import annotations

import io
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from docx import Document as WordDocument
from docx.shared import Cm, Pt

from insyn.reports.document import Chart, Document, Message, Paragraph, Table


def _paragraph(word: Any, item: Paragraph) -> None:
    style = {
        "h3": "Heading 3",
        "h4": "Heading 4",
        "li": "List Bullet",
        "oli": "List Number",
        "quote": "Quote",
    }.get(item.style)
    para = word.add_paragraph(style=style)
    for run in item.runs:
        text = run.text + (f" ({run.href})" if run.href and run.href != run.text else "")
        r = para.add_run(text)
        r.bold = run.bold or None
        r.italic = run.italic or None


def _table(word: Any, item: Table) -> None:
    caption = word.add_paragraph(item.caption, style="Caption")
    caption.paragraph_format.keep_with_next = True
    table = word.add_table(rows=1, cols=len(item.columns))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, item.columns, strict=False):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in item.rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=False):
            cell.text = value.text
    note = word.add_paragraph(
        _("Source: %(source)s. Period: %(period)s.")
        % {"source": item.source, "period": item.period}
    )
    for run in note.runs:
        run.font.size = Pt(8)
    for text in item.notes:
        word.add_paragraph(text).runs[0].font.size = Pt(8)


def _chart(word: Any, item: Chart) -> None:
    """The chart as a PNG (Word takes no SVG) with its alt text, a caption, then its table."""
    from insyn.reports.charts import png

    word.add_picture(io.BytesIO(png(item.svg)), width=Cm(16))
    doc_pr = word.inline_shapes[-1]._inline.docPr
    doc_pr.set("descr", item.alt)
    doc_pr.set("title", item.caption)
    word.paragraphs[-1].paragraph_format.keep_with_next = True
    word.add_paragraph(item.caption, style="Caption")
    _table(word, item.table)


def render_docx(doc: Document) -> bytes:
    with translation.override(doc.language):
        word = WordDocument()
        word.core_properties.title = doc.title
        word.core_properties.language = doc.language
        word.add_heading(doc.title, level=0)
        word.add_paragraph(f"{doc.municipality_name} {doc.year}")
        if doc.approved_at:
            word.add_paragraph(
                _("Approved %(date)s by %(who)s.")
                % {"date": doc.approved_at[:10], "who": doc.approved_by}
            )
        else:
            word.add_paragraph(
                _("Draft with live figures read %(when)s.") % {"when": doc.built_at[:16]}
            )
        for chapter in doc.chapters:
            word.add_heading(chapter.title, level=1)
            for block in chapter.blocks:
                if block.title:
                    word.add_heading(block.title, level=2)
                for item in block.items:
                    if isinstance(item, Paragraph):
                        _paragraph(word, item)
                    elif isinstance(item, Table):
                        _table(word, item)
                    elif isinstance(item, Chart):
                        _chart(word, item)
                    elif isinstance(item, Message):
                        word.add_paragraph(item.text).runs[0].italic = True
                if block.sources and block.kind in ("narrative", "key_figures_plain"):
                    word.add_paragraph(
                        _("Sources: %(list)s") % {"list": "; ".join(block.sources)}
                    ).runs[0].font.size = Pt(8)
        out = io.BytesIO()
        word.save(out)
        return out.getvalue()
