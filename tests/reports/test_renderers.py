"""The same figures in HTML, PDF and DOCX; the PDF's pages are drawn (not blank); no hidden
value in any format. Expected figures are the ones the test world put in."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document as WordDocument
from pypdf import PdfReader

from insyn.reports.renderers import render
from insyn.reports.services.build import resolve
from tests.reports import factories as rf

FIGURES = ["62,5 %", "60 %", "93,8 %", "dolt (färre än 5)"]


@pytest.fixture
def doc(tree, staff):
    rf.world(tree)
    template = rf.template(
        rf.chapter(
            {
                "id": "kf",
                "kind": "key_figures",
                "title": "Nyckeltal i urval",
                "indicators": [rf.KPI, rf.COMPUTED, rf.SMALL],
                "years": 2,
            },
            {"id": "n", "kind": "narrative", "text": "Andelen var {{ indicator:U31462 }}."},
            title="Resultat",
        )
    )
    return resolve(template, user=staff.quality_lead, unit=tree.aov, year=2024)


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _docx_text(content: bytes) -> str:
    word = WordDocument(io.BytesIO(content))
    parts = [p.text for p in word.paragraphs]
    for table in word.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_every_format_has_the_same_figures_and_no_hidden_value(doc):
    html = re.sub(r"<[^>]+>", "", render(doc, "html").decode())
    pdf = _pdf_text(render(doc, "pdf"))
    docx = _docx_text(render(doc, "docx"))
    for raw in (html, pdf, docx):
        text = " ".join(raw.split())  # a narrow PDF column wraps "dolt (färre än 5)"
        for figure in FIGURES:
            assert figure in text, (figure, text[:400])
        assert "66,7" not in text  # the small group's share
        assert "Andelen var 62,5 %." in text


def test_docx_has_real_headings_and_a_table_with_header(doc):
    word = WordDocument(io.BytesIO(render(doc, "docx")))
    styles = {p.style.name for p in word.paragraphs if p.text == "Resultat"}
    assert styles == {"Heading 1"}
    table = word.tables[0]
    assert [c.text for c in table.rows[0].cells][:3] == ["Nyckeltal", "2023", "2024"]


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_pdf_pages_are_drawn(doc, tmp_path: Path):
    from PIL import Image

    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(render(doc, "pdf"))
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "3", str(pdf), str(tmp_path / "p")],
        check=True,
    )
    pages = sorted(tmp_path.glob("p-*.png"))
    assert len(pages) == 3  # cover, contents, the chapter
    for png in pages:
        image = Image.open(png).convert("L")
        dark = sum(1 for v in image.tobytes() if v < 128)
        assert dark > 50, f"{png.name} looks blank"
    assert "Innehåll" in _pdf_text(pdf.read_bytes())
