"""Complementary suppression across a whole report (ARCHITECTURE rule 5, issue 13 item 7).

Blocks apply primary suppression themselves (a cell about fewer than `min_cell` persons is
hidden where it is computed, e.g. by the quality statistics). A report puts many tables and
placeholders side by side, though, and a hidden figure must not be recoverable by subtraction
from what the *document* shows: a part of a summed column, a total shown in another table, a
count whose share is printed. Tables declare which of their figures add up (`Table.sums`,
by cell ref) and which follow a count (`Table.follows`); after every block is resolved,
`complement` hides more cells, the smallest shown ones first, until no hidden figure follows
exactly from the shown ones (checked exactly, with fractions), and hides every cell and
placeholder that shows a hidden figure. Future block kinds get this by declaring `sums`.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

from insyn.core.suppression import Relation

if TYPE_CHECKING:
    from insyn.reports.document import Cell, Document, Run

_MAX_ROUNDS = 500


def relations(doc: Document) -> list[Relation]:
    """Every declared sum of the document, as `insyn.core.suppression.Relation`s over refs."""
    return [Relation(s.total, tuple(s.parts)) for t in doc.tables() for s in t.sums]


def _cells_and_runs(doc: Document) -> tuple[dict[str, list[Cell]], dict[str, list[Run]]]:
    from insyn.reports.document import Paragraph

    cells: dict[str, list[Cell]] = {}
    for table in doc.tables():
        for row in table.rows:
            for cell in row:
                if cell.ref:
                    cells.setdefault(cell.ref, []).append(cell)
    runs: dict[str, list[Run]] = {}
    for block in doc.blocks():
        for item in block.items:
            if isinstance(item, Paragraph):
                for run in item.runs:
                    if run.ref:
                        runs.setdefault(run.ref, []).append(run)
    return cells, runs


def derivable(rels: list[Relation], shown: set[str]) -> set[str]:
    """The unknown refs (not shown) whose value follows exactly from the shown ones through
    `rels`; an unpublished total is an unknown too, so it ties nothing down."""
    unknowns = sorted({m for r in rels for m in (r.total, *r.parts) if m not in shown})
    column = {u: i for i, u in enumerate(unknowns)}
    rows: list[list[Fraction]] = []
    for rel in rels:
        row = [Fraction(0)] * len(unknowns)
        for part in rel.parts:
            if part in column:
                row[column[part]] += 1
        if rel.total in column:
            row[column[rel.total]] -= 1
        if any(row):
            rows.append(row)
    pivots: list[int] = []  # reduced row echelon form, in place
    r = 0
    for c in range(len(unknowns)):
        pivot = next((i for i in range(r, len(rows)) if rows[i][c] != 0), None)
        if pivot is None:
            continue
        rows[r], rows[pivot] = rows[pivot], rows[r]
        lead = rows[r][c]
        rows[r] = [v / lead for v in rows[r]]
        for i in range(len(rows)):
            if i != r and rows[i][c] != 0:
                factor = rows[i][c]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[r], strict=True)]
        pivots.append(c)
        r += 1
    free = set(range(len(unknowns))) - set(pivots)
    # A pivot unknown is fixed when its row involves no free unknown.
    return {unknowns[c] for i, c in enumerate(pivots) if all(rows[i][f] == 0 for f in free)}


def complement(doc: Document, hidden_text: str) -> set[str]:
    """Hide what must be hidden so that no hidden figure of `doc` can be recovered from its
    declared sums; returns the refs hidden (primary and complementary)."""
    cells, runs = _cells_and_runs(doc)
    rels = relations(doc)
    follows = {d: s for t in doc.tables() for d, s in t.follows.items()}
    published = set(cells) | set(runs)
    hidden = {ref for ref, cs in cells.items() if any(c.suppressed for c in cs)}
    hidden |= {ref for ref, rs in runs.items() if any(r.suppressed for r in rs)}
    order = {ref: i for i, ref in enumerate(cells)}

    def size(ref: str) -> tuple[int, float, int]:
        value = next((c.value for c in cells.get(ref, []) if c.value is not None), None)
        if value is None:
            return (2, 0.0, order.get(ref, len(order)))
        return (0 if value > 0 else 1, float(value), order.get(ref, len(order)))

    def follow() -> None:
        for derived, source in follows.items():
            if source in hidden and derived in published:
                hidden.add(derived)

    follow()
    for _round in range(_MAX_ROUNDS):
        exposed = sorted(derivable(rels, published - hidden) & hidden)
        if not exposed:
            break
        target = exposed[0]
        around = [r for r in rels if target == r.total or target in r.parts]
        # the relation that gives it away with the fewest unknowns; its smallest shown part
        # (the total only when no part is shown)
        shown = published - hidden
        around.sort(key=lambda r: sum(m not in shown for m in (r.total, *r.parts)))
        pick = None
        for rel in around:
            parts = sorted((p for p in rel.parts if p in shown), key=size)
            if parts or rel.total in shown:
                pick = parts[0] if parts else rel.total
                break
        if pick is None:  # fixed only through other relations: hide what they show
            pick = min(
                (m for r in rels for m in (r.total, *r.parts) if m in shown), key=size, default=None
            )
        if pick is None:
            break
        hidden.add(pick)
        follow()
    for ref in hidden:
        for cell in cells.get(ref, []):
            cell.text, cell.value, cell.suppressed = hidden_text, None, True
        for run in runs.get(ref, []):
            run.text, run.suppressed = hidden_text, True
    return hidden
