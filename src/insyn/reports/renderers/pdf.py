"""The PDF: the standalone HTML printed by WeasyPrint with the print stylesheet (cover, table
of contents with page numbers, running header, tables that break between rows). Nothing is
fetched: the only resources WeasyPrint may load are data: addresses."""

from __future__ import annotations

from typing import Any

from insyn.reports.document import Document
from insyn.reports.renderers.html import render_html


def _fetcher() -> Any:
    try:
        from weasyprint.urls import URLFetcher  # WeasyPrint ≥ 68

        return URLFetcher(allowed_protocols={"data"})
    except ImportError:  # older: a function that refuses everything but data:
        from weasyprint import default_url_fetcher

        def fetch(url: str, *args: Any, **kwargs: Any) -> Any:
            if not url.startswith("data:"):
                raise ValueError("report PDFs load nothing from outside")
            return default_url_fetcher(url, *args, **kwargs)

        return fetch


def render_pdf(doc: Document) -> bytes:
    from weasyprint import HTML

    html = render_html(doc, standalone=True)
    pdf = HTML(string=html, url_fetcher=_fetcher()).write_pdf(pdf_variant="pdf/ua-1")
    return bytes(pdf)
