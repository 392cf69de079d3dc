"""Issue 13, "Done when": the demo's quality report (the approved one as delivered, and a live
draft) in HTML, PDF and DOCX carries the key figures computed here from the database with
plain ORM queries — not through the report code — in every format; no suppressed value is
printed in its table row in any format; and the frozen report does not change when the data
do, while the draft does.

Figures are found by block id and figure name (cell ref), never by position, so blocks other
helpers add to the default template do not break the test. Loading the whole demo is
expensive: it is loaded once for the module, inside a transaction rolled back at the end.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from docx import Document as WordDocument
from lxml import html as lxml_html
from pypdf import PdfReader

from insyn.accounts.models import User
from insyn.clients.models import Appeal, Investigation
from insyn.indicators.models import IndicatorValue
from insyn.organisations.models import OrgUnit
from insyn.quality.models import Complaint, ControlCase, ControlRound, Deviation, LexSarahReport
from insyn.reports.document import Cell, Document, Table
from insyn.reports.models import Report
from insyn.reports.renderers import render
from insyn.reports.services.build import document_for, live_document
from tests.quality import factories as qf

pytestmark = pytest.mark.django_db

HIDDEN = "dolt (färre än 5)"
KPI = "U31462"  # a Kolada key figure of the financial-assistance block


def norm(text: str) -> str:
    """Whitespace as one space (PDF lines wrap, numbers carry no-break spaces)."""
    return " ".join(text.replace("\xa0", " ").replace("\u202f", " ").split())


def swedish(value: float, unit: str = "") -> str:
    """A number as the report prints it, formatted here independently: decimal comma, one
    decimal unless whole, space-grouped thousands, the unit's suffix."""
    decimals = 0 if unit == "count" or float(value).is_integer() else 1
    whole, _dot, frac = f"{round(value, decimals):,.{decimals}f}".partition(".")
    text = whole.replace(",", " ") + ("," + frac if frac else "")
    return text + {"percent": " %", "kr": " kr", "days": " dagar"}.get(unit, "")


@dataclass
class Rendered:
    doc: Document
    html: str
    pdf: str
    docx: str
    html_rows: list[list[str]]
    docx_rows: list[list[str]]

    def texts(self) -> dict[str, str]:
        return {"html": self.html, "pdf": self.pdf, "docx": self.docx}


def extract(doc: Document, files: dict[str, bytes]) -> Rendered:
    tree = lxml_html.fromstring(files["html"].decode("utf-8"))
    html_rows = [
        [norm(c.text_content()) for c in tr if c.tag in ("th", "td")] for tr in tree.iter("tr")
    ]
    pdf = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(files["pdf"])).pages)
    word = WordDocument(io.BytesIO(files["docx"]))
    docx_rows = [[norm(c.text) for c in row.cells] for t in word.tables for row in t.rows]
    docx_text = [p.text for p in word.paragraphs] + [" ".join(r) for r in docx_rows]
    return Rendered(
        doc=doc,
        html=norm(tree.text_content()),
        pdf=norm(pdf),
        docx=norm("\n".join(docx_text)),
        html_rows=html_rows,
        docx_rows=docx_rows,
    )


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """The whole demo, once for the module; rolled back afterwards."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic._from_testcase = True  # type: ignore[attr-defined]  # durable blocks nest
        atomic.__enter__()
        try:
            call_command("demo", stdout=StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@dataclass
class World:
    year: int
    lead: User
    scope: OrgUnit  # what the demo's reports cover
    municipality: OrgUnit
    approved: Report
    draft: Report
    frozen: Rendered  # the approved report as delivered (its stored files)
    live: Rendered  # the draft, rendered now


@pytest.fixture(scope="module")
def world(demo: None, django_db_blocker: Any) -> World:
    with django_db_blocker.unblock():
        year = timezone.localdate().year - 1
        approved = Report.objects.get(template_key="default", year=year)
        draft = Report.objects.get(template_key="default", year=year + 1)
        lead = approved.approved_by
        files = {f.format: bytes(f.content) for f in approved.files.all()}
        frozen = extract(document_for(approved, lead), files)
        doc = live_document(draft, lead)
        live = extract(doc, {fmt: render(doc, fmt) for fmt in ("html", "pdf", "docx")})
        return World(
            year, lead, approved.unit, approved.municipality, approved, draft, frozen, live
        )


def _cell(doc: Document, block_id: str, ref: str) -> tuple[Table, list[Cell], Cell] | None:
    """The table, row and cell of block `block_id` showing figure `ref`."""
    for block in doc.blocks():
        if block.id != block_id:
            continue
        for item in block.items:
            if isinstance(item, Table):
                for row in item.rows:
                    for cell in row:
                        if cell.ref == ref:
                            return item, row, cell
    return None


def assert_row_everywhere(r: Rendered, label: str, text: str) -> None:
    """The row `label` shows `text` in the HTML and DOCX tables and in the PDF's text."""
    for name, rows in (("html", r.html_rows), ("docx", r.docx_rows)):
        assert any(row and row[0] == label and text in row[1:] for row in rows), (name, label)
    assert f"{label} {text}" in r.pdf, ("pdf", label, text)


