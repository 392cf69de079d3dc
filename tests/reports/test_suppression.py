"""Complementary suppression across a report: a hidden figure cannot be subtracted back out of
a summed column, a total shown in another table or by a placeholder, or a share beside it —
checked with the linear-algebra check of insyn.core.suppression_check, not with the pass's own
arithmetic."""

from __future__ import annotations

from typing import Any

import pytest

from insyn.core.suppression_check import derivable
from insyn.reports.blocks import KINDS, BuildContext
from insyn.reports.document import (
    Block,
    Cell,
    Chapter,
    Document,
    Paragraph,
    Run,
    Sum,
    Table,
)
from insyn.reports.services import suppression
from insyn.reports.services.build import resolve
from tests.reports import factories as rf

HIDDEN = "dold"


def _cell(ref: str, value: int | None) -> Cell:
    if value is None:
        return Cell(HIDDEN, None, suppressed=True, ref=ref)
    return Cell(str(value), value, ref=ref)


def _table(values: dict[str, int | None], total: str | None, **extra: Any) -> Table:
    rows = [[Cell(ref, header=True), _cell(ref, v)] for ref, v in values.items()]
    parts = [r for r in values if r != total]
    sums = [Sum(total, parts)] if total else []
    sums += extra.pop("sums", [])
    return Table("t", ["", "2025"], rows, "src", "2025", sums=sums, **extra)


def _doc(*items: Any) -> Document:
    block = Block("b", "test", "", list(items))
    return Document(
        "T", "0780", "Växjö", 2025, "x", 1, "sv", "", "draft", chapters=[Chapter("c", "C", [block])]
    )


def _shown(doc: Document) -> dict[str, int | float]:
    cells = [c for t in doc.tables() for r in t.rows for c in r]
    return {c.ref: c.value for c in cells if c.ref and not c.suppressed}


def _hidden(doc: Document) -> set[str]:
    return {c.ref for t in doc.tables() for r in t.rows for c in r if c.suppressed}


def _safe(doc: Document, truth: dict[str, int]) -> bool:
    """No hidden cell follows from the shown ones (every value known to the check)."""
    rels = suppression.relations(doc)
    published = {**truth}
    return not derivable(published, rels, _hidden(doc))


def test_one_hidden_part_hides_the_smallest_other_shown_part_too():
    truth = {"a": 3, "b": 10, "c": 7, "d": 0, "all": 20}
    doc = _doc(_table({"a": None, "b": 10, "c": 7, "d": 0, "all": 20}, "all"))
    assert not _safe(doc, truth)  # as the block left it, a = 20 - 10 - 7 - 0
    hidden = suppression.complement(doc, HIDDEN)
    assert hidden == {"a", "c"}  # c is the smallest shown part that is not a (known) zero
    assert _hidden(doc) == {"a", "c"} and _safe(doc, truth)
    cell = doc.tables()[0].rows[2][1]
    assert (cell.text, cell.value, cell.suppressed) == (HIDDEN, None, True)


def test_a_table_without_sums_and_one_with_two_hidden_are_left_alone():
    doc = _doc(
        _table({"x": None, "y": 4}, None),
        _table({"a": None, "b": None, "c": 9, "all": 15}, "all"),
    )
    assert suppression.complement(doc, HIDDEN) == {"x", "a", "b"}
    assert _shown(doc) == {"y": 4, "c": 9, "all": 15}


def test_the_total_shown_in_another_table_ties_the_parts_down():
    parts = _table({"a": None, "b": 8, "c": 6}, None, sums=[Sum("t2.all", ["a", "b", "c"])])
    other = _table({"t2.all": 17}, None)
    doc = _doc(parts, other)
    suppression.complement(doc, HIDDEN)
    assert _hidden(doc) == {"a", "c"}
    assert _safe(doc, {"a": 3, "b": 8, "c": 6, "t2.all": 17})


def test_an_unpublished_total_ties_nothing_down():
    doc = _doc(_table({"a": None, "b": 8, "c": 6}, None, sums=[Sum("nowhere", ["a", "b", "c"])]))
    assert suppression.complement(doc, HIDDEN) == {"a"}


def test_a_total_shown_only_by_a_placeholder_counts_and_hidden_figures_hide_the_text():
    table = _table({"a": None, "b": 8, "c": 6}, None, sums=[Sum("total", ["a", "b", "c"])])
    text = Paragraph(
        "p",
        [
            Run("Totalt "),
            Run("17", figure=True, ref="total"),
            Run(", varav "),
            Run("6", figure=True, ref="c"),
        ],
    )
    doc = _doc(table, text)
    suppression.complement(doc, HIDDEN)
    assert _hidden(doc) == {"a", "c"}
    assert text.plain == f"Totalt 17, varav {HIDDEN}" and text.runs[3].suppressed


def test_a_share_follows_its_count():
    table = _table(
        {"changed": 2, "upheld": None, "all": 9, "share": 22.2},  # type: ignore[dict-item]
        None,
        sums=[Sum("all", ["changed", "upheld"])],
        follows={"share": "changed"},
    )
    doc = _doc(table)
    suppression.complement(doc, HIDDEN)
    assert _hidden(doc) == {"changed", "upheld", "share"}


