"""The resolved document: key-figure tables, narrative placeholders, quality statistics and
what a block says when something is missing — figures checked against the values the test
put in, not against the code under test."""

from __future__ import annotations

from typing import Any

import pytest

from insyn.reports import spec
from insyn.reports.document import Document, Message, Paragraph, Table
from insyn.reports.services.build import resolve
from tests.reports import factories as rf


def _build(staff: Any, tree: Any, *blocks: dict[str, Any], year: int = 2024) -> Document:
    return resolve(
        rf.template(rf.chapter(*blocks)), user=staff.quality_lead, unit=tree.aov, year=year
    )


def _texts(doc: Document) -> list[str]:
    out = []
    for block in doc.blocks():
        for item in block.items:
            if isinstance(item, Paragraph):
                out.append(item.plain)
            elif isinstance(item, Message):
                out.append(item.text)
    return out


def test_key_figure_table_has_years_group_riket_and_source(tree, staff):
    rf.world(tree)
    doc = _build(
        staff,
        tree,
        {"id": "kf", "kind": "key_figures", "indicators": [rf.KPI], "years": 2},
    )
    table = doc.tables()[0]
    assert table.columns[:3] == ["Nyckeltal", "2023", "2024"]
    row = table.rows[0]
    assert row[1].value == rf.VAXJO[2023] and row[1].text == "60 %"
    assert row[2].value == rf.VAXJO[2024] and row[2].text == "62,5 %"
    # the similar group's reference: the mean of the seven members (shares without denominators)
    expected = sum(rf.MEMBERS) / len(rf.MEMBERS)
    assert row[3].value == pytest.approx(expected)
    assert row[4].value == rf.RIKET[2024]
    assert table.source and table.period == "2023–2024"


def test_own_computed_figure_and_a_hidden_small_group(tree, staff):
    rf.world(tree)
    doc = _build(
        staff,
        tree,
        {"id": "kf", "kind": "key_figures", "indicators": [rf.COMPUTED, rf.SMALL], "years": 1},
    )
    computed, small = doc.tables()[0].rows
    assert computed[1].value == pytest.approx(93.75)  # AOV's own 150/160, not Växjö's
    assert small[1].suppressed and small[1].value is None
    assert "färre än 5" in small[1].text
    assert "66,7" not in str(doc.to_data())


def test_narrative_placeholders_render_figures_with_suppression_and_sources(tree, staff):
    rf.world(tree)
    text = (
        "I **{{ municipality }}** var andelen {{ indicator:U31462 }} år {{ year }} "
        "({{ indicator:U31462:previous }} året innan, {{ indicator:U31462:2023 }}). "
        "Barn: {{ indicator:reaktualisering_barn_0_12 }}."
    )
    doc = _build(staff, tree, {"id": "n", "kind": "narrative", "text": {"sv": text}})
    para = next(i for i in doc.blocks()[0].items if isinstance(i, Paragraph))
    assert para.plain == (
        "I Växjö var andelen 62,5 % år 2024 (60 % året innan, 60 %). Barn: dolt (färre än 5)."
    )
    assert any(r.bold and r.text == "Växjö" for r in para.runs)
    hidden = [r for r in para.runs if r.suppressed]
    assert len(hidden) == 1
    assert doc.blocks()[0].sources  # the KPI's provenance is cited


def test_typo_unknown_indicator_and_missing_year_say_what_is_missing(tree, staff):
    rf.world(tree)
    doc = _build(
        staff,
        tree,
        {
            "id": "n",
            "kind": "narrative",
            "text": (
                "A {{ indicatr:U31462 }} B {{ indicator:finns_inte }} C {{ indicator:U31462:1999 }}"
            ),
        },
        {"id": "kf", "kind": "key_figures", "indicators": ["finns_inte", rf.KPI], "years": 1},
        year=2024,
    )
    texts = _texts(doc)
    assert "A [?indicatr:U31462] B – C –" in texts
    assert any("Okänd platshållare" in t for t in texts)
    assert any("finns_inte" in t for t in texts)
    assert any("1999" in t for t in texts)
    assert len(doc.tables()[0].rows) == 1  # the unknown indicator is a message, not a row


def test_markdown_is_sanitised(tree, staff):
    rf.world(tree)
    text = (
        "<script>alert(1)</script>\n\n"
        "![spår](https://evil.example/pixel.png) [länk](javascript:alert(1)) "
        "[bra](https://www.socialstyrelsen.se)"
    )
    doc = _build(staff, tree, {"id": "n", "kind": "narrative", "text": text})
    runs = [r for i in doc.blocks()[0].items if isinstance(i, Paragraph) for r in i.runs]
    hrefs = {r.href for r in runs if r.href}
    assert hrefs == {"https://www.socialstyrelsen.se"}
    from insyn.reports.renderers.html import render_html

    html = render_html(doc)
    assert "<script" not in html and "<img" not in html and "evil.example" not in html
    assert 'href="javascript' not in html
    assert "&lt;script&gt;" in html  # shown as text, never run


def test_quality_statistics_tables_and_placeholders(tree, staff):
    from insyn.quality.models import Complaint

    assert Complaint  # the year has no complaints: zero, not an error
    doc = _build(
        staff,
        tree,
        {"id": "q", "kind": "quality_statistics", "sections": ["complaints_answered", "nope"]},
        {"id": "n", "kind": "narrative", "text": "{{ quality:complaints_answered.received }} st"},
    )
    table = doc.tables()[0]
    assert table.caption and table.rows[0][1].value == 0
    assert any("nope" in t for t in _texts(doc))
    assert "0 st" in _texts(doc)


def test_the_default_template_builds_on_a_year_without_data(tree, staff):
    doc = resolve(spec.load("default"), user=staff.quality_lead, unit=tree.aov, year=2021)
    assert doc.chapters[0].title == "Förord"
    assert "Arbete och välfärd" in doc.municipality_name
    assert all("kunde inte byggas" not in t for t in _texts(doc)), "no block may fail on empty data"
    assert Document.from_data(doc.to_data()) == doc


def test_template_errors_name_the_place():
    with pytest.raises(spec.TemplateError, match=r"okänd blocktyp|unknown block kind"):
        rf.template(rf.chapter({"id": "x", "kind": "pie"}))
    with pytest.raises(spec.TemplateError):
        spec.parse("key: [unclosed")
    with pytest.raises(spec.TemplateError):
        spec.load("../settings")
    with pytest.raises(spec.TemplateError, match=r"två gånger|twice"):
        rf.template(rf.chapter({"id": "x", "kind": "narrative"}, {"id": "x", "kind": "narrative"}))


def test_tables_of_a_block_are_table_items(tree, staff):
    rf.world(tree)
    doc = _build(staff, tree, {"id": "kf", "kind": "key_figures", "indicators": [rf.KPI]})
    assert all(isinstance(t, Table) for t in doc.tables())
