"""Reading the import files: a folder of CSV files or one XLSX workbook with the same sheets.

Every cell becomes a stripped string (XLSX dates become YYYY-MM-DD, whole numbers lose their
".0"), so the validation that follows has one input shape whatever the file type.
Row numbers are the spreadsheet's: the header is row 1, the first data row is row 2.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from insyn.core.validation import has_control_characters
from insyn.imports.report import Issue

logger = logging.getLogger(__name__)

# The sheets, in the order they are applied, with their columns (exactly these, any order).
SHEETS: dict[str, tuple[str, ...]] = {
    "clients": ("client_ref", "personnummer", "birth_date", "sex"),
    "cases": ("case_ref", "client_ref", "unit_code", "opened_on", "source", "reason", "closed_on"),
    "interventions": (
        "intervention_ref",
        "case_ref",
        "intervention_type",
        "legal_basis",
        "provider",
        "decided_on",
        "started_on",
        "ended_on",
        "end_reason",
        "sessions_planned",
        "sessions_held",
        "sessions_missed",
    ),
    # Investigations and appeals are optional sheets (older import sets stay valid); they are
    # matched on re-import by case_ref + started_on and intervention_ref + appealed_on + court.
    "investigations": (
        "case_ref",
        "started_on",
        "completed_on",
        "extended_on",
        "extension_reason",
        "outcome",
    ),
    "appeals": (
        "intervention_ref",
        "appealed_on",
        "court",
        "court_reference",
        "court_decided_on",
        "outcome",
        "comment",
    ),
    "measurements": (
        "programme",
        "intervention_ref",
        "stage",
        "occurred_on",
        "variable",
        "value",
        "non_response_reason",
    ),
    "goals": (
        "goal_ref",
        "programme",
        "intervention_ref",
        "variable",
        "text",
        "baseline",
        "target",
        "direction",
        "outcome",
        "assessed_on",
    ),
}
# Optional columns: a file may leave them out (older files stay valid); a column that is
# left out keeps what insyn holds, a column that is there sets the value (empty: none).
OPTIONAL: dict[str, tuple[str, ...]] = {
    "interventions": (
        "interrupted_on",
        "resumed_on",
        "extent_unit",
        "granted_extent",
        "executed_extent",
        "ended_unexecuted_on",
        "ended_unexecuted_reason",
    ),
}
MAX_ROWS = 500_000
# No import column needs more than a few hundred characters (goal texts are the longest); a
# longer cell is reported by row and column. The CSV reader's own limit (128 KiB by default,
# where it raised csv.Error and the import crashed) sits well above that, so a giant cell is
# still read and reported, and only a file that is not CSV at all hits the reader's limit.
MAX_CELL_CHARS = 10_000
CSV_FIELD_LIMIT = 8 * 1024 * 1024
csv.field_size_limit(max(csv.field_size_limit(), CSV_FIELD_LIMIT))


@dataclass
class Row:
    number: int  # the spreadsheet row number (header = 1)
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values.get(column, "")


@dataclass
class Table:
    sheet: str  # clients, cases, …
    label: str  # how errors name the file: "cases.csv" or "import.xlsx, sheet cases"
    rows: list[Row] = field(default_factory=list)
    columns: set[str] = field(default_factory=set)  # the columns the header holds


@dataclass
class Source:
    """Everything read from the files, plus what could not be read."""

    tables: dict[str, Table] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _check_header(
    source: Source, sheet: str, label: str, header: list[str]
) -> dict[int, str] | None:
    """Column positions by name; the header must hold exactly the sheet's columns."""
    names = [h.strip().lower() for h in header]
    expected = SHEETS[sheet]
    optional = OPTIONAL.get(sheet, ())
    ok = True
    for name in names:
        if name and name not in expected and name not in optional:
            source.issues.append(Issue(label, 1, name, _("Unknown column.")))
            ok = False
    for name in expected:
        if name not in names:
            source.issues.append(Issue(label, 1, name, _("The column is missing.")))
            ok = False
    duplicates = {n for n in names if n and names.count(n) > 1}
    for name in sorted(duplicates):
        source.issues.append(Issue(label, 1, name, _("The column appears twice.")))
        ok = False
    return {i: n for i, n in enumerate(names) if n} if ok else None