def _in_scope(qs: Any, world: World, unit: str = "unit") -> Any:
    return qs.filter(**{f"{unit}__path__startswith": world.scope.path})


def _year_range(year: int) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_default_timezone()
    return dt.datetime(year, 1, 1, tzinfo=tz), dt.datetime(year + 1, 1, 1, tzinfo=tz)


def independent_figures(world: World, year: int) -> dict[str, int | float]:
    """The quality figures of `year`, from the tables themselves."""
    since, until = _year_range(year)
    deviations = _in_scope(Deviation.objects.filter(municipality=world.municipality), world)
    deviations = deviations.filter(reported_at__gte=since, reported_at__lt=until)
    out: dict[str, int | float] = {"deviations_by_category.all": deviations.count()}
    for code, n in Counter(deviations.values_list("category__code", flat=True)).items():
        out[f"deviations_by_category.{code}"] = n
    complaints = _in_scope(Complaint.objects.filter(municipality=world.municipality), world)
    out["complaints_answered.received"] = complaints.filter(received_on__year=year).count()
    lex = _in_scope(LexSarahReport.objects.filter(municipality=world.municipality), world)
    out["lex_sarah.reports"] = lex.filter(reported_at__gte=since, reported_at__lt=until).count()
    appeals = _in_scope(
        Appeal.objects.filter(
            decision__case__municipality=world.municipality, decided_on__year=year
        ),
        world,
        "decision__case__unit",
    )
    out["appeals.decided"] = appeals.count()
    for outcome, n in Counter(appeals.values_list("outcome", flat=True)).items():
        out[f"appeals.outcome_{outcome}"] = n
    investigations = _in_scope(
        Investigation.objects.filter(
            case__municipality=world.municipality, completed_on__year=year
        ),
        world,
        "case__unit",
    )
    out["investigations.completed"] = investigations.count()
    rounds = _in_scope(
        ControlRound.objects.filter(
            municipality=world.municipality, state="completed", completed_on__year=year
        ),
        world,
    )
    out["internal_control.rounds_completed"] = rounds.count()
    reviewed = ControlCase.objects.filter(round__in=rounds, reviewed_at__isnull=False)
    out["internal_control.cases_reviewed"] = reviewed.count()
    if out["appeals.decided"]:
        changed = out.get("appeals.outcome_changed", 0)
        out["appeals.changed_share"] = round(100 * changed / out["appeals.decided"], 1)
    return out


def printed(value: int | float) -> str:
    """A quality figure as printed: a count whole, a share with one decimal."""
    return swedish(value, "count" if isinstance(value, int) else "")


def _reports(world: World) -> list[tuple[str, Rendered, int]]:
    return [("approved", world.frozen, world.year), ("draft", world.live, world.year + 1)]


@pytest.mark.parametrize("which", ["approved", "draft"])
def test_quality_figures_computed_here_appear_in_every_format(world, which):
    name, rendered, year = next(r for r in _reports(world) if r[0] == which)
    truth = independent_figures(world, year)
    checked = 0
    for ref, expected in truth.items():
        for block in rendered.doc.blocks():
            found = _cell(rendered.doc, block.id, f"quality:{ref}")
            if found is None or found[2].suppressed:
                continue
            _table, row, cell = found
            assert cell.value == expected, (name, block.id, ref)
            assert_row_everywhere(rendered, row[0].text, printed(expected))
            checked += 1
    # the safety block shows deviations, lex Sarah and complaints in the demo's default report
    assert checked >= 3, truth


def test_complaints_in_the_narrative_match_the_count_here(world):
    received = independent_figures(world, world.year)["complaints_answered.received"]
    for text in world.frozen.texts().values():
        assert f"Under året kom {received} klagomål in" in text


@pytest.mark.parametrize("which", ["approved", "draft"])
def test_a_kolada_key_figure_is_the_stored_value_in_every_format(world, which):
    name, rendered, year = next(r for r in _reports(world) if r[0] == which)
    shown = 0
    for block in rendered.doc.blocks():
        for y in range(year - 4, year + 1):
            found = _cell(rendered.doc, block.id, f"indicator:{KPI}:{y}")
            if found is None or found[2].value is None:
                continue
            stored = IndicatorValue.objects.filter(
                indicator__key=KPI, municipality_id="0780", year=y, sex="T", period_kind="year"
            ).select_related("indicator")
            texts = {swedish(v.value, v.indicator.unit) for v in stored}
            _table, row, cell = found
            assert cell.text in texts, (name, y, cell.text, texts)
            for fmt, rows in (("html", rendered.html_rows), ("docx", rendered.docx_rows)):
                assert any(r[0] == row[0].text and cell.text in r for r in rows), (name, fmt)
            assert cell.text in rendered.pdf
            shown += 1
    assert shown, f"{KPI} shows no stored value in the {name} report"


