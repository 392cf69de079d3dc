"""First pass of an import: read every row into typed records and check formats, codes and
references, without writing anything. Measurement values go through the follow-up engine's own
parser (`parse_values`), so an import accepts exactly what the occasion form accepts.

The second pass (`apply`) writes through the services, which check the business rules again.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils.translation import gettext as _

from insyn.clients.models import (
    Case,
    CaseSource,
    Client,
    EndReason,
    ExtentUnit,
    IntakeReason,
    Intervention,
    InterventionType,
    LegalBasis,
    Provider,
    Sex,
)
from insyn.clients.validators import normalise_org_number
from insyn.core.identity import parse_identity
from insyn.followup.models import Enrollment, Goal, NonResponseReason, Programme, Stage
from insyn.followup.values import parse_values
from insyn.imports.cells import (
    Cells,
    catalogue_codes,
    existing_refs,
    provider_keys,
    report_duplicates,
    unit_codes,
)
from insyn.imports.formats import OPTIONAL, SHEETS, Row, Source, Table
from insyn.imports.records import (
    CaseRec,
    ClientRec,
    GoalRec,
    InterventionRec,
    OccasionRec,
    Plan,
)
from insyn.imports.report import Report
from insyn.imports.validate_casework import (
    appeals,
    decision_dates,
    investigations,
)
from insyn.organisations.models import OrgUnit


def validate(source: Source, municipality: OrgUnit, report: Report) -> Plan:
    plan = Plan(municipality=municipality)
    plan.labels = {name: t.label for name, t in source.tables.items()}
    for name in SHEETS:
        if name in source.tables:
            report.count(name).rows = len(source.tables[name].rows)
    known_clients = {r["client_ref"] for r in _rows(source, "clients")} | existing_refs(
        Client, "client_ref", municipality
    )
    known_cases = {r["case_ref"] for r in _rows(source, "cases")} | existing_refs(
        Case, "case_ref", municipality
    )
    known_interventions = {r["intervention_ref"] for r in _rows(source, "interventions")} | (
        existing_refs(Intervention, "intervention_ref", municipality)
    )
    if "clients" in source.tables:
        _clients(plan, Cells(report, source.tables["clients"]), source.tables["clients"])
    if "cases" in source.tables:
        _cases(plan, Cells(report, source.tables["cases"]), source.tables["cases"], known_clients)
    if "interventions" in source.tables:
        table = source.tables["interventions"]
        _interventions(plan, Cells(report, table), table, known_cases)
    if "investigations" in source.tables:
        table = source.tables["investigations"]
        plan.investigations = investigations(Cells(report, table), table, known_cases)
    if "appeals" in source.tables:
        table = source.tables["appeals"]
        in_files = {r["intervention_ref"]: _decided_on(r) for r in _rows(source, "interventions")}
        refs = {r["intervention_ref"] for r in table.rows if r["intervention_ref"]}
        plan.appeals = appeals(
            Cells(report, table), table, decision_dates(municipality, refs, in_files)
        )
    if "measurements" in source.tables:
        table = source.tables["measurements"]
        _measurements(plan, Cells(report, table), table, known_interventions)
    if "goals" in source.tables:
        _goals(
            plan, Cells(report, source.tables["goals"]), source.tables["goals"], known_interventions
        )
    return plan


def _decided_on(row: Row) -> dt.date | None:
    """The decision date an interventions.csv row gives (None: no decision, or a bad date
    that the interventions sheet reports itself)."""
    if not (row["legal_basis"] and row["decided_on"]):
        return None
    try:
        return dt.date.fromisoformat(row["decided_on"])
    except ValueError:
        return None


def _rows(source: Source, sheet: str) -> list[Row]:
    table = source.tables.get(sheet)
    return table.rows if table else []


def _clients(plan: Plan, cells: Cells, table: Table) -> None:
    report_duplicates(cells, table.rows, "client_ref", lambda r: r["client_ref"])
    seen_people: dict[str, int] = {}
    for row in table.rows:
        ref = cells.ref(row, "client_ref")
        number = row["personnummer"]
        if number:
            try:
                key = parse_identity(number).person_key
            except ValidationError as exc:
                for message in exc.messages:
                    cells.error(row, "personnummer", message)
            else:
                if key in seen_people:
                    cells.error(
                        row,
                        "personnummer",
                        _("The same person is given twice (first in row %(n)s).")
                        % {"n": seen_people[key]},
                    )
                seen_people.setdefault(key, row.number)
        birth_date = cells.date(row, "birth_date", required=not number)
        sex = cells.choice(row, "sex", list(Sex.values))
        if not number and not sex and row["sex"] == "":
            cells.error(row, "sex", _("Without a personnummer the sex is required (K, M or X)."))
        if row.number not in cells.bad_rows:
            plan.clients.append(ClientRec(row, ref, number, birth_date, sex))


def _cases(plan: Plan, cells: Cells, table: Table, known_clients: set[str]) -> None:
    sources, reasons = catalogue_codes(CaseSource), catalogue_codes(IntakeReason)
    units = unit_codes(plan.municipality)
    report_duplicates(cells, table.rows, "case_ref", lambda r: r["case_ref"])
    for row in table.rows:
        ref = cells.ref(row, "case_ref")
        client_ref = cells.ref(row, "client_ref")
        if client_ref and client_ref not in known_clients:
            cells.error(row, "client_ref", _("No client with this reference."))
        unit_code = cells.text(row, "unit_code", required=True)
        unit = units.get(unit_code)
        if unit_code and unit_code not in units:
            cells.error(row, "unit_code", _("No unit with this code in the municipality."))
        elif unit_code and unit is None:
            cells.error(row, "unit_code", _("Several units have this code; it is ambiguous."))
        opened_on = cells.date(row, "opened_on", required=True)
        source = cells.code(row, "source", sources, required=True)
        reason = cells.code(row, "reason", reasons)
        closed_on = cells.date(row, "closed_on")
        if row.number not in cells.bad_rows:
            assert unit is not None and opened_on is not None
            plan.cases.append(
                CaseRec(row, ref, client_ref, unit, opened_on, source, reason, closed_on)
            )
    plan.cases.sort(key=lambda c: (c.opened_on, c.row.number))


def _interventions(plan: Plan, cells: Cells, table: Table, known_cases: set[str]) -> None:
    types, bases, ends = (
        catalogue_codes(InterventionType),
        catalogue_codes(LegalBasis),
        catalogue_codes(EndReason),
    )
    providers = provider_keys(plan.municipality)
    report_duplicates(cells, table.rows, "intervention_ref", lambda r: r["intervention_ref"])
    for row in table.rows:
        ref = cells.ref(row, "intervention_ref")
        case_ref = cells.ref(row, "case_ref")
        if case_ref and case_ref not in known_cases:
            cells.error(row, "case_ref", _("No case with this reference."))
        kind = cells.code(row, "intervention_type", types, required=True)
        basis = cells.code(row, "legal_basis", bases)
        provider = _provider_cell(cells, row, providers)
        decided_on = cells.date(row, "decided_on")
        if bool(basis) != bool(decided_on) and row.number not in cells.bad_rows:
            column = "decided_on" if basis else "legal_basis"
            cells.error(row, column, _("A decision needs both legal_basis and decided_on."))
        sessions = {
            name: cells.count(row, name)
            for name in ("sessions_planned", "sessions_held", "sessions_missed")
        }
        rec = InterventionRec(
            row,
            ref,
            case_ref,
            kind,
            basis,
            provider,
            decided_on,
            cells.date(row, "started_on"),
            cells.date(row, "ended_on"),
            cells.code(row, "end_reason", ends),
            sessions,
            _execution_cells(cells, row, table.columns),
        )
        if rec.execution and rec.decided_on is None and row.number not in cells.bad_rows:
            column = sorted(rec.execution)[0]
            if any(v not in (None, "") for v in rec.execution.values()):
                cells.error(
                    row, column, _("Execution fields need a decision (legal_basis and decided_on).")
                )
        if row.number not in cells.bad_rows:
            plan.interventions.append(rec)


def _execution_cells(cells: Cells, row: Row, columns: set[str]) -> dict[str, Any]:
    """The execution columns the file has (see OPTIONAL in formats), parsed."""
    out: dict[str, Any] = {}
    for name in OPTIONAL["interventions"]:
        if name not in columns:
            continue
        if name.endswith("_on"):
            out[name] = cells.date(row, name)
        elif name == "extent_unit":
            out[name] = cells.choice(row, name, list(ExtentUnit.values))
        elif name.endswith("_extent"):
            number = cells.number(row, name)
            out[name] = None if number is None else Decimal(str(number))
        else:
            out[name] = cells.text(row, name)
    return out


def _provider_cell(cells: Cells, row: Row, providers: dict[str, Any]) -> Provider | None:
    value = row["provider"]
    if not value:
        return None
    found = providers.get(value) or providers.get(value.lower())
    if found is None:
        try:
            found = providers.get(normalise_org_number(value))
        except ValidationError:
            found = None
    if found is None:
        cells.error(row, "provider", _("Unknown provider %(code)s.") % {"code": value})
    return found


class Programmes:
    """Programme version per row: the intervention's enrolment's version, else the latest
    published one; stages and variables cached."""

    def __init__(self) -> None:
        self.latest: dict[str, Programme | None] = {}
        self.by_intervention: dict[tuple[str, str], Programme | None] = {}
        self.stages: dict[tuple[int, str], Stage | None] = {}

    def stage(self, programme: Programme, key: str) -> Stage | None:
        if (programme.pk, key) not in self.stages:
            self.stages[programme.pk, key] = programme.stages.filter(key=key).first()
        return self.stages[programme.pk, key]

    def version(self, key: str, intervention_ref: str, municipality: OrgUnit) -> Programme | None:
        if (key, intervention_ref) not in self.by_intervention:
            self.by_intervention[key, intervention_ref] = self._version(
                key, intervention_ref, municipality
            )
        return self.by_intervention[key, intervention_ref]

    def _version(self, key: str, intervention_ref: str, municipality: OrgUnit) -> Programme | None:
        enrolled = (
            Enrollment.objects.filter(
                programme__key=key,
                intervention__intervention_ref=intervention_ref,
                intervention__municipality=municipality,
            )
            .select_related("programme")
            .first()
        )
        if enrolled is not None:
            return enrolled.programme
        if key not in self.latest:
            published = Programme.objects.filter(key=key, status=Programme.Status.PUBLISHED)
            top = published.aggregate(v=Max("version"))["v"]
            self.latest[key] = published.filter(version=top).first() if top else None
        return self.latest[key]


def _programme_cell(
    cells: Cells, row: Row, programmes: Programmes, municipality: OrgUnit
) -> Programme | None:
    key = cells.text(row, "programme", required=True)
    if not key:
        return None
    programme = programmes.version(key, row["intervention_ref"], municipality)
    if programme is None:
        cells.error(row, "programme", _("No published programme with this key."))
    return programme


def _measurements(plan: Plan, cells: Cells, table: Table, known: set[str]) -> None:
    reasons = catalogue_codes(NonResponseReason)
    programmes = Programmes()
    groups: dict[tuple[int, str, str], OccasionRec] = {}
    for row in table.rows:
        programme = _programme_cell(cells, row, programmes, plan.municipality)
        ref = cells.ref(row, "intervention_ref")
        if ref and ref not in known:
            cells.error(row, "intervention_ref", _("No intervention with this reference."))
        stage_key = cells.text(row, "stage", required=True)
        stage = programmes.stage(programme, stage_key) if programme and stage_key else None
        if programme is not None and stage_key and stage is None:
            cells.error(row, "stage", _("The programme has no stage %(key)s.") % {"key": stage_key})
        occurred_on = cells.date(row, "occurred_on", required=True)
        reason = cells.code(row, "non_response_reason", reasons)
        variable, value = row["variable"], row["value"]
        if reason is not None and (variable or value):
            cells.error(
                row, "non_response_reason", _("A non-response row has no variable or value.")
            )
        elif reason is None and not variable and not row["non_response_reason"]:
            cells.error(row, "variable", _("Give the variable, or a non_response_reason."))
        if row.number in cells.bad_rows or programme is None or stage is None:
            continue
        rec = groups.setdefault(
            (programme.pk, ref, stage.key),
            OccasionRec([], programme, ref, stage, occurred_on),
        )
        _add_to_occasion(cells, rec, row, occurred_on, reason)
    for rec in groups.values():
        if rec.reason is None and not any(r.number in cells.bad_rows for r in rec.rows):
            _check_values(cells, rec)
        if not any(r.number in cells.bad_rows for r in rec.rows):
            plan.occasions.append(rec)


def _add_to_occasion(
    cells: Cells,
    rec: OccasionRec,
    row: Row,
    occurred_on: dt.date | None,
    reason: NonResponseReason | None,
) -> None:
    first = rec.rows[0] if rec.rows else None
    rec.rows.append(row)
    if first is not None and occurred_on != rec.occurred_on:
        cells.error(
            row,
            "occurred_on",
            _("Another date than in row %(n)s for the same occasion.") % {"n": first.number},
        )
    if reason is not None:
        if rec.values or (rec.reason is not None and rec.reason != reason):
            cells.error(row, "non_response_reason", _("The occasion has values in other rows."))
        rec.reason = reason
        return
    if rec.reason is not None:
        cells.error(row, "variable", _("The occasion is marked as non-response in another row."))
        return
    key = row["variable"]
    if key in rec.values:
        cells.error(
            row,
            "variable",
            _("Given twice for the same occasion (first in row %(n)s).")
            % {"n": rec.rows_by_key[key].number},
        )
        return
    rec.values[key] = row["value"]
    rec.rows_by_key[key] = row


def _check_values(cells: Cells, rec: OccasionRec) -> None:
    """The follow-up engine's own parser decides (types, ranges, options, items, required)."""
    try:
        parse_values(rec.stage, rec.values)
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            row = rec.rows_by_key.get(key)
            column = "value"
            if row is None:
                row, column = rec.rows[0], "variable"
                messages = [f"{key}: {m}" for m in messages]
            elif key.partition(".")[0] not in {
                sv.variable.key for sv in rec.stage.stage_variables.select_related("variable")
            }:
                column = "variable"
            for message in messages:
                cells.error(row, column, message)