def _add_table(source: Source, sheet: str, label: str, lines: Iterable[list[object]]) -> None:
    iterator = iter(lines)
    header = next(iterator, None)
    if header is None:
        source.issues.append(Issue(label, 1, "", _("The file is empty; a header row is needed.")))
        return
    positions = _check_header(source, sheet, label, [_cell(h) for h in header])
    if positions is None:
        return
    table = Table(sheet=sheet, label=label, columns=set(positions.values()))
    number = 1
    while True:
        number += 1
        try:
            line = next(iterator, None)
        except csv.Error as exc:
            source.issues.append(
                Issue(
                    label,
                    number,
                    "",
                    _(
                        "The row cannot be read as CSV (a cell longer than %(mb)s MB, "
                        "or a quotation mark that is never closed)."
                    )
                    % {"mb": CSV_FIELD_LIMIT // (1024 * 1024)},
                )
            )
            logger.info("CSV reader refused %s row %s: %s", label, number, exc)
            return
        if line is None:
            break
        cells = [_cell(v) for v in line]
        if not any(cells):
            continue
        if not _cells_ok(source, label, number, cells, positions):
            continue
        if number > MAX_ROWS:
            source.issues.append(Issue(label, number, "", _("Too many rows in one file.")))
            return
        if len(cells) > len(header) and any(cells[len(header) :]):
            source.issues.append(
                Issue(label, number, "", _("The row has more cells than the header."))
            )
            continue
        table.rows.append(
            Row(number, {name: cells[i] if i < len(cells) else "" for i, name in positions.items()})
        )
    source.tables[sheet] = table


def _cells_ok(
    source: Source, label: str, number: int, cells: list[str], positions: dict[int, str]
) -> bool:
    ok = True
    for i, text in enumerate(cells):
        column = positions.get(i, "")
        if len(text) > MAX_CELL_CHARS:
            source.issues.append(
                Issue(
                    label,
                    number,
                    column,
                    _("The cell is too long (%(n)s characters; at most %(max)s).")
                    % {"n": len(text), "max": MAX_CELL_CHARS},
                )
            )
            ok = False
        elif has_control_characters(text):
            source.issues.append(
                Issue(
                    label,
                    number,
                    column,
                    _("The cell contains control characters (such as a NUL byte)."),
                )
            )
            ok = False
    return ok


def _sheet_name(filename: str) -> str:
    return Path(filename).stem.strip().lower()


def read_csv_bytes(source: Source, filename: str, data: bytes) -> None:
    """One CSV file (UTF-8, with or without BOM; comma or semicolon separated)."""
    label = Path(filename).name
    sheet = _sheet_name(filename)
    if sheet not in SHEETS:
        source.issues.append(
            Issue(
                label, None, "", _("Unknown file name; expected %(names)s.") % {"names": _names()}
            )
        )
        return
    if sheet in source.tables:
        source.issues.append(Issue(label, None, "", _("The sheet is given twice.")))
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        source.issues.append(Issue(label, None, "", _("The file is not UTF-8 encoded text.")))
        return
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    source.files.append(label)
    _add_table(
        source,
        sheet,
        label,
        (list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)),
    )


def read_xlsx_bytes(source: Source, filename: str, data: bytes) -> None:
    """One workbook whose sheets are named like the CSV files (clients, cases, …)."""
    from openpyxl import load_workbook

    name = Path(filename).name
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        source.issues.append(Issue(name, None, "", _("The file is not an XLSX workbook.")))
        return
    source.files.append(name)
    try:
        found = False
        for ws in workbook.worksheets:
            sheet = ws.title.strip().lower()
            if sheet not in SHEETS:
                continue
            found = True
            label = _("%(file)s, sheet %(sheet)s") % {"file": name, "sheet": sheet}
            if sheet in source.tables:
                source.issues.append(Issue(label, None, "", _("The sheet is given twice.")))
                continue
            _add_table(source, sheet, label, (list(row) for row in ws.iter_rows(values_only=True)))
        if not found:
            source.issues.append(
                Issue(name, None, "", _("No sheet named %(names)s.") % {"names": _names()})
            )
    finally:
        workbook.close()


def _names() -> str:
    return ", ".join(SHEETS)


def read_uploaded(files: Iterable[tuple[str, bytes]]) -> Source:
    """Uploaded files: CSVs by name, or XLSX workbooks."""
    source = Source()
    for filename, data in files:
        if filename.lower().endswith(".xlsx"):
            read_xlsx_bytes(source, filename, data)
        else:
            read_csv_bytes(source, filename, data)
    if not source.tables and not source.issues:
        source.issues.append(Issue("", None, "", _("No import file was given.")))
    return source


def read_path(path: Path) -> Source:
    """A folder of CSV files, or one XLSX workbook."""
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
        return read_uploaded((p.name, p.read_bytes()) for p in files)
    if path.is_file() and path.suffix.lower() == ".xlsx":
        return read_uploaded([(path.name, path.read_bytes())])
    source = Source()
    source.issues.append(
        Issue(str(path), None, "", _("Give a folder of CSV files or one XLSX workbook."))
    )
    return source
