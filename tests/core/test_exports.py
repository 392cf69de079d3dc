"""The shared file writers (insyn.core.exports): only text is formula-escaped, never a number;
the Swedish CSV is what Swedish Excel splits and reads as numbers; the XLSX has numeric cells."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl

from insyn.core import exports as files

COLUMNS = [
    files.Column("unit", "Enhet"),
    files.Column("n", "Antal", "count"),
    files.Column("mean_change", "Förändring", "number"),
    files.Column("share", "Andel förbättrade", "share"),
    files.Column("p", "p-värde", "p"),
    files.Column("suppressed", "Dold"),
]
ROWS = [
    [files.Labelled("0780/VUX", "Vuxenenheten"), 12, -1.25, 0.456, 0.0000123, False],
    ["=SUM(A1)", 7, Decimal("2.04"), None, 0.2, True],
    ["-nedsatt", -3, -0.04, 1.0, None, False],
]


def sv_excel(text: str) -> list[list[str]]:
    """Read a CSV the way Swedish Excel does: `;` between cells."""
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


def as_number(cell: str) -> float:
    return float(cell.replace(",", "."))


def test_only_text_is_escaped_never_a_number():
    for text in ("=SUM(A1)", "+1", "-x", "@cmd", "\tx", "\rx"):
        assert files.excel_safe(text) == "'" + text
    for number in (-5, -1.5, Decimal("-2.5"), 0):
        assert files.excel_safe(number) == number
    assert files.machine_value(-1.5) == "-1.5"
    assert files.machine_value(Decimal("-2.50")) == "-2.50"
    assert files.people_value(files.Column("x", "x", "number"), -1.25) == -1.2


def test_swedish_csv_parses_as_swedish_excel_does():
    rows = sv_excel("".join(files.swedish_csv(COLUMNS, ROWS, comment="Förändring, inte effekt")))
    assert rows[0] == ["# Förändring, inte effekt"]
    assert rows[1] == ["Enhet", "Antal", "Förändring", "Andel förbättrade (%)", "p-värde", "Dold"]
    first, second, third = rows[2:]
    assert first == ["Vuxenenheten", "12", "-1,2", "46", "0,000012", "nej"]
    assert as_number(first[2]) == -1.2  # a negative number is a number
    assert second[0] == "'=SUM(A1)" and second[2] == "2,0" and second[3] == "" and second[5] == "ja"
    assert third[:3] == ["'-nedsatt", "-3", "0,0"]  # text escaped; -0.04 rounds to 0,0, not -0,0
    assert as_number(third[3]) == 100


def test_machine_csv_keeps_keys_codes_and_precision():
    lines = "".join(files.machine_csv(COLUMNS, ROWS, comment="change, not effect")).splitlines()
    assert lines[0] == "# change, not effect"
    rows = list(csv.DictReader(lines[1:]))
    assert rows[0] == {
        "unit": "0780/VUX",
        "n": "12",
        "mean_change": "-1.25",
        "share": "0.456",
        "p": "1.23e-05",
        "suppressed": "false",
    }
    assert rows[1]["unit"] == "'=SUM(A1)" and rows[1]["share"] == ""


def test_xlsx_cells_are_numeric_and_rounded_as_on_the_page():
    data = files.xlsx_bytes([files.Sheet("Tabell", COLUMNS, ROWS, [("Källa", "insyn")])])
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]][:4] == [
        "Enhet",
        "Antal",
        "Förändring",
        "Andel förbättrade (%)",
    ]
    first = sheet[2]
    assert [c.data_type for c in first[1:5]] == ["n"] * 4
    assert [c.value for c in first[1:4]] == [12, -1.2, 46]
    assert first[2].number_format == "0.0"
    assert sheet["A3"].value == "'=SUM(A1)" and sheet["A2"].value == "Vuxenenheten"
    assert sheet["B4"].value == -3 and sheet["B4"].data_type == "n"
    assert list(book.worksheets[1].values) == [("Källa", "insyn")]
