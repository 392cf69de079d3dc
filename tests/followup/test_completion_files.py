"""The completion tables as files (issue 14, item 3): the page offers the Swedish CSV, XLSX and
the machine CSV; shares are whole per cent for people and fractions for programs."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
from django.urls import reverse

from insyn.followup import services
from tests.followup.factories import enrolled

TODAY = dt.date.today()


def test_completion_files(tree, staff, login):
    done = enrolled(tree, staff, started_days_ago=10)
    enrolled(tree, staff, started_days_ago=12)  # due, open
    enrolled(tree, staff, started_days_ago=13)  # due, open
    services.occasion_record(
        actor=None,
        occasion=done.occasions.get(stage__key="before"),
        values={"audit": "1"},
        done_on=TODAY,
    )
    client = login(staff.unit_manager)
    html = client.get(reverse("followup:completion")).content.decode()
    for fmt in ("csv-sv", "xlsx", "csv"):
        assert f"format={fmt}" in html
    url = reverse("followup:completion_export")

    raw = client.get(url, {"format": "csv-sv"}).content.decode("utf-8")
    assert raw.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(raw.lstrip("\ufeff")), delimiter=";"))
    unit = next(r for r in rows if r["Tabell"] == "Per enhet")
    assert unit["Enhet eller handläggare"] == tree.vux_unit.name
    assert (unit["Skulle göras"], unit["Gjorda"], unit["Genomförandegrad (%)"]) == ("3", "1", "33")
    assert any(r["Tabell"] == "Per handläggare" for r in rows)

    machine = list(csv.DictReader(io.StringIO(client.get(url, {"format": "csv"}).content.decode())))
    unit = next(r for r in machine if r["level"] == "unit")
    assert float(unit["completion"]) == 1 / 3 and unit["due"] == "3"

    book = openpyxl.load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]][2] == "Skulle göras"
    assert [c.data_type for c in sheet[2][2:7]] == ["n"] * 5
    assert sheet.cell(row=2, column=7).value == 33
    assert client.get(url, {"format": "ods"}).status_code == 404
    assert login(staff.case_worker).get(url, {"format": "csv"}).status_code == 404