def _goals(plan: Plan, cells: Cells, table: Table, known: set[str]) -> None:
    programmes = Programmes()
    report_duplicates(
        cells,
        table.rows,
        "goal_ref",
        lambda r: f"{r['programme']}|{r['intervention_ref']}|{r['goal_ref']}",
    )
    for row in table.rows:
        ref = cells.ref(row, "goal_ref")
        programme = _programme_cell(cells, row, programmes, plan.municipality)
        intervention_ref = cells.ref(row, "intervention_ref")
        if intervention_ref and intervention_ref not in known:
            cells.error(row, "intervention_ref", _("No intervention with this reference."))
        variable = None
        if row["variable"] and programme is not None:
            variable = programme.variables.filter(key=row["variable"]).first()
            if variable is None:
                cells.error(row, "variable", _("The programme has no variable with this key."))
        text = cells.text(row, "text", required=True)
        outcome = cells.choice(row, "outcome", list(Goal.Outcome.values))
        assessed_on = cells.date(row, "assessed_on", required=bool(outcome))
        rec = GoalRec(
            row,
            ref,
            programme,  # type: ignore[arg-type]
            intervention_ref,
            variable,
            text,
            cells.number(row, "baseline"),
            cells.number(row, "target"),
            cells.choice(row, "direction", ["lower", "higher"]),
            outcome,
            assessed_on,
        )
        if row.number not in cells.bad_rows and programme is not None:
            plan.goals.append(rec)
