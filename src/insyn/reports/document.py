"""The resolved document: every block of a template turned into data (text runs, tables with
their source, period and suppression already applied, messages about what is missing).

The three renderers (HTML, PDF, DOCX) read only this, so they print the same figures; a frozen
report stores it as JSON (`to_data`/`from_data`) and is rendered from that, never from live data.
"""

from __future__ import annotations

import base64
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Run:
    """A piece of text. `figure`: a live number put in by a placeholder (`source` says whence)."""

    text: str
    bold: bool = False
    italic: bool = False
    href: str = ""
    figure: bool = False
    suppressed: bool = False
    source: str = ""
    ref: str = ""  # the figure's name (as for Cell.ref): hidden wherever a table hides it


@dataclass
class Paragraph:
    style: str  # p, h3, h4, li (bulleted), oli (numbered), quote
    runs: list[Run] = field(default_factory=list)
    type: str = "paragraph"

    @property
    def plain(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass
class Cell:
    text: str
    value: float | int | None = None  # the number behind `text`, None for text or hidden
    suppressed: bool = False
    header: bool = False
    # The figure's name in the whole document, e.g. "quality:appeals.decided": cells (and
    # placeholder runs) with the same ref show the same figure, and `Sum`s refer to them.
    ref: str = ""


@dataclass
class Sum:
    """`total` is the sum of `parts` (cell refs; a ref may be shown in another table or by a
    placeholder): complementary suppression keeps a hidden one from being subtracted back."""

    total: str
    parts: list[str]


@dataclass
class Table:
    caption: str
    columns: list[str]
    rows: list[list[Cell]]
    source: str
    period: str
    notes: list[str] = field(default_factory=list)
    # Which figures add up (services/suppression.py applies complementary suppression to
    # them across the document); `follows`: a derived ref (a share) -> the count it is
    # computed from, hidden whenever that count is.
    sums: list[Sum] = field(default_factory=list)
    follows: dict[str, str] = field(default_factory=dict)
    type: str = "table"


@dataclass
class Message:
    """What a block could not show and why (a missing indicator, a year without data)."""

    text: str
    type: str = "message"


@dataclass
class Chart:
    """A chart drawn on the server as vector SVG (no script: the CSP holds, the PDF stays
    vector), with its text alternative: `table` holds the same numbers with source and period.
    A hidden value is neither drawn nor shown (the table says "hidden")."""

    caption: str
    svg: str
    alt: str
    table: Table
    type: str = "chart"

    @property
    def data_uri(self) -> str:
        """The SVG as a data: address (the only kind the PDF's fetcher loads)."""
        encoded = base64.b64encode(self.svg.encode("utf-8")).decode("ascii")
        return f"data:image/svg+xml;base64,{encoded}"


Item = Paragraph | Table | Chart | Message


@dataclass
class Block:
    id: str
    kind: str
    title: str
    items: list[Item] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # every source line the block's figures cite
    editable: bool = False  # a narrative block the quality lead writes


@dataclass
class Chapter:
    id: str
    title: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Document:
    title: str
    municipality_code: str
    municipality_name: str
    year: int
    template_key: str
    template_version: int
    language: str
    built_at: str  # ISO time the figures were read
    status: str  # draft / approved
    approved_at: str = ""
    approved_by: str = ""
    min_cell: int = 5
    audience: str = "committee"  # the template's: a public one prints compactly
    chapters: list[Chapter] = field(default_factory=list)

    def to_data(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Document:
        chapters = [
            Chapter(
                id=c["id"],
                title=c["title"],
                blocks=[
                    Block(
                        id=b["id"],
                        kind=b["kind"],
                        title=b["title"],
                        items=[_item(i) for i in b["items"]],
                        sources=list(b.get("sources", [])),
                        editable=bool(b.get("editable", False)),
                    )
                    for b in c["blocks"]
                ],
            )
            for c in data["chapters"]
        ]
        fields = {k: v for k, v in data.items() if k != "chapters"}
        return cls(**fields, chapters=chapters)

    def blocks(self) -> list[Block]:
        return [b for c in self.chapters for b in c.blocks]

    def tables(self) -> list[Table]:
        """Every table, a chart's text alternative included."""
        return [
            i.table if isinstance(i, Chart) else i
            for b in self.blocks()
            for i in b.items
            if isinstance(i, Table | Chart)
        ]


def _item(data: dict[str, Any]) -> Item:
    kind = data.get("type")
    if kind == "paragraph":
        return Paragraph(style=data["style"], runs=[Run(**r) for r in data["runs"]])
    if kind == "table":
        return _table(data)
    if kind == "chart":
        return Chart(
            caption=data["caption"], svg=data["svg"], alt=data["alt"], table=_table(data["table"])
        )
    return Message(text=data["text"])


def _table(data: dict[str, Any]) -> Table:
    return Table(
        caption=data["caption"],
        columns=list(data["columns"]),
        rows=[[Cell(**c) for c in row] for row in data["rows"]],
        source=data["source"],
        period=data["period"],
        notes=list(data.get("notes", [])),
        sums=[Sum(total=s["total"], parts=list(s["parts"])) for s in data.get("sums", [])],
        follows=dict(data.get("follows", {})),
    )
