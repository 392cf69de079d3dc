"""The quarterly de-identified report of non-executed decisions to the municipal council and
the auditors: the decisions on IVO's list for a quarter by intervention type and by days
since the clock start, each split women / men / not stated, with margins. Counted are
decisions (one decision with two episodes counts once, under its longest wait); a cell about
fewer than INSYN_MIN_CELL persons is hidden with its complements (insyn.core.suppression).
Built from the same quarter list as the IVO export, so the two always agree."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from insyn.clients.models import Decision
from insyn.core.suppression import TOTAL, suppress_groups
from insyn.organisations.models import OrgUnit
from insyn.quality.selectors import non_executed as sel

SOURCE = "insyn: ej verkställda beslut (beslut i verksamhetssystemet, rapporteringslista till IVO)"
SEXES = ("K", "M", "X")


@dataclass
class SummaryTable:
    key: str
    title: str
    rows: list[tuple[Any, str]]  # (key, label); the margin last as (TOTAL, "Total")
    columns: list[tuple[Any, str]]
    cells: dict[tuple[Any, Any], int | None]  # None: hidden

    def cell(self, row: Any, column: Any) -> int | None:
        return self.cells.get((row, column), 0)

    def grid(self) -> list[tuple[str, list[int | None]]]:
        return [(label, [self.cell(r, c) for c, _l in self.columns]) for r, label in self.rows]


@dataclass
class QuarterSummary:
    municipality: OrgUnit
    quarter: sel.Quarter
    min_cell: int
    tables: list[SummaryTable] = field(default_factory=list)
    total: int | None = 0
    computed_at: dt.datetime = field(default_factory=timezone.now)

    @property
    def source(self) -> str:
        return f"{SOURCE}: {self.municipality.name} ({self.municipality.code})"

    @property
    def period(self) -> str:
        return _("%(q)s (%(start)s to %(end)s, as of %(end)s)") % {
            "q": self.quarter.label,
            "start": self.quarter.start.isoformat(),
            "end": self.quarter.end.isoformat(),
        }

    def about(self) -> dict[str, str]:
        return {
            _("Source"): self.source,
            _("Period"): self.period,
            _("Suppression"): _(
                "Cells about fewer than %(n)s persons are hidden (–), with the cells that "
                "would reveal them."
            )
            % {"n": self.min_cell},
            _("Computed"): timezone.localtime(self.computed_at).isoformat(timespec="seconds"),
        }

    def records(self) -> list[list[Any]]:
        """Long format: table, row, column, value ("" hidden); the about rows first."""
        out: list[list[Any]] = [["about", k, v, ""] for k, v in self.about().items()]
        for table in self.tables:
            for r, rlabel in table.rows:
                for c, clabel in table.columns:
                    value = table.cell(r, c)
                    out.append([table.title, rlabel, clabel, "–" if value is None else value])
        return out


def _sex_columns() -> list[tuple[Any, str]]:
    return [("K", _("Women")), ("M", _("Men")), ("X", _("Not stated")), (TOTAL, _("Total"))]


def _table(
    key: str,
    title: str,
    people: list[tuple[Any, str, int]],
    row_labels: dict[Any, str],
    min_cell: int,
) -> SummaryTable:
    """people: (row value, sex, client id) per decision."""
    counts: Counter[tuple[Any, Any]] = Counter()
    persons: dict[tuple[Any, Any], set[int]] = {}
    for row, sex, client_id in people:
        for group in ((row, sex), (row, TOTAL), (TOTAL, sex), (TOTAL, TOTAL)):
            counts[group] += 1
            persons.setdefault(group, set()).add(client_id)
    order = list(row_labels)
    sex_order = list(SEXES)
    keys = sorted(
        counts,
        key=lambda k: (
            len(order) if k[0] is TOTAL else order.index(k[0]),
            len(sex_order) if k[1] is TOTAL else sex_order.index(k[1]),
        ),
    )
    ordered = {k: counts[k] for k in keys}
    hidden = (
        suppress_groups(ordered, min_cell=min_cell, persons={k: len(persons[k]) for k in keys})
        if ordered
        else set()
    )
    cells: dict[tuple[Any, Any], int | None] = {
        k: (None if k in hidden else v) for k, v in ordered.items()
    }
    rows = [(r, label) for r, label in row_labels.items() if any(k[0] == r for k in ordered)]
    rows.append((TOTAL, _("Total")))
    return SummaryTable(key, title, rows, _sex_columns(), cells)


def quarter_summary(
    decisions: Iterable[Decision], municipality: OrgUnit, quarter: sel.Quarter
) -> QuarterSummary:
    min_cell = int(settings.INSYN_MIN_CELL)
    longest: dict[int, sel.Episode] = {}
    for e in sel.quarter_list(decisions, quarter):
        if e.decision.pk not in longest or e.days > longest[e.decision.pk].days:
            longest[e.decision.pk] = e
    found = list(longest.values())
    types = {
        e.decision.intervention_type_id: str(e.decision.intervention_type.label) for e in found
    }
    type_labels = dict(sorted(types.items(), key=lambda kv: kv[1]))
    by_type = [
        (e.decision.intervention_type_id, e.decision.case.client.sex, e.decision.case.client_id)
        for e in found
    ]
    by_days = [
        (sel.day_band(e.days), e.decision.case.client.sex, e.decision.case.client_id) for e in found
    ]
    band_labels = {b: _("%(band)s days") % {"band": b} for b in sel.day_band_labels()}
    summary = QuarterSummary(municipality=municipality, quarter=quarter, min_cell=min_cell)
    summary.tables = [
        _table("by_type", _("Decisions by intervention type"), by_type, type_labels, min_cell),
        _table(
            "by_days", _("Decisions by days since the decision"), by_days, band_labels, min_cell
        ),
    ]
    summary.total = summary.tables[0].cells.get((TOTAL, TOTAL), 0)
    return summary
