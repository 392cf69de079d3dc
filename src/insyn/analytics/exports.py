"""Analysis results as files: CSV, JSON and XLSX with the documented columns (group columns,
n and the measures, `suppressed`). Every file is formula-safe (insyn.core.exports)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import IO, Any

import xlsxwriter
from django.utils.translation import gettext

from insyn.analytics.aggregate import AnalysisResult
from insyn.analytics.dimensions import ALL_CODE, Labeller
from insyn.analytics.frame_export import XLSX_OPTIONS
from insyn.core.exports import csv_rows, excel_safe
from insyn.core.suppression import TOTAL


def header(result: AnalysisResult) -> list[str]:
    return [d.key for d in result.dimensions] + [c.key for c in result.columns] + ["suppressed"]


def records(result: AnalysisResult, labeller: Labeller | None = None) -> Iterator[list[Any]]:
    """One list per row: group codes ("(all)" for a margin), the measures, suppressed."""
    labeller = labeller or Labeller()
    for row in result.rows:
        groups = [
            ALL_CODE if value is TOTAL else labeller.code(dim, value)
            for dim, value in zip(result.dimensions, row.group, strict=True)
        ]
        yield [*groups, *(row.values.get(c.key) for c in result.columns), row.suppressed]


def _plain(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format(value, ".12g")
    return value


def csv_lines(result: AnalysisResult) -> Iterator[str]:
    return csv_rows(header(result), ([_plain(v) for v in r] for r in records(result)))


def about(result: AnalysisResult) -> dict[str, Any]:
    """What the table answers, for the JSON envelope and the XLSX's second sheet."""
    request = result.request
    return {
        "programme": result.programme.key,
        "variable": result.variable.key,
        "variable_label": result.variable.label,
        "stage": None if request.compare else (request.stage or result.variable.stages[0]),
        "compare": list(request.compare) if request.compare else None,
        "by": list(request.by),
        "age_groups": ",".join(b.label for b in request.age_bins),
        "from": request.date_from.isoformat() if request.date_from else None,
        "to": request.date_to.isoformat() if request.date_to else None,
        "programme_versions": list(request.versions),
        "min_cell": result.min_cell,
        "caveat": result.caveat,
        "notes": result.notes,
    }


def json_document(result: AnalysisResult) -> dict[str, Any]:
    names = header(result)
    return {
        **about(result),
        "columns": names,
        "rows": [dict(zip(names, r, strict=True)) for r in records(result)],
    }


def json_text(result: AnalysisResult) -> str:
    return json.dumps(json_document(result), ensure_ascii=False, indent=2)


def write_xlsx(result: AnalysisResult, target: IO[bytes] | str) -> None:
    workbook = xlsxwriter.Workbook(target, {**XLSX_OPTIONS, "in_memory": True})
    try:
        sheet = workbook.add_worksheet(gettext("Analysis")[:31])
        bold = workbook.add_format({"bold": True})
        for col, name in enumerate(header(result)):
            sheet.write_string(0, col, str(excel_safe(name)), bold)
        for r, values in enumerate(records(result), start=1):
            for col, value in enumerate(values):
                _cell(sheet, r, col, value)
        sheet.freeze_panes(1, len(result.dimensions))
        info = workbook.add_worksheet(gettext("About")[:31])
        for r, (key, value) in enumerate(about(result).items()):
            info.write_string(r, 0, key, bold)
            text = ", ".join(map(str, value)) if isinstance(value, list) else value
            _cell(info, r, 1, text)
    finally:
        workbook.close()


def xlsx_bytes(result: AnalysisResult) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(result, buffer)
    return buffer.getvalue()


def _cell(sheet: Any, row: int, col: int, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value)
    else:
        sheet.write_string(row, col, str(excel_safe(str(value))))
