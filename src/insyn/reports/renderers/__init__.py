"""One document, three renderings. `render(doc, "html"|"pdf"|"docx")` gives the file's bytes."""

from __future__ import annotations

from typing import Any

from insyn.reports.document import Document

CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def render(doc: Document, fmt: str) -> bytes:
    if fmt == "html":
        from insyn.reports.renderers.html import render_html

        return render_html(doc, standalone=True).encode("utf-8")
    if fmt == "pdf":
        from insyn.reports.renderers.pdf import render_pdf

        return render_pdf(doc)
    if fmt == "docx":
        from insyn.reports.renderers.docx import render_docx

        return render_docx(doc)
    raise ValueError(fmt)


def filename(doc: Document, fmt: str) -> str:
    from django.utils.text import slugify

    return f"{slugify(doc.title) or 'rapport'}-{doc.municipality_code}-{doc.year}.{fmt}"


def report_filename(report: Any, fmt: str) -> str:
    """The same name as `filename` gives the report's document, without resolving it (a
    document's title, municipality and year are the report's)."""
    from django.utils.text import slugify

    return f"{slugify(report.title) or 'rapport'}-{report.municipality.code}-{report.year}.{fmt}"
