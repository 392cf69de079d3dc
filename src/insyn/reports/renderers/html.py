"""The HTML rendering: the web preview (inside the product's page) and the standalone file
the PDF is printed from. Every table has its caption, header cells, source and period."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from insyn.reports.document import Document


def render_html(
    doc: Document, *, standalone: bool = False, editable: bool = False, report: Any = None
) -> str:
    """The document as HTML; `editable` adds "edit the text" links (needs `report`)."""
    with translation.override(doc.language):
        return render_to_string(
            "reports/document_standalone.html" if standalone else "reports/_document.html",
            {"doc": doc, "editable": editable and report is not None, "report": report},
        )
