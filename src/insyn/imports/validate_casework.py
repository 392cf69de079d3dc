"""First pass for investigations.csv and appeals.csv: formats, codes, references and the date
rules checked row by row before anything is written (the services check them again).

Neither record has a reference of its own, so a row is matched on re-import by its natural key:
an investigation by its case and start date, an appeal by the decision it concerns (the
intervention_ref of the intervention the decision belongs to, as in interventions.csv), the
date it was appealed and the court. Re-importing updates the other columns of that record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from insyn.clients.models import Appeal, Intervention, Investigation
from insyn.clients.services.common import today
from insyn.imports.cells import Cells, report_duplicates
from insyn.imports.formats import Row, Table
from insyn.organisations.models import OrgUnit


@dataclass
class InvestigationRec:
    row: Row
    case_ref: str
    started_on: dt.date
    completed_on: dt.date | None
    extended_on: dt.date | None
    extension_reason: str
    outcome: str


@dataclass
class AppealRec:
    row: Row
    intervention_ref: str
    appealed_on: dt.date
    court: str
    court_reference: str
    court_decided_on: dt.date | None
    outcome: str
    comment: str


def _not_future(cells: Cells, row: Row, column: str, value: dt.date | None) -> None:
    if value is not None and value > today():
        cells.error(row, column, _("The date cannot lie in the future."))


def investigations(cells: Cells, table: Table, known_cases: set[str]) -> list[InvestigationRec]:
    """Rows of investigations.csv; the four-month rule is flagged later, never refused here."""
    report_duplicates(
        cells, table.rows, "started_on", lambda r: f"{r['case_ref']}|{r['started_on']}"
    )
    out: list[InvestigationRec] = []
    for row in table.rows:
        case_ref = cells.ref(row, "case_ref")
        if case_ref and case_ref not in known_cases:
            cells.error(row, "case_ref", _("No case with this reference."))
        started_on = cells.date(row, "started_on", required=True)
        completed_on = cells.date(row, "completed_on")
        extended_on = cells.date(row, "extended_on")
        for column, value in (
            ("started_on", started_on),
            ("completed_on", completed_on),
            ("extended_on", extended_on),
        ):
            _not_future(cells, row, column, value)
        if started_on and completed_on and completed_on < started_on:
            cells.error(
                row,
                "completed_on",
                _("An investigation cannot be completed before it was started."),
            )
        if started_on and extended_on and extended_on < started_on:
            cells.error(
                row,
                "extended_on",
                _("The decision to extend cannot come before the investigation started."),
            )
        reason = cells.text(row, "extension_reason")
        if extended_on is not None and not reason:
            cells.error(
                row, "extension_reason", _("Give the reason for extending the investigation.")
            )
        if extended_on is None and reason and not row["extended_on"]:
            cells.error(row, "extended_on", _("Give the date of the decision to extend."))
        outcome = cells.choice(row, "outcome", list(Investigation.Outcome.values))
        if outcome and completed_on is None and not row["completed_on"]:
            cells.error(
                row,
                "completed_on",
                _("An outcome needs the date the investigation was completed."),
            )
        if row.number not in cells.bad_rows:
            assert started_on is not None
            out.append(
                InvestigationRec(
                    row, case_ref, started_on, completed_on, extended_on, reason, outcome
                )
            )
    return out


def decision_dates(
    municipality: OrgUnit, refs: set[str], in_files: dict[str, dt.date | None]
) -> dict[str, dt.date | None]:
    """Decision date per intervention reference (None: the intervention has no decision);
    this import's interventions.csv first, then what insyn holds."""
    found: dict[str, dt.date | None] = {}
    wanted = sorted(refs - set(in_files))
    for start in range(0, len(wanted), 500):
        found.update(
            Intervention.objects.filter(
                municipality=municipality, intervention_ref__in=wanted[start : start + 500]
            ).values_list("intervention_ref", "decision__decided_on")
        )
    found.update({ref: in_files[ref] for ref in refs if ref in in_files})
    return found


def appeals(cells: Cells, table: Table, decisions: dict[str, dt.date | None]) -> list[AppealRec]:
    """Rows of appeals.csv; `decisions` maps intervention references to decision dates."""
    report_duplicates(
        cells,
        table.rows,
        "appealed_on",
        lambda r: f"{r['intervention_ref']}|{r['appealed_on']}|{r['court'].lower()}",
    )
    out: list[AppealRec] = []
    for row in table.rows:
        ref = cells.ref(row, "intervention_ref")
        decided_on: dt.date | None = None
        if ref and ref not in decisions:
            cells.error(row, "intervention_ref", _("No intervention with this reference."))
        elif ref:
            decided_on = decisions[ref]
            if decided_on is None:
                cells.error(
                    row, "intervention_ref", _("The intervention has no decision to appeal.")
                )
        appealed_on = cells.date(row, "appealed_on", required=True)
        court = cells.choice(row, "court", list(Appeal.Court.values))
        if not row["court"]:
            cells.error(row, "court", _("A code is required."))
        court_decided_on = cells.date(row, "court_decided_on")
        _not_future(cells, row, "appealed_on", appealed_on)
        _not_future(cells, row, "court_decided_on", court_decided_on)
        if appealed_on and decided_on and appealed_on < decided_on:
            cells.error(row, "appealed_on", _("A decision cannot be appealed before it was made."))
        if appealed_on and court_decided_on and court_decided_on < appealed_on:
            cells.error(
                row,
                "court_decided_on",
                _("The court cannot decide before the decision was appealed."),
            )
        outcome = cells.choice(row, "outcome", list(Appeal.Outcome.values))
        if outcome and court_decided_on is None and not row["court_decided_on"]:
            cells.error(row, "court_decided_on", _("An outcome needs the date the court decided."))
        if court_decided_on is not None and not outcome and not row["outcome"]:
            cells.error(row, "outcome", _("Give the outcome of the court's decision."))
        if row.number not in cells.bad_rows:
            assert appealed_on is not None
            out.append(
                AppealRec(
                    row,
                    ref,
                    appealed_on,
                    court,
                    cells.text(row, "court_reference"),
                    court_decided_on,
                    outcome,
                    cells.text(row, "comment"),
                )
            )
    return out