@dataclass
class HiddenCell:
    row: list[str]  # the document row's texts (the label first)
    index: int  # the hidden cell's column
    ref: str
    truths: set[str]  # the true value as it would be printed (all candidates)


def _hidden_truths(world: World, doc: Document, year: int) -> list[HiddenCell]:
    """Every hidden cell the test can compute independently: quality counts, and indicator
    values (every unit's own figure of the year, as the hidden one is one of them)."""
    truth = independent_figures(world, year)
    out = []
    for table in doc.tables():
        for row in table.rows:
            for index, cell in enumerate(row):
                if not (cell.suppressed and cell.ref):
                    continue
                texts = [c.text for c in row]
                kind, _sep, rest = cell.ref.partition(":")
                if kind == "quality" and rest in truth:
                    truths = {printed(truth[rest])}
                elif kind == "indicator":
                    key, _sep, y = rest.rpartition(":")
                    values = IndicatorValue.objects.filter(
                        indicator__key=key, year=int(y), sex="T"
                    ).select_related("indicator")
                    truths = {swedish(v.value, v.indicator.unit) for v in values}
                else:
                    continue
                out.append(HiddenCell(texts, index, cell.ref, truths))
    return out


@pytest.mark.parametrize("which", ["approved", "draft"])
def test_no_suppressed_value_is_printed_in_its_row_in_any_format(world, which):
    name, rendered, year = next(r for r in _reports(world) if r[0] == which)
    hidden = _hidden_truths(world, rendered.doc, year)
    for h in hidden:
        assert h.row[h.index] == HIDDEN and HIDDEN not in h.truths
        for fmt, rows in (("html", rendered.html_rows), ("docx", rendered.docx_rows)):
            printed = [r for r in rows if r and r[0] == h.row[0] and len(r) == len(h.row)]
            assert printed, (name, fmt, h.row[0])
            for row in printed:  # the row prints what the document has: hidden, not the value
                assert row[h.index] not in h.truths, (name, fmt, h.ref, row)
            assert any(row[h.index] == HIDDEN for row in printed), (name, fmt, h.ref)
        # the PDF's text has the row as the document has it, the hidden text included
        # (compared without spaces: the PDF's text keeps no cell boundaries)
        assert "".join(h.row).replace(" ", "") in rendered.pdf.replace(" ", ""), (name, h.ref)
    # placeholders never print what a table hides
    hidden_refs = {h.ref for h in hidden}
    for block in rendered.doc.blocks():
        for item in block.items:
            for run in getattr(item, "runs", []):
                if run.ref in hidden_refs:
                    assert run.suppressed and run.text == HIDDEN


def test_the_demo_has_hidden_cells_to_check(world):
    assert any(c.suppressed for t in world.frozen.doc.tables() for r in t.rows for c in r)
    for text in world.frozen.texts().values():
        assert HIDDEN in text


def test_the_frozen_report_does_not_change_when_the_data_do(world, db):
    approved = Report.objects.get(pk=world.approved.pk)
    frozen_before = approved.frozen_document
    files_before = {f.format: (f.sha256, bytes(f.content)) for f in approved.files.all()}
    received = independent_figures(world, world.year)["complaints_answered.received"]
    draft_received = independent_figures(world, world.year + 1)["complaints_answered.received"]
    unit = world.scope if world.scope.kind != OrgUnit.Kind.MUNICIPALITY else None
    unit = (
        unit
        or OrgUnit.objects.filter(path__startswith=world.scope.path)
        .exclude(pk=world.scope.pk)
        .first()
    )
    qf.complaint(unit, received_on=dt.date(world.year, 6, 1))
    qf.complaint(unit, received_on=timezone.localdate())
    assert independent_figures(world, world.year)["complaints_answered.received"] == received + 1

    again = Report.objects.get(pk=world.approved.pk)
    assert again.frozen_document == frozen_before
    assert {f.format: (f.sha256, bytes(f.content)) for f in again.files.all()} == files_before
    frozen_doc = document_for(again, world.lead)
    assert frozen_doc.to_data() == frozen_before
    ref = "quality:complaints_answered.received"
    frozen_cells = [c for t in frozen_doc.tables() for r in t.rows for c in r if c.ref == ref]
    assert frozen_cells and all(c.value == received for c in frozen_cells)
    # the same report resolved live now has the new complaint (what the diff compares)
    live = live_document(again, world.lead)
    live_cells = [c for t in live.tables() for r in t.rows for c in r if c.ref == ref]
    assert live_cells and all(c.value == received + 1 for c in live_cells)
    draft = live_document(Report.objects.get(pk=world.draft.pk), world.lead)
    draft_cells = [c for t in draft.tables() for r in t.rows for c in r if c.ref == ref]
    assert draft_cells and all(c.value == draft_received + 1 for c in draft_cells)
    html = render(draft, "html").decode()
    assert swedish(draft_received + 1, "count") in norm(lxml_html.fromstring(html).text_content())
