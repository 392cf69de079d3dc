"""Downloads of the key-figure pages through insyn.core.exports: CSV for Swedish Excel (`;`
between cells, decimal comma, a BOM) and XLSX with numeric cells. Both carry the period and the
source lines; only text cells are formula-escaped, never a number."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _

from insyn.core import exports as files

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Sheet:
    """One table of figures and what the reader must know about it."""

    name: str
    header: list[str]
    rows: list[list[Any]]
    about: list[tuple[str, str]] = field(default_factory=list)  # (label, text): period, source


def _columns(sheet: Sheet) -> list[files.Column]:
    return [files.Column(h, h) for h in sheet.header]


def csv_text(sheet: Sheet) -> str:
    """The first table for Swedish Excel, its period and source lines after an empty line."""
    return "".join(files.swedish_csv(_columns(sheet), sheet.rows, footer=sheet.about))


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    buffer = io.BytesIO()
    files.write_xlsx(
        buffer,
        [files.Sheet(s.name, _columns(s), s.rows, s.about) for s in sheets],
        about_title=_("About"),
    )
    return buffer.getvalue()


def download(sheets: Sequence[Sheet], name: str, fmt: str) -> HttpResponse:
    """The page's figures as `name`.csv (the first sheet) or `name`.xlsx (all sheets)."""
    if fmt == "csv":
        response = HttpResponse(csv_text(sheets[0]), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(xlsx_bytes(sheets), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