def test_a_two_way_table_with_margins_is_safe():
    # rows r1..r3, columns m1..m2, with margins; one small cell
    values: dict[str, int | None] = {
        "r1/m1": None, "r1/m2": 9, "r1/all": 11,
        "r2/m1": 6, "r2/m2": 7, "r2/all": 13,
        "r3/m1": 8, "r3/m2": 5, "r3/all": 13,
        "all/m1": 16, "all/m2": 21, "all/all": 37,
    }  # fmt: skip
    truth = {k: v for k, v in values.items() if v is not None} | {"r1/m1": 2}
    sums = [Sum(f"r{i}/all", [f"r{i}/m1", f"r{i}/m2"]) for i in (1, 2, 3)]
    sums += [Sum(f"all/{m}", [f"r{i}/{m}" for i in (1, 2, 3)]) for m in ("m1", "m2")]
    sums += [Sum("all/all", ["r1/all", "r2/all", "r3/all"]), Sum("all/all", ["all/m1", "all/m2"])]
    doc = _doc(_table(values, None, sums=sums))
    suppression.complement(doc, HIDDEN)
    assert len(_hidden(doc)) >= 4 and _safe(doc, truth)


def test_sums_refs_and_follows_survive_freezing():
    table = _table({"a": None, "b": 8, "all": 11}, "all", follows={"b": "a"})
    doc = _doc(table, Paragraph("p", [Run("8", figure=True, ref="b")]))
    back = Document.from_data(doc.to_data())
    assert back.tables()[0].sums == [Sum("all", ["a", "b"])]
    assert back.tables()[0].follows == {"b": "a"}
    assert back.tables()[0].rows[1][1].ref == "b"
    assert back.blocks()[0].items[1].runs[0].ref == "b"  # type: ignore[union-attr]
    data = doc.to_data()  # a document frozen before refs and sums existed still loads
    for item in data["chapters"][0]["blocks"][0]["items"]:
        item.pop("sums", None), item.pop("follows", None)
        for row in item.get("rows", []):
            for c in row:
                c.pop("ref")
    assert Document.from_data(data).tables()[0].sums == []


@pytest.fixture
def additive_kind(monkeypatch):
    """A block kind added later: it declares its sums and gets complementary suppression."""

    def resolver(ctx: BuildContext, spec: dict[str, Any]) -> Block:
        table = _table({"x:a": None, "x:b": 4, "x:c": 12, "x:all": 18}, "x:all")
        return Block(spec["id"], "additive", "", [table])

    monkeypatch.setitem(KINDS, "additive", resolver)


def test_every_block_kind_gets_complementary_suppression_in_the_build(tree, staff, additive_kind):
    doc = resolve(
        rf.template(rf.chapter({"id": "x", "kind": "additive"})),
        user=staff.quality_lead,
        unit=tree.aov,
        year=2024,
    )
    assert _hidden(doc) == {"x:a", "x:b"}
    assert {c.text for t in doc.tables() for r in t.rows for c in r if c.suppressed} == {
        "dolt (färre än 5)"
    }


def test_the_quality_appeals_section_hides_a_complement_itself_and_the_text_follows(
    tree, staff, catalogues
):
    """The quality statistics suppress appeals by outcome with a complement of their own (so
    the report's pass has nothing to add), and a placeholder of a hidden outcome is hidden."""
    import datetime as dt

    from tests.clients import casework_factories as cf
    from tests.clients import factories as f

    outcomes = ["upheld"] * 6 + ["returned"] * 5 + ["changed"]  # one changed: too few
    for i, outcome in enumerate(outcomes):
        client = f.client(tree.vux_unit, number=f.personnummer(dt.date(1960 + i, 1, 1 + i)))
        decision = f.decision(
            f.case(client, opened_on=dt.date(2024, 1, 2)), decided_on=dt.date(2024, 2, 1)
        )
        cf.appeal(
            decision,
            appealed_on=dt.date(2024, 3, 1),
            decided_on=dt.date(2024, 6, 1),
            outcome=outcome,
        )
    doc = resolve(
        rf.template(
            rf.chapter(
                {"id": "q", "kind": "quality_statistics", "sections": ["appeals"]},
                {
                    "id": "n",
                    "kind": "narrative",
                    "text": "Ändrade {{ quality:appeals.outcome_changed }}, återförvisade "
                    "{{ quality:appeals.outcome_returned }} av {{ quality:appeals.decided }}.",
                },
            )
        ),
        user=staff.quality_lead,
        unit=tree.aov,
        year=2024,
    )
    q = "quality:appeals."
    assert _hidden(doc) == {q + "outcome_changed", q + "outcome_returned", q + "changed_share"}
    assert _shown(doc)[q + "decided"] == 12 and _shown(doc)[q + "outcome_upheld"] == 6
    truth = {q + "decided": 12, q + "outcome_upheld": 6, q + "outcome_returned": 5}
    truth |= {q + "outcome_changed": 1, q + "outcome_withdrawn": 0}
    assert _safe(doc, truth)
    text = next(i for b in doc.blocks() for i in b.items if isinstance(i, Paragraph))
    assert text.plain == "Ändrade dolt (färre än 5), återförvisade dolt (färre än 5) av 12."
