"""Chart blocks: an indicator over the years (the key-figure comparison) and a saved analysis
re-run for the report year (the Analys page's path). Figures are checked against the values
the test put in or computed from the factory rows with pandas; hidden values appear in no
format; a favourite the user may not open reads exactly like one that does not exist."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.utils import translation
from django.utils.translation import gettext
from docx import Document as WordDocument
from pypdf import PdfReader

from insyn.analytics import services as analytics_services
from insyn.analytics.aggregate import CAVEAT, forget_results
from insyn.core.roles import Role
from insyn.reports.document import Chart, Document, Message, Paragraph
from insyn.reports.renderers import render
from insyn.reports.services.build import resolve
from tests.analytics import expected
from tests.analytics.factories import make_programme, populate
from tests.factories import user_with_role
from tests.indicators import compare_factories as f
from tests.reports import factories as rf

FAVOURITE = "AUDIT före och efter"
KPI_TITLE = "Ej återaktualiserade vuxna med försörjningsstöd, andel (%)"  # rf.world's


@pytest.fixture(autouse=True)
def frame_cache(tmp_path, settings):
    settings.INSYN_ANALYTICS_CACHE = tmp_path / "analytics"
    forget_results()
    yield
    forget_results()


def _build(staff: Any, tree: Any, *blocks: dict[str, Any], year: int = 2024) -> Document:
    return resolve(
        rf.template(rf.chapter(*blocks)), user=staff.quality_lead, unit=tree.aov, year=year
    )


def _messages(doc: Document) -> list[str]:
    return [i.text for b in doc.blocks() for i in b.items if isinstance(i, Message)]


def _charts(doc: Document) -> list[Chart]:
    return [i for b in doc.blocks() for i in b.items if isinstance(i, Chart)]


def _pdf_text(content: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages
    )


def _pdf_images(content: bytes) -> int:
    """Raster images anywhere in the PDF (form XObjects nested included)."""

    def count(resources: Any) -> int:
        found = 0
        xobjects = (resources or {}).get("/XObject") or {}
        for ref in xobjects.values():
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Image":
                found += 1
            elif obj.get("/Subtype") == "/Form":
                found += count(obj.get("/Resources"))
        return found

    return sum(count(page.get("/Resources")) for page in PdfReader(io.BytesIO(content)).pages)


def _docx_text(word: Any) -> str:
    parts = [p.text for p in word.paragraphs]
    for table in word.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


# --- indicator_chart -----------------------------------------------------------------------


def test_indicator_chart_has_the_values_put_in_with_group_and_riket(tree, staff):
    rf.world(tree)
    doc = _build(
        staff, tree, {"id": "c", "kind": "indicator_chart", "indicator": rf.KPI, "years": 3}
    )
    (chart,) = _charts(doc)
    table = chart.table
    assert table.columns == ["År", "Växjö", "Liknande kommuner", "Riket"]
    rows = {r[0].text: r for r in table.rows}
    assert list(rows) == ["2022", "2023", "2024"]
    assert [c.value for c in rows["2022"][1:]] == [None, None, None]
    assert rows["2023"][1].value == rf.VAXJO[2023] and rows["2023"][3].value == rf.RIKET[2023]
    assert rows["2024"][1].value == rf.VAXJO[2024] and rows["2024"][1].text == "62,5 %"
    assert rows["2024"][2].value == pytest.approx(sum(rf.MEMBERS) / len(rf.MEMBERS))
    assert rows["2024"][3].value == rf.RIKET[2024]
    assert table.period == "2022–2024" and table.source
    assert chart.svg.startswith("<svg") and "<script" not in chart.svg
    assert chart.alt and chart.caption == f"{KPI_TITLE} 2022–2024"
    # the same figures as the key-figure table for the report year
    kf = _build(staff, tree, {"id": "k", "kind": "key_figures", "indicators": [rf.KPI]})
    kf_row = kf.tables()[0].rows[0]
    assert [c.value for c in kf_row[3:6]] == [c.value for c in rows["2024"][1:4]]


@pytest.fixture
def hidden_world(tree):
    """The small group: 40 of 50 in 2023 (80 %, shown), 2 of 3 in 2024 (hidden); Riket both."""
    ids = rf.world(tree)
    small = ids["small"]
    rf.own(small, tree.vaxjo, 2023, 40, 50)
    rf.own(small, tree.aov, 2023, 40, 50)
    f.value(small, "0000", 2023, 71.0)
    f.value(small, "0000", 2024, 72.0)
    return ids


def test_a_hidden_point_is_not_drawn_and_is_hidden_in_every_format(tree, staff, hidden_world):
    doc = _build(
        staff, tree, {"id": "c", "kind": "indicator_chart", "indicator": rf.SMALL, "years": 2}
    )
    (chart,) = _charts(doc)
    y2023, y2024 = chart.table.rows
    assert y2023[1].value == 80.0 and y2023[3].value == 71.0
    assert y2024[1].suppressed and y2024[1].value is None and "färre än 5" in y2024[1].text
    assert y2024[3].value == 72.0
    assert "66,7" not in chart.svg and "66.7" not in chart.svg
    assert "66,7" not in str(doc.to_data()) and "66.66" not in str(doc.to_data())
    html = re.sub(r"<[^>]+>", " ", render(doc, "html").decode())
    pdf_bytes = render(doc, "pdf")
    pdf = _pdf_text(pdf_bytes)
    word = WordDocument(io.BytesIO(render(doc, "docx")))
    docx = _docx_text(word)
    for text in (html, pdf, docx):
        assert "66,7" not in text
        assert "dolt (färre än 5)" in " ".join(text.split())
        assert "80 %" in text
    assert chart.caption in pdf  # the PDF still renders, chart caption and all
    assert _pdf_images(pdf_bytes) == 0  # the chart stays vector in the PDF
    assert len(word.inline_shapes) == 1  # the chart as a picture, with its alt text
    assert word.inline_shapes[0]._inline.docPr.get("descr") == chart.alt
    assert any(t.rows[0].cells[0].text == "År" for t in word.tables)


def test_the_html_shows_the_chart_as_an_image_with_alt_text_and_the_table(tree, staff):
    rf.world(tree)
    doc = _build(staff, tree, {"id": "c", "kind": "indicator_chart", "indicator": rf.KPI})
    html = render(doc, "html").decode()
    (chart,) = _charts(doc)
    img = re.search(r'<img src="(data:image/svg\+xml;base64,[^"]+)" alt="([^"]+)"', html)
    assert img is not None and img.group(2) == chart.alt
    assert html.index(img.group(0)) < html.index(f"<caption>{chart.table.caption}</caption>")
    assert "<script" not in html


def test_missing_indicator_or_no_data_gives_a_message(tree, staff):
    rf.world(tree)
    doc = _build(
        staff,
        tree,
        {"id": "a", "kind": "indicator_chart", "indicator": "finns_inte"},
        {"id": "b", "kind": "indicator_chart", "indicator": rf.KPI, "years": 2},
        year=2021,
    )
    assert not _charts(doc)
    assert _messages(doc) == [
        "Det finns inget nyckeltal finns_inte.",
        f"{KPI_TITLE} har inga värden för 2020–2021.",
    ]


def test_a_chart_item_survives_freezing(tree, staff):
    rf.world(tree)
    doc = _build(staff, tree, {"id": "c", "kind": "indicator_chart", "indicator": rf.KPI})
    back = Document.from_data(doc.to_data())
    assert back == doc
    (chart,) = _charts(back)
    assert isinstance(chart, Chart) and chart.table.rows[-1][1].value == rf.VAXJO[2024]
    assert render(back, "html") == render(doc, "html")


# --- saved_analysis ------------------------------------------------------------------------


@pytest.fixture
def colleague(tree):
    """An analyst in Växjö who saves favourites (shared within Växjö or not)."""
    return user_with_role(Role.ANALYST, tree.vaxjo, username="analytiker")


@pytest.fixture
def followup(tree):
    design = make_programme(tree)
    populate(tree, design, n=240, seed=7)
    return design


def _favourite(user: Any, name: str = FAVOURITE, shared: bool = True, **params: Any) -> Any:
    return analytics_services.saved_analysis_create(
        actor=user,
        name=name,
        params={"programme": "vux", "variable": ["audit"], "compare": "before:after", **params},
        shared=shared,
    )


def test_saved_analysis_is_rerun_for_the_report_year_in_the_users_scope(
    tree, staff, followup, colleague
):
    _favourite(colleague, **{"from": "2023-01-01", "to": "2023-06-30"})  # the year replaces
    doc = _build(staff, tree, {"id": "s", "kind": "saved_analysis", "analysis": FAVOURITE})
    # independently: enrolments started in 2024 in the AOV subtree, paired AUDIT before/after
    df = expected.frame("vux")
    df = df[
        (df["start_date"] >= dt.date(2024, 1, 1))
        & (df["start_date"] <= dt.date(2024, 12, 31))
        & df["unit_id"].isin([tree.vux_unit.pk, tree.bof_unit.pk])
    ]
    want = expected.paired(df["audit__before"], df["audit__after"])
    assert want["pairs"] >= 10  # enough to be shown, so the figures are compared
    (chart,) = _charts(doc)
    header = chart.table.columns
    row = chart.table.rows[0]
    cells = dict(zip(header, row, strict=True))
    assert row[0].text == "Alla", header
    assert header[1] == "antal", header
    assert cells["antal"].value == len(df)
    assert cells["Par"].text == str(want["pairs"])
    assert cells["Medelvärde före"].text == f"{want['mean_before']:.1f}".replace(".", ",")
    assert cells["Medelvärde efter"].text == f"{want['mean_after']:.1f}".replace(".", ",")
    assert chart.table.period == "2024-01-01 – 2024-12-31"
    paragraphs = [i.plain for i in doc.blocks()[0].items if isinstance(i, Paragraph)]
    with translation.override("sv"):  # the caveat the Analys page's files carry, in Swedish
        assert paragraphs == [gettext(CAVEAT)]
    assert "inte effekten" in paragraphs[0]
    assert "<svg" in chart.svg and FAVOURITE in chart.caption


def test_unreadable_favourite_reads_like_a_missing_one(tree, staff, followup, colleague):
    hidden = _favourite(colleague, name="Hemlig", shared=False)
    block = {"id": "s", "kind": "saved_analysis", "analysis": "Hemlig"}
    unreadable = _messages(_build(staff, tree, block))
    hidden.delete()
    missing = _messages(_build(staff, tree, block))
    assert unreadable == missing and len(missing) == 1
    assert "Hemlig" in missing[0]


def test_favourite_with_bad_params_gives_a_message(tree, staff, followup):
    saved = _favourite(staff.quality_lead, name="Trasig")
    saved.params = {**saved.params, "variable": ["finns_inte"]}
    saved.save()
    doc = _build(staff, tree, {"id": "s", "kind": "saved_analysis", "analysis": "Trasig"})
    (message,) = _messages(doc)
    assert "Trasig" in message and "finns_inte" in message
    assert not _charts(doc)


def test_the_default_template_names_the_demo_favourite_and_a_chart():
    from insyn.reports import demo, spec

    blocks = {b["kind"]: b for b in spec.blocks(spec.load("default"))}
    assert blocks["saved_analysis"]["analysis"] == demo.FAVOURITE
    assert blocks["indicator_chart"]["indicator"] == "reaktualisering_unga_13_20"


def test_demo_favourite_is_shared_by_the_quality_lead_and_the_report_runs_it(
    tree, staff, followup, colleague
):
    from insyn.reports import demo

    # the demo's favourite on this test's programme: the same name, shared in Växjö
    _favourite(colleague, name=demo.FAVOURITE)
    doc = _build(staff, tree, {"id": "s", "kind": "saved_analysis", "analysis": demo.FAVOURITE})
    assert len(_charts(doc)) == 1 and not _messages(doc)
