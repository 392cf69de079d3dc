"""Key-figure files go through insyn.core.exports: a negative figure (a change from last year)
is a number in the Swedish CSV and the XLSX, never text with an apostrophe (issue 14, item 3)."""

from __future__ import annotations

import csv
import io

import openpyxl

from insyn.indicators.page_exports import Sheet, csv_text, xlsx_bytes

SHEET = Sheet(
    name="Nyckeltal",
    header=["Område", "Värde", "Förändring"],
    rows=[["=Växjö", 72.5, -1.5], ["Kalmar", 80, -3]],
    about=[("Källa", "Kolada")],
)


def test_negative_figures_stay_numbers_in_the_swedish_csv():
    text = csv_text(SHEET)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[1] == ["'=Växjö", "72,5", "-1,5"]
    assert rows[2] == ["Kalmar", "80", "-3"]
    assert rows[-1] == ["Källa", "Kolada"]


def test_negative_figures_are_numeric_cells_in_the_xlsx():
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes([SHEET]))).worksheets[0]
    assert sheet["C2"].value == -1.5 and sheet["C2"].data_type == "n"
    assert sheet["A2"].value == "'=Växjö"
