"""The Analys table as files a Swedish quality lead opens (issue 14, item 3): the Swedish CSV
parses the way Swedish Excel reads it, the machine CSV keeps English keys and full precision,
the XLSX has numeric cells, no number is ever text, and a before/after file carries the
"change, not effect" caveat (item 7)."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from insyn.clients.models import Provider
from tests.analytics.factories import populate

COMPARE = "programme=vux&variable=days&mode=compare&before=before&after=after&by1=provider"


def sv_number(text: str) -> float:
    """What Swedish Excel makes of a cell: "1,5" is 1.5; anything else is not a number."""
    return float(text.replace(",", "."))


@pytest.fixture
def quality_lead(tree, design, staff, login):
    populate(tree, design, n=60, seed=2, units=[tree.vux_unit])
    Provider.objects.filter(code="own").update(name="=SUM(A1)")
    return login(staff.quality_lead)


def get(client, fmt: str):
    response = client.get(f"{reverse('analytics:export')}?{COMPARE}&format={fmt}")
    assert response.status_code == 200
    return response


def check_swedish_csv(quality_lead):
    response = get(quality_lead, "csv-sv")
    assert response["Content-Disposition"].endswith('-sv.csv"')
    raw = response.content.decode("utf-8")
    assert raw.startswith("\ufeff")  # UTF-8 with BOM: å, ä, ö intact
    lines = raw.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("# ") and "inte effekten" in lines[0]  # the caveat (item 7)
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[1:])), delimiter=";"))
    header = list(rows[0])
    assert header[0] == "Utförare"
    for swedish in ("Par (värde före och efter)", "Genomsnittlig förändring", "Dold (liten grupp)"):
        assert swedish in header
    assert "mean_change" not in header and "n" not in header
    key = "Genomsnittlig förändring"
    change = [sv_number(r[key]) for r in rows if r[key]]
    assert change and any(v < 0 for v in change)  # a negative number is a number, not "'-2,3"
    assert all(v == round(v, 1) for v in change)  # rounded as the page rounds (one decimal)
    cells = [cell for r in rows for cell in r.values()]
    assert not any(cell.startswith(("'-", "'0")) for cell in cells)
    assert {r["Utförare"] for r in rows} >= {"'=SUM(A1)", "Alla"}  # text escaped, names not codes
    assert {r["Dold (liten grupp)"] for r in rows} <= {"ja", "nej"}


def check_machine_csv(quality_lead):
    response = get(quality_lead, "csv")
    text = response.content.decode("utf-8")
    assert not text.startswith("\ufeff")
    lines = text.splitlines()
    assert lines[0].startswith("# ") and "#" not in lines[1]
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[1:]))))
    assert list(rows[0])[:2] == ["provider", "n"] and "mean_change" in rows[0]
    changes = [r["mean_change"] for r in rows if r["mean_change"]]
    assert any(c.startswith("-") for c in changes)  # not "'-…"
    assert all(float(c) == float(c) for c in changes)  # every one parses as a number
    assert any(len(c.split(".")[-1]) > 1 for c in changes)  # not rounded for machines
    assert {r["provider"] for r in rows} >= {"own", "(all)"}


def check_xlsx(quality_lead):
    book = openpyxl.load_workbook(io.BytesIO(get(quality_lead, "xlsx").content))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[0] == "Utförare" and "Genomsnittlig förändring" in header
    col = header.index("Genomsnittlig förändring") + 1
    cells = [sheet.cell(row=r, column=col) for r in range(2, sheet.max_row + 1)]
    filled = [c for c in cells if c.value is not None]
    assert filled and all(c.data_type == "n" for c in filled)
    assert any(c.value < 0 for c in filled)
    assert all(c.number_format == "0.0" for c in filled)
    about = list(book.worksheets[-1].iter_rows(values_only=True))
    assert any("inte effekten" in str(r[1]) for r in about)


def test_the_page_offers_three_files_that_open_right(quality_lead):
    """One data set for every check (building it is the cost): the page links, then each file."""
    html = quality_lead.get(f"{reverse('analytics:index')}?{COMPARE}").content.decode()
    for fmt in ("csv-sv", "xlsx", "csv"):
        assert f"format={fmt}" in html
    assert "CSV för svenska Excel" in html
    check_swedish_csv(quality_lead)
    check_machine_csv(quality_lead)
    check_xlsx(quality_lead)
    response = quality_lead.get(f"{reverse('analytics:export')}?{COMPARE}&format=ods")
    assert response.status_code == 404
