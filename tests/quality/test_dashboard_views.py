"""The quality dashboard page, its charts and the yearly statistics files, as users see them."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from insyn.core.models import AccessEntry
from insyn.core.roles import Role
from insyn.quality.models import Deviation, DeviationCategory
from tests.factories import user_with_role
from tests.quality import factories as f

URL = "/quality/"


@pytest.fixture
def rows(tree, staff, catalogues, officer):
    r = staff.case_worker
    f.deviation(tree.vux_unit, r, reported_at=f.local(2025, 12, 31, 23, 30))
    f.deviation(tree.bof_unit, r, reported_at=f.local(2025, 6, 1), category="bemotande")
    f.deviation(tree.bof_unit, r, reported_at=f.local(2026, 1, 1, 0, 10))
    evil = DeviationCategory.objects.create(code="evil", name="=HYPERLINK(1)", sort_order=1)
    f.deviation(tree.vux_unit, r, reported_at=f.local(2025, 3, 1), category=evil.code)
    f.deviation(tree.kalmar_unit, staff.kalmar_case_worker, reported_at=f.local(2025, 3, 1))
    report = f.lex_sarah(
        tree.bof_unit,
        r,
        reported_at=timezone.now(),
        state="registered",
        registered_on=timezone.localdate(),
        diary_number="LS 2026/42",
    )
    complaint = f.complaint(tree.vux_unit, received_on=timezone.localdate())
    return {"report": report, "complaint": complaint}


def _expected_deviations_2025(tree) -> int:
    return sum(
        timezone.localtime(d.reported_at).year == 2025
        for d in Deviation.objects.filter(unit__path__startswith=tree.vaxjo.path)
    )


def test_quality_lead_sees_cards_lex_sarah_and_the_year(rows, login, staff, tree):
    response = login(staff.quality_lead).get(URL + "?year=2025", HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="lex-heading"' in page and "LS 2026/42" in page
    assert rows["complaint"].receipt_number in page
    assert 'id="stats-deviations_by_category"' in page
    assert reverse("quality:dashboard_chart", args=["ages"]) in page
    assert 'alt="' in page and 'aria-describedby="ages-table"' in page
    assert "Kvalitet" in page  # the navigation item, in Swedish
    entries = AccessEntry.objects.filter(actor=staff.quality_lead, action="list")
    named = set(entries.values_list("object_type", "object_id"))
    assert ("quality.lexsarahreport", str(rows["report"].pk)) in named
    assert ("quality.complaint", str(rows["complaint"].pk)) in named


def test_unit_manager_sees_no_lex_sarah_figure(rows, login, staff):
    page = login(staff.unit_manager).get(URL + "?year=2025").content.decode()
    assert 'id="lex-heading"' not in page
    assert "LS 2026/42" not in page
    assert 'id="stats-lex_sarah"' not in page


def test_case_worker_has_no_dashboard(rows, login, staff):
    client = login(staff.case_worker)
    assert client.get(URL).status_code == 404
    assert client.get(URL + "statistics.csv?year=2025").status_code == 404
    assert 'href="/quality/"' not in client.get("/").content.decode()


@pytest.mark.parametrize(
    "query",
    ["unit={kalmar_unit}", "municipality=0880", "unit=abc", "unit=999999", "municipality=9999"],
)
def test_out_of_scope_filters_are_404(rows, login, staff, tree, query):
    q = query.format(kalmar_unit=tree.kalmar_unit.pk)
    client = login(staff.quality_lead)
    assert client.get(f"{URL}?{q}").status_code == 404
    assert client.get(f"{URL}statistics.csv?year=2025&{q}").status_code == 404
    assert client.get(f"{URL}charts/ages.svg?{q}").status_code == 404


def test_kalmar_sees_nothing_of_vaxjo(rows, login, tree):
    kalmar_lead = user_with_role(Role.QUALITY_LEAD, tree.kalmar, username="kq")
    client = login(kalmar_lead)
    page = client.get(URL + "?year=2025").content.decode()
    assert "LS 2026/42" not in page and rows["complaint"].receipt_number not in page
    assert client.get(URL + "?municipality=0780").status_code == 404
    assert client.get(URL + f"?unit={tree.vux_unit.pk}").status_code == 404
    body = client.get(URL + "statistics.csv?year=2025&municipality=0880")
    lines = list(csv.DictReader(io.StringIO(b"".join(body.streaming_content).decode("utf-8-sig"))))
    total = next(r for r in lines if r["section"] == "deviations_by_category" and r["key"] == "all")
    assert total["value"] == "1"


def test_a_bad_year_gets_a_message_and_the_page_still_shows(rows, login, staff):
    client = login(staff.quality_lead)
    response = client.get(URL + "?year=20x5", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'aria-invalid="true"' in page and "four digits" in page
    download = client.get(URL + "statistics.xlsx?year=1899", HTTP_ACCEPT_LANGUAGE="en")
    assert download.status_code == 400 and b"between" in download.content
    assert client.get(URL + "statistics.pdf?year=2025").status_code == 404


def test_csv_download_says_source_and_period_and_is_formula_safe(rows, login, staff, tree):
    response = login(staff.quality_lead).get(URL + "statistics.csv?year=2025")
    assert response.status_code == 200
    assert 'filename="kvalitetsstatistik-0780-2025.csv"' in response["Content-Disposition"]
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    lines = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    about = {r["key"]: r["label"] for r in lines if r["section"] == "about"}
    assert "Växjö" in about["source"]
    assert about["period_start"] == "2025-01-01" and about["period_end"] == "2025-12-31"
    total = next(r for r in lines if r["section"] == "deviations_by_category" and r["key"] == "all")
    assert int(total["value"]) == _expected_deviations_2025(tree) == 3
    evil = next(r for r in lines if r["key"] == "evil")
    assert evil["label"] == "'=HYPERLINK(1)" and evil["value"] == "1"
    assert any(r["section"] == "lex_sarah" for r in lines)


def test_xlsx_download_opens_with_the_figures_and_an_about_sheet(rows, login, staff, tree):
    response = login(staff.unit_manager).get(URL + "statistics.xlsx?year=2025")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    figures, about = book.worksheets
    header = [c.value for c in figures[1]]
    assert header == ["section", "key", "label", "value", "suppressed"]
    data = [[c.value for c in row] for row in figures.iter_rows(min_row=2)]
    by = {(r[0], r[1]): r for r in data}
    vux_2025 = sum(
        timezone.localtime(d.reported_at).year == 2025
        for d in Deviation.objects.filter(unit=tree.vux_unit)
    )
    assert by[("deviations_by_unit", "all")][3] == vux_2025 == 2
    assert by[("deviations_by_category", "evil")][2] == "'=HYPERLINK(1)"
    assert not any(r[0] == "lex_sarah" for r in data)  # the unit manager: no lex Sarah
    info = {row[0].value: row[1].value for row in about.iter_rows()}
    assert info["period_start"] == "2025-01-01" and info["year"] == "2025"
    assert "Växjö" in info["source"]


@pytest.mark.parametrize("kind", ["ages", "months", "categories"])
def test_charts_are_svg_images(rows, login, staff, kind):
    response = login(staff.quality_lead).get(reverse("quality:dashboard_chart", args=[kind]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.lstrip().startswith(b"<svg")


def test_unknown_chart_is_404(rows, login, staff):
    assert login(staff.quality_lead).get(URL + "charts/secret.svg").status_code == 404


def test_empty_municipality_renders(tree, staff, catalogues, login):
    response = login(staff.quality_lead).get(URL)
    assert response.status_code == 200
    assert str(dt.date.today().year) in response.content.decode()


def test_small_client_cells_are_hidden_on_the_page(tree, staff, catalogues, login, settings):
    from tests.clients.factories import client as make_client

    settings.INSYN_MIN_CELL = 5
    person = make_client(tree.vux_unit, client_ref="p1")
    f.deviation(tree.vux_unit, staff.case_worker, reported_at=f.local(2025, 4, 4), client=person)
    response = login(staff.quality_lead).get(URL + "?year=2025", HTTP_ACCEPT_LANGUAGE="sv")
    page = response.content.decode()
    section = page.split('id="stats-client_deviations_by_unit_month"')[1].split("</table>")[0]
    assert section.count("suppressed") == 4 and "Dolt: för få personer." in section
    assert ">1<" not in section  # the one deviation's count is not shown anywhere in it
