"""The audit log as files (issue 14, item 3): the page offers the Swedish CSV, XLSX and the
machine CSV; the Swedish CSV is split by Swedish Excel with Swedish headers, ids stay numbers
and text that looks like a formula is escaped. Which values show is not decided here."""

from __future__ import annotations

import csv
import io

import openpyxl
from django.urls import reverse

from insyn.core.audit import record_access
from insyn.core.models import AccessEntry


def _seed(tree, staff):
    for client_id, purpose in ((42, "=SUM(A1)"), (42, "-uppföljning")):
        record_access(
            actor=staff.case_worker,
            action="view",
            model=AccessEntry,
            client_id=client_id,
            purpose=purpose,
            org_path=tree.vux_unit.path,
        )


def test_audit_page_offers_three_files(login, tree, staff):
    _seed(tree, staff)
    html = (
        login(staff.quality_lead)
        .get(reverse("core:audit"), {"actor": staff.case_worker.username})
        .content.decode()
    )
    for fmt in ("csv-sv", "xlsx", "csv"):
        assert f"format={fmt}" in html


def test_swedish_csv_of_the_audit_log(login, tree, staff):
    _seed(tree, staff)
    c = login(staff.quality_lead)
    response = c.get(
        reverse("core:audit_export"), {"actor": staff.case_worker.username, "format": "csv-sv"}
    )
    raw = b"".join(response.streaming_content).decode("utf-8")
    assert raw.startswith("\ufeff")
    assert response["Content-Disposition"].endswith('-sv.csv"')
    rows = list(csv.DictReader(io.StringIO(raw.lstrip("\ufeff")), delimiter=";"))
    assert list(rows[0])[:3] == ["Tid", "Användare", "Förfrågan"]
    assert {r["Klient-id"] for r in rows} == {"42"}  # a number, not text
    assert {r["Syfte"] for r in rows} == {"'=SUM(A1)", "'-uppföljning"}  # text escaped
    assert AccessEntry.objects.filter(actor=staff.quality_lead, action="export").exists()


def test_xlsx_and_machine_csv_of_the_audit_log(login, tree, staff):
    _seed(tree, staff)
    c = login(staff.quality_lead)
    response = c.get(
        reverse("core:audit_export"), {"actor": staff.case_worker.username, "format": "xlsx"}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header[:2] == ["Tid", "Användare"]
    ids = [sheet.cell(row=r, column=header.index("Klient-id") + 1) for r in (2, 3)]
    assert [cell.value for cell in ids] == [42, 42] and {cell.data_type for cell in ids} == {"n"}
    response = c.get(
        reverse("core:audit_export"), {"actor": staff.case_worker.username, "format": "csv"}
    )
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert list(rows[0])[:3] == ["time", "user", "request"] and rows[0]["client_id"] == "42"
    assert (
        c.get(
            reverse("core:audit_export"), {"actor": staff.case_worker.username, "format": "ods"}
        ).status_code
        == 404
    )
