"""Downloads of the key-figure pages: CSV for Swedish Excel (`;` between cells, decimal comma,
a BOM) and XLSX. Both carry the period and the source lines; every text cell is formula-safe
(`insyn.core.exports.excel_safe`)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import xlsxwriter
from django.http import HttpResponse
from django.utils.translation import gettext as _

from insyn.analytics.frame_export import XLSX_OPTIONS
from insyn.core.exports import excel_safe

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Sheet:
    """One table of figures and what the reader must know about it."""

    name: str
    header: list[str]
    rows: list[list[Any]]
    about: list[tuple[str, str]] = field(default_factory=list)  # (label, text): period, source


def swedish_number(value: Any) -> Any:
    """A float in Swedish notation for CSV (decimal comma, no thousands separator)."""
    if isinstance(value, bool) or not isinstance(value, float):
        return value
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def csv_text(sheet: Sheet) -> str:
    out = io.StringIO()
    out.write("\ufeff")  # BOM: Excel reads UTF-8 with å, ä, ö intact
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([excel_safe(h) for h in sheet.header])
    for row in sheet.rows:
        writer.writerow(["" if v is None else excel_safe(swedish_number(v)) for v in row])
    writer.writerow([])
    for label, text in sheet.about:
        writer.writerow([excel_safe(label), excel_safe(text)])
    return out.getvalue()


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {**XLSX_OPTIONS, "in_memory": True})
    try:
        bold = workbook.add_format({"bold": True})
        about_rows: list[tuple[str, str]] = []
        for sheet in sheets:
            ws = workbook.add_worksheet(sheet.name[:31])
            for col, name in enumerate(sheet.header):
                ws.write_string(0, col, str(excel_safe(name)), bold)
            for r, values in enumerate(sheet.rows, start=1):
                for col, value in enumerate(values):
                    if isinstance(value, int | float) and not isinstance(value, bool):
                        ws.write_number(r, col, value)
                    elif value is not None:
                        ws.write_string(r, col, str(excel_safe(str(value))))
            ws.freeze_panes(1, 0)
            about_rows += [(f"{sheet.name}: {label}", text) for label, text in sheet.about]
        info = workbook.add_worksheet(_("About")[:31])
        for r, (label, text) in enumerate(about_rows):
            info.write_string(r, 0, str(excel_safe(label)), bold)
            info.write_string(r, 1, str(excel_safe(text)))
    finally:
        workbook.close()
    return buffer.getvalue()


def download(sheets: Sequence[Sheet], name: str, fmt: str) -> HttpResponse:
    """The page's figures as `name`.csv (the first sheet) or `name`.xlsx (all sheets)."""
    if fmt == "csv":
        response = HttpResponse(csv_text(sheets[0]), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(xlsx_bytes(sheets), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
