"""Every table the system hands out as a file, in three flavours (docs/analysis.md, "Files"):

- **machine CSV** (`csv`): comma, decimal point, stable English column keys, codes rather than
  names, numbers unrounded (the shortest text that reads back as the same float), booleans
  `true`/`false`, UTF-8 without a BOM. For R, Python, pandas and other programs.
- **Swedish CSV** (`csv-sv`): what Swedish Excel splits into columns when it is double-clicked:
  semicolon, decimal comma, UTF-8 with a BOM (å, ä, ö intact), Swedish headers and names, numbers
  rounded as the page rounds them, shares in per cent, `ja`/`nej`.
- **XLSX** (`xlsx`): the people's table as a workbook: Swedish headers and names, numbers as real
  numeric cells rounded as on the page with a number format, an "About" sheet.

All three are safe from formula injection (ARCHITECTURE rule 8): a *text* cell that starts with
= + - @, a tab or a carriage return gets a leading apostrophe. Numbers are never escaped, so a
negative number stays a number in every flavour.

A before/after table carries the "change, not effect" caveat as a first comment line (`# …`) in
both CSVs (skip lines starting with `#`, e.g. pandas `comment="#"`) and on the XLSX's About sheet.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.functional import Promise
from django.utils.translation import override, pgettext

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("csv", "csv-sv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Text is written as text: nothing in a cell turns into a formula, a link or a number by itself.
XLSX_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
# Column kinds: how a number is rounded for people (the machine CSV never rounds).
KINDS = ("text", "count", "number", "share", "p")


def excel_safe(value: Any) -> Any:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe.

    Numbers stay numbers: only strings are touched, so "-5" typed as text is escaped but the
    integer -5 is not.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


@dataclass(frozen=True)
class Column:
    """One column of an exported table.

    `key` heads the machine CSV (stable, English); `label` heads the Swedish CSV and the XLSX.
    `kind` says how people see a number: `count` whole, `number` with `decimals`, `share` (a
    fraction 0..1) in whole per cent with "(%)" after the label, `p` a p-value with 3 decimals
    (a smaller one keeps two significant digits rather than turn into 0). A number in a `text`
    column is still a number, written as it came (indicator tables are already rounded).
    """

    key: str
    label: str | Promise
    kind: str = "text"
    decimals: int = 1

    def header(self) -> str:
        label = str(self.label)
        return f"{label} (%)" if self.kind == "share" else label


@dataclass(frozen=True)
class Labelled:
    """A cell with a code for machines and a name for people (a unit's code and its name)."""

    code: Any
    label: str | Promise


@dataclass
class Sheet:
    """A table for the XLSX: its columns, rows, and lines about it (period, source, caveat)."""

    name: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    about: Sequence[tuple[str, str]] = field(default_factory=list)


_PLAIN = Column("", "")


class _Echo:
    def write(self, value: str) -> str:
        return value


def _pairs(columns: Sequence[Column], row: Sequence[Any]) -> Iterator[tuple[Column, Any]]:
    """Each cell with its column; a cell past the last column is plain (a note in a table)."""
    for i, value in enumerate(row):
        yield (columns[i] if i < len(columns) else _PLAIN), value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _comment_lines(comment: str | Sequence[str]) -> Iterator[str]:
    for line in [comment] if isinstance(comment, str) else comment:
        if line:
            yield "# " + " ".join(str(line).split()) + "\r\n"


# --- machine CSV --------------------------------------------------------------------------------


def machine_value(value: Any) -> Any:
    """A cell for programs: codes, unrounded numbers with a decimal point, true/false."""
    if isinstance(value, Labelled):
        value = value.code
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ""  # reads back as the same float
    if _is_number(value):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return excel_safe(str(value))


def machine_csv(
    columns: Sequence[Column], rows: Iterable[Sequence[Any]], *, comment: str | Sequence[str] = ""
) -> Iterator[str]:
    """Stream the machine CSV (for StreamingHttpResponse or a file)."""
    writer = csv.writer(_Echo())
    yield from _comment_lines(comment)
    yield writer.writerow([excel_safe(c.key) for c in columns])
    for row in rows:
        yield writer.writerow([machine_value(v) for v in row])


# --- for people: Swedish CSV and XLSX -----------------------------------------------------------


def decimals_for(column: Column, value: float) -> int | None:
    """How many decimals people see; None: as it came (a number in a text column)."""
    if column.kind == "count":
        return 0
    if column.kind == "share":
        return 0
    if column.kind == "number":
        return column.decimals
    if column.kind == "p":
        if value == 0 or abs(value) >= 0.001:
            return 3
        return min(12, 1 - math.floor(math.log10(abs(value))))
    return None


def people_value(column: Column, value: Any) -> Any:
    """A cell for people: a name, a number rounded as the page rounds it, ja/nej, or text
    (escaped). Numbers come back as int or float, never as text."""
    if isinstance(value, Labelled):
        value = value.label
    if value is None:
        return None
    if isinstance(value, bool):
        return pgettext("export", "yes") if value else pgettext("export", "no")
    if _is_number(value):
        number = float(value) * (100 if column.kind == "share" else 1)
        if not math.isfinite(number):
            return None
        places = decimals_for(column, number)
        if places is None:
            return value if isinstance(value, int) else number
        if places == 0:
            return round(number)
        rounded = round(number, places)
        return 0.0 if rounded == 0 else rounded  # never "-0,0"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return excel_safe(str(value))


def swedish_number(value: float | int, places: int | None) -> str:
    """A number as Swedish Excel reads it: decimal comma, no thousands separator."""
    if isinstance(value, int):
        return str(value)
    if places is None:
        text = f"{value:.6f}".rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text.replace(".", ",")
    return f"{value:.{places}f}".replace(".", ",")


def _swedish_cell(column: Column, value: Any) -> Any:
    shown = people_value(column, value)
    if shown is None:
        return ""
    if _is_number(shown):
        return swedish_number(shown, decimals_for(column, float(shown)))
    return shown


def swedish_csv(
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    *,
    comment: str | Sequence[str] = "",
    footer: Sequence[tuple[str, str]] = (),
) -> Iterator[str]:
    """Stream the Swedish CSV, in Swedish whatever the reader's language. `footer` rows
    (label; text) follow an empty line: the period and the source of a key-figure table."""
    with override("sv"):
        writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
        lines = ["\ufeff", *_comment_lines(comment)]
        lines.append(writer.writerow([excel_safe(c.header()) for c in columns]))
    yield from lines
    for row in rows:
        with override("sv"):
            line = writer.writerow([_swedish_cell(c, v) for c, v in _pairs(columns, row)])
        yield line
    if footer:
        yield writer.writerow([])
        for label, text in footer:
            yield writer.writerow([excel_safe(str(label)), excel_safe(str(text))])


def _number_format(column: Column, value: float | int) -> str | None:
    places = decimals_for(column, float(value))
    if places is None:
        return None
    return "0" if places == 0 else "0." + "0" * places


def write_xlsx(target: Any, sheets: Sequence[Sheet], *, about_title: str = "") -> None:
    """Write the workbook: one sheet per table (bold Swedish headers, numeric cells with the
    page's rounding as number format) and an About sheet with every table's lines."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(target, {**XLSX_OPTIONS, "in_memory": True})
    try:
        bold = workbook.add_format({"bold": True})
        formats: dict[str, Any] = {}
        about_rows: list[tuple[str, str]] = []
        for sheet in sheets:
            ws = workbook.add_worksheet(str(sheet.name)[:31])
            for col, column in enumerate(sheet.columns):
                ws.write_string(0, col, str(excel_safe(column.header())), bold)
            for r, values in enumerate(sheet.rows, start=1):
                for col, (column, value) in enumerate(_pairs(sheet.columns, values)):
                    shown = people_value(column, value)
                    if shown is None:
                        continue
                    if _is_number(shown):
                        code = _number_format(column, shown)
                        if code and code not in formats:
                            formats[code] = workbook.add_format({"num_format": code})
                        ws.write_number(r, col, shown, formats.get(code) if code else None)
                    else:
                        ws.write_string(r, col, str(shown))
            ws.freeze_panes(1, 0)
            prefix = f"{sheet.name}: " if len(sheets) > 1 else ""
            about_rows += [(prefix + str(label), str(text)) for label, text in sheet.about]
        if about_rows:
            info = workbook.add_worksheet((about_title or pgettext("export", "About"))[:31])
            for r, (label, text) in enumerate(about_rows):
                info.write_string(r, 0, str(excel_safe(label)), bold)
                info.write_string(r, 1, str(excel_safe(text)))
    finally:
        workbook.close()


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(buffer, sheets)
    return buffer.getvalue()


def download(
    fmt: str,
    name: str,
    sheet: Sheet,
    *,
    comment: str | Sequence[str] = "",
    stream: bool = False,
) -> HttpResponse | StreamingHttpResponse:
    """One table as `name`.csv (machine), `name`-sv.csv (Swedish Excel) or `name`.xlsx. The
    caller has checked `fmt in FORMATS`. `comment` (the caveat) heads both CSVs; the XLSX has it
    on its About sheet. `stream` streams a CSV that may be long (the audit log)."""
    response: HttpResponse | StreamingHttpResponse
    if fmt == "xlsx":
        about = list(sheet.about)
        lines = [comment] if isinstance(comment, str) else list(comment)
        known = {text for _label, text in about}
        note = pgettext("export", "Note")
        about += [(note, line) for line in lines if line and line not in known]
        response = HttpResponse(
            xlsx_bytes([Sheet(sheet.name, sheet.columns, sheet.rows, about)]),
            content_type=XLSX_TYPE,
        )
        filename = f"{name}.xlsx"
    else:
        writer = swedish_csv if fmt == "csv-sv" else machine_csv
        chunks = writer(sheet.columns, sheet.rows, comment=comment)
        content_type = "text/csv; charset=utf-8"
        if stream:
            response = StreamingHttpResponse(chunks, content_type=content_type)
        else:
            response = HttpResponse("".join(chunks), content_type=content_type)
        filename = f"{name}-sv.csv" if fmt == "csv-sv" else f"{name}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_rows(
    header: Sequence[str], rows: Iterable[Sequence[Any]], *, delimiter: str = ","
) -> Iterator[str]:
    """Stream CSV lines with a BOM, every text cell formula-safe (numbers are left alone).
    Kept for the quality app's files; new exports use machine_csv / swedish_csv."""
    writer = csv.writer(_Echo(), delimiter=delimiter)
    yield "\ufeff"  # BOM, so Excel opens UTF-8 with å, ä, ö intact
    yield writer.writerow([excel_safe(h) for h in header])
    for row in rows:
        yield writer.writerow(["" if v is None else excel_safe(v) for v in row])
