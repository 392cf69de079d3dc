"""Survey results as files (issue 14, item 3): the results page offers the Swedish CSV, XLSX and
the machine CSV; the Swedish CSV opens in Swedish Excel with Swedish headers and names and the
page's rounding, and the XLSX has numeric cells."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from insyn.surveys.services.responses import response_enter
from tests.surveys.factories import placement, provider, response_for

QUERY = {"questionnaire": "placering-barn-unga", "by": "role"}


@pytest.fixture
def quality_lead(surveys, tree, staff, login):
    home = provider("Björkgården HVB")
    for answer in (4, 5, 4, 5, 4, 2, 3, 2, 3, 1):  # mean 3.3, five of ten positive
        o = placement(surveys.programme, tree.vux_unit, care_home=home)
        response_enter(
            actor=None,
            response=response_for(o, "child"),
            draft={"barn_helhet": str(answer)},
            mode="dialog",
        )
    return login(staff.quality_lead)


def export(client, fmt):
    response = client.get(reverse("surveys:results_export"), {**QUERY, "format": fmt})
    assert response.status_code == 200
    return response


def test_results_files(quality_lead):
    page = quality_lead.get(reverse("surveys:results"), QUERY)
    html = page.content.decode()
    for fmt in ("csv-sv", "xlsx", "csv"):
        assert f"format={fmt}" in html

    raw = export(quality_lead, "csv-sv").content.decode("utf-8")
    assert raw.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(raw.lstrip("\ufeff")), delimiter=";"))
    assert list(rows[0])[:5] == [
        "Fråga",
        "Svarande",
        "Antal svar",
        "Medelvärde",
        "Andel positiva (%)",
    ]
    child = next(r for r in rows if r["Svarande"] == "Barn eller ungdom")
    assert child["Antal svar"] == "10"
    assert child["Medelvärde"] == "3,30"  # two decimals, as on the page
    assert child["Andel positiva (%)"] == "50"  # 4–5 on the scale, in per cent
    assert child["Dold (få svar)"] == "nej"
    assert "barn_helhet" not in child["Fråga"]  # the question's text, not its key

    machine = list(csv.DictReader(io.StringIO(export(quality_lead, "csv").content.decode())))
    assert list(machine[0])[:3] == ["question", "role", "n"]
    row = next(r for r in machine if r["question"] == "barn_helhet" and r["role"] == "child")
    assert float(row["mean"]) == pytest.approx(3.3) and row["share_positive"] == "0.5"

    sheet = openpyxl.load_workbook(io.BytesIO(export(quality_lead, "xlsx").content)).worksheets[0]
    header = [c.value for c in sheet[1]]
    mean = header.index("Medelvärde") + 1
    cells = [sheet.cell(row=r, column=mean) for r in range(2, sheet.max_row + 1)]
    filled = [c for c in cells if c.value is not None]
    assert filled and {c.data_type for c in filled} == {"n"}
    assert (
        quality_lead.get(reverse("surveys:results_export"), {**QUERY, "format": "ods"}).status_code
        == 404
    )
