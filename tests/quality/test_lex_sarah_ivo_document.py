"""The IVO notification: its fields (and the legal references in both numberings) appear
in the text of the generated PDF and DOCX."""

from __future__ import annotations

import io
import re

import pytest
from django.utils import timezone

from insyn.quality.models import LexSarahReport
from insyn.quality.services import lex_sarah as ls
from insyn.quality.services.lex_sarah_ivo import (
    ivo_notification,
    legal_reference_lines,
    render_docx,
    render_pdf,
)
from tests.quality import lex_sarah_factories as lf

S = LexSarahReport.State


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def docx_text(data: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def squash(text: str) -> str:
    """Line breaks and spacing as the PDF's text layer lays them out do not matter."""
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture
def serious(tree, staff, officer):
    report = lf.in_state(S.ASSESSED, staff.case_worker, tree.vux_unit, officer, serious=True)
    ls.lex_sarah_record_investigation(
        actor=officer,
        report=report,
        investigation_what="Brukaren lämnades utan tillsyn under natten.",
        investigation_why="Nattpersonalen var inte informerad om beslutet.",
        investigation_prevention="Överlämningsrutin med checklista.",
        consequences="Brukaren föll och skadade höften.",
        investigation_done_on=timezone.localdate(),
    )
    ls.lex_sarah_decide_measures(
        actor=officer, report=report, measures_text="Utbildning av all personal."
    )
    ls.lex_sarah_record_informed(
        actor=officer,
        report=report,
        affected_informed_on=timezone.localdate(),
        affected_views="Vill ha kontakt med samma personal.",
        relatives_informed_on=timezone.localdate(),
        relatives_views="Dottern är orolig.",
    )
    report.refresh_from_db()
    return report


def test_the_structure_carries_every_field_ivo_asks_for(serious, tree):
    doc = ivo_notification(serious)
    values = doc.values()
    for expected in (
        "Växjö",
        "Arbete och välfärd",
        "Missbruksbehandling",
        serious.diary_number,
        serious.occurred_on.isoformat(),
        "Brukaren lämnades utan tillsyn under natten.",
        "Brukaren föll och skadade höften.",
        "Bedömning enligt rutin.",
        "Utbildning av all personal.",
        "Överlämningsrutin med checklista.",
    ):
        assert any(expected in v for v in values), expected
    assert any("Vill ha kontakt med samma personal." in v for v in values)
    assert any("Dottern är orolig." in v for v in values)


def test_legal_references_have_both_numberings(catalogues):
    lines = legal_reference_lines()
    sol_ivo = next(line for line in lines if "14 kap. 7 §" in line)
    assert "SFS 2001:453" in sol_ivo and "SFS 2025:400" in sol_ivo
    assert any("24 f §" in line and "LSS" in line for line in lines)


@pytest.mark.parametrize(("render", "read"), [(render_pdf, pdf_text), (render_docx, docx_text)])
def test_every_value_appears_in_the_generated_document(serious, render, read):
    doc = ivo_notification(serious)
    text = squash(read(render(doc)))
    assert squash(doc.title) in text
    for section in doc.sections:
        assert squash(section.title) in text
        for field in section.fields:
            assert squash(field.label) in text, field.label
            assert squash(field.value) in text, field.value
