"""Files of the non-executed decisions area: the quarter's individual list for IVO and the
de-identified quarterly summary, each as CSV (UTF-8 with BOM, every cell formula-safe, so
Swedish Excel opens it with å, ä, ö intact: insyn.core.exports), XLSX (xlsxwriter, text never
turned into formulas) and PDF (WeasyPrint, like the lex Sarah notification). Every file says
its source and period."""

from __future__ import annotations

import io
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from insyn.core.exports import csv_rows, excel_safe
from insyn.quality.selectors import non_executed as sel
from insyn.quality.selectors.non_executed_report import ReportRow, header
from insyn.quality.selectors.non_executed_summary import QuarterSummary

FORMATS = ("csv", "xlsx", "pdf")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def list_about(quarter: sel.Quarter, municipality: Any) -> dict[str, str]:
    return {
        _("Source"): _("insyn: decisions in the case records, as of %(day)s")
        % {"day": quarter.end.isoformat()},
        _("Municipality"): f"{municipality.name} ({municipality.code})",
        _("Period"): f"{quarter.label} ({quarter.start.isoformat()} – {quarter.end.isoformat()})",
        _("Created"): timezone.localtime().isoformat(timespec="seconds"),
    }


def filename(kind: str, quarter: sel.Quarter, municipality: Any, fmt: str) -> str:
    return f"{kind}-{municipality.code}-{quarter.label}.{fmt}"


def list_csv(rows: list[ReportRow]) -> str:
    return "".join(csv_rows(header(), [[v for _l, v in r.values()] for r in rows]))


def _xlsx(sheets: list[tuple[str, list[str], list[list[Any]]]], about: dict[str, str]) -> bytes:
    import xlsxwriter

    from insyn.analytics.frame_export import XLSX_OPTIONS

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {**XLSX_OPTIONS, "in_memory": True})
    try:
        bold = workbook.add_format({"bold": True})
        for name, head, rows in sheets:
            sheet = workbook.add_worksheet(name[:31])
            for col, text in enumerate(head):
                sheet.write_string(0, col, str(excel_safe(text)), bold)
            for r, values in enumerate(rows, start=1):
                for col, value in enumerate(values):
                    if isinstance(value, int):
                        sheet.write_number(r, col, value)
                    elif value not in (None, ""):
                        sheet.write_string(r, col, str(excel_safe(str(value))))
            sheet.freeze_panes(1, 0)
        info = workbook.add_worksheet(_("About")[:31])
        for r, (key, value) in enumerate(about.items()):
            info.write_string(r, 0, str(key), bold)
            info.write_string(r, 1, str(excel_safe(str(value))))
    finally:
        workbook.close()
    return buffer.getvalue()


def list_xlsx(rows: list[ReportRow], quarter: sel.Quarter, municipality: Any) -> bytes:
    body = [[v for _l, v in r.values()] for r in rows]
    return _xlsx([(quarter.label, header(), body)], list_about(quarter, municipality))


def _pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=render_to_string(template, context)).write_pdf())


def list_pdf(rows: list[ReportRow], quarter: sel.Quarter, municipality: Any) -> bytes:
    return _pdf(
        "quality/non_executed/list_pdf.html",
        {"rows": rows, "quarter": quarter, "about": list_about(quarter, municipality)},
    )


def list_file(rows: list[ReportRow], quarter: sel.Quarter, municipality: Any, fmt: str) -> bytes:
    if fmt == "csv":
        return list_csv(rows).encode("utf-8")
    if fmt == "xlsx":
        return list_xlsx(rows, quarter, municipality)
    return list_pdf(rows, quarter, municipality)


def summary_file(summary: QuarterSummary, fmt: str) -> bytes:
    head = [_("Table"), _("Row"), _("Column"), _("Number of decisions")]
    if fmt == "csv":
        return "".join(csv_rows(head, summary.records())).encode("utf-8")
    if fmt == "xlsx":
        sheets = [
            (
                t.title,
                ["", *[label for _c, label in t.columns]],
                [[label, *["–" if v is None else v for v in values]] for label, values in t.grid()],
            )
            for t in summary.tables
        ]
        return _xlsx(sheets, summary.about())
    return _pdf("quality/non_executed/summary_pdf.html", {"summary": summary})
