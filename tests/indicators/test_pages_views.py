"""The key-figure pages through the Django client: who sees them, bad input, the table
alternative against the chart data, and the colours against an independent computation."""

from __future__ import annotations

import csv
import io
import math
from typing import Any

import numpy as np
import pytest
from openpyxl import load_workbook
from scipy.stats import norm

from insyn.indicators.models import Indicator
from insyn.indicators.selectors import page_data, page_tables
from insyn.organisations.models import OrgUnit
from tests.indicators import pages_factories as pf
from tests.indicators.pages_factories import Built

pytestmark = pytest.mark.django_db

URL = "/indicators/"


@pytest.fixture
def built(tree: Any) -> Built:
    return pf.build()


def test_overview_shows_tiles_with_value_change_colour_and_source(
    login: Any, staff: Any, built: Any
) -> None:
    response = login(staff.quality_lead).get(URL, {"year": "2024"})
    assert response.status_code == 200
    html = response.content.decode()
    assert built.indicator.title in html
    assert "80 %" in html
    assert "+2 % sedan 2023 (bättre)" in html
    assert "Bästa kvartilen i gruppen" in html  # the colour in words
    assert "Källa: Kolada" in html
    assert "Egen bearbetning av data från Kolada" in html
    assert 'src="data:image/svg+xml;base64,' in html  # the sparkline


def test_overview_is_in_the_menu_and_open_to_case_workers(
    login: Any, staff: Any, built: Any
) -> None:
    response = login(staff.case_worker).get(URL)
    assert response.status_code == 200
    assert 'href="/indicators/"' in response.content.decode()
    assert "Nyckeltal" in response.content.decode()


def test_anonymous_is_sent_to_login(client: Any, built: Any) -> None:
    response = client.get(URL)
    assert response.status_code == 302


def test_municipality_outside_scope_and_unknown_are_404(login: Any, staff: Any, built: Any) -> None:
    client = login(staff.quality_lead)
    assert client.get(URL, {"municipality": "0880"}).status_code == 404
    assert client.get(URL, {"municipality": "9999"}).status_code == 404
    assert client.get(URL + "U31462/", {"municipality": "0880"}).status_code == 404


def test_unknown_indicator_is_404(login: Any, staff: Any, built: Any) -> None:
    assert login(staff.quality_lead).get(URL + "NOPE/").status_code == 404
    assert login(staff.quality_lead).get(URL + "U31462/figures.pdf").status_code == 404


@pytest.mark.parametrize("year", ["abc", "1850", "2999", "２０２４"])
def test_bad_year_gets_a_message_not_an_error(
    login: Any, staff: Any, built: Any, year: Any
) -> None:
    response = login(staff.quality_lead).get(URL, {"year": year})
    assert response.status_code == 200
    assert 'id="year-error"' in response.content.decode()


def test_filters_narrow_the_tiles(login: Any, staff: Any, built: Any) -> None:
    client = login(staff.quality_lead)
    html = client.get(URL, {"year": "2024", "source": "computed"}).content.decode()
    assert built.indicator.title not in html
    html = client.get(URL, {"year": "2024", "type": "outcome", "area": "nonsense"}).content
    assert built.indicator.title in html.decode()


def test_indicator_page_definition_group_and_funnel(login: Any, staff: Any, built: Any) -> None:
    response = login(staff.quality_lead).get(URL + "U31462/", {"year": "2024", "mode": "honest"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Liknande kommuner IFO, Växjö, 2024" in html
    assert "Kolada beskriver nyckeltalet." in html  # Kolada's description
    assert "U31462" in html
    assert "Trattdiagram" in html
    assert "Vad färgerna betyder" in html
    assert "inte säger något om" in html  # Kolada's warning written out
    assert html.count("data:image/svg+xml;base64,") == 3  # series, bars, funnel


def test_group_from_another_year_is_refused_with_a_message(
    login: Any, staff: Any, built: Any
) -> None:
    client = login(staff.quality_lead)
    response = client.get(URL + "U31462/", {"year": "2023", "against": "group:G99999"})
    assert response.status_code == 400
    assert "2024" in response.content.decode()
    assert client.get(URL + "U31462/", {"against": "group:G00000"}).status_code == 400
    assert client.get(URL + "U31462/", {"against": "nonsense"}).status_code == 400
    assert client.get(URL + "U31462/figures.csv", {"against": "nonsense"}).status_code == 400


def staff_municipality(staff: Any) -> OrgUnit:
    return OrgUnit.objects.get(code="0780", kind="municipality")


def test_table_alternative_holds_the_chart_numbers(login: Any, staff: Any, built: Any) -> None:
    page = page_data.indicator_page(
        staff.quality_lead, built.indicator, staff_municipality(staff), 2024
    )
    bars = [m.value for m in page.comparison.members if m.value is not None]  # the bar data
    html = login(staff.quality_lead).get(URL + "U31462/", {"year": "2024"}).content.decode()
    table = html.split('id="group-table"')[1].split("</table>")[0]
    assert bars == [80.0, 74.0, 72.5, 70.0, 60.0]
    cells = [c.split(">")[-1] for c in table.split("</td>") if 'class="num">' in c]
    for value in bars:
        assert page_data.fmt(value, "percent") in cells
    series_table = html.split('id="series-table"')[1].split("</table>")[0]
    for point in page.points:
        assert page_data.fmt(point.value, "percent") in series_table
        assert page_data.fmt(point.riket, "percent") in series_table


def test_quartiles_and_funnel_match_an_independent_computation(staff: Any, built: Any) -> None:
    vaxjo = staff_municipality(staff)
    honest = page_data.indicator_page(
        staff.quality_lead, built.indicator, vaxjo, 2024, mode="honest"
    )
    context = page_tables.page_context(honest)
    members = [g for g in pf.GROUP if g[0] != "0780"]
    num = sum(round(v * d / 100) for _c, _n, v, d in members)
    den = sum(d for *_r, d in members)
    p0 = num / den
    assert honest.comparison.reference == pytest.approx(100 * p0)
    z = norm.ppf(0.975)
    se = math.sqrt(p0 * (1 - p0) / 400)
    low, high = 100 * (p0 - z * se), 100 * (p0 + z * se)
    row = next(r for r in context["group_rows"] if r["is_subject"])
    assert row["limits95"] == f"{page_data.fmt(low)}–{page_data.fmt(high)}"
    assert high < 80 and row["colour"] == "green"  # outside the funnel, higher is better
    ranked = page_tables.page_context(
        page_data.indicator_page(staff.quality_lead, built.indicator, vaxjo, 2024)
    )
    values = {c: v for c, _n, v, _d in pf.GROUP}
    q1, q3 = np.percentile(list(values.values()), [25, 75])
    expected = {
        c: "green" if v >= q3 else ("red" if v <= q1 else "yellow") for c, v in values.items()
    }
    names = {c: n for c, n, _v, _d in pf.GROUP}
    got = {r["name"]: r["colour"] for r in ranked["group_rows"]}
    assert got == {names[c]: colour for c, colour in expected.items()}


def test_lower_is_better_turns_the_colours(tree: Any, staff: Any) -> None:
    built = pf.build(key="U31402", direction=Indicator.Direction.LOWER, unit="days")
    page = page_data.indicator_page(
        staff.quality_lead, built.indicator, staff_municipality(staff), 2024
    )
    colours = {m.area: m.colour for m in page.comparison.members}
    assert colours["0880"] == "green" and colours["0780"] == "red"


def test_csv_opens_in_swedish_excel(login: Any, staff: Any, built: Any) -> None:
    response = login(staff.quality_lead).get(URL + "U31462/figures.csv", {"year": "2024"})
    assert response.status_code == 200
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:4] == ["Tabell", "Område", "Kod", "År"]
    values = [r[5] for r in rows[1:] if len(r) > 5]
    assert "72,5" in values and "72.5" not in text
    about = {r[0]: r[1] for r in rows if len(r) == 2}
    assert about["Period"] == "2024"
    assert "Källa: Kolada" in about["Källa"]
    assert "Egen bearbetning av data från Kolada" in about["Källa"]


def test_xlsx_opens_with_openpyxl(login: Any, staff: Any, built: Any) -> None:
    response = login(staff.quality_lead).get(URL + "U31462/figures.xlsx", {"year": "2024"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    values = [row[5] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert 72.5 in values
    about = list(book.worksheets[-1].iter_rows(values_only=True))
    assert any("Källa: Kolada" in str(r[1]) for r in about)


def test_own_computed_figure_only_for_those_who_see_the_municipality(
    login: Any, staff: Any, tree: Any, built: Any
) -> None:
    indicator = Indicator.objects.create(
        key="reakt-13-20",
        title="Återaktualisering 13–20 år",
        source="computed",
        unit="percent",
        direction="higher",
        numerator="Ej återaktualiserade",
        denominator="Avslutade utredningar",
    )
    built.areas["0780"].org_unit = tree.vaxjo
    built.areas["0780"].save()
    pf.computed_value(indicator, tree.vaxjo, 2024, 91.5)
    html = login(staff.analyst).get(URL, {"year": "2024"}).content.decode()
    assert "91,5 %" in html
    assert "Beräknat av insyn" in html
    html = login(staff.case_worker).get(URL, {"year": "2024"}).content.decode()
    assert "91,5 %" not in html
    page = login(staff.analyst).get(URL + "reakt-13-20/", {"year": "2024"}).content.decode()
    assert "Avslutade utredningar" in page
    assert "91,5 %" in page


def test_compare_page_and_its_downloads(login: Any, staff: Any, built: Any) -> None:
    client = login(staff.quality_lead)
    query = {
        "year": "2024",
        "indicator": ["U31462"],
        "area": ["0780", "0880", "1280", "1480", "0000"],
    }
    response = client.get(URL + "compare/", query)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kalmar" in html and "Riket" in html and "Göteborg" in html
    assert "Bästa kvartilen i gruppen" in html
    text = client.get(URL + "compare/figures.csv", query).content.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[1][:3] == ["Växjö", "0780", "80"]
    book = load_workbook(io.BytesIO(client.get(URL + "compare/figures.xlsx", query).content))
    assert book.worksheets[0]["C2"].value == 80


def test_compare_page_unknown_area_or_indicator_is_a_message(
    login: Any, staff: Any, built: Any
) -> None:
    client = login(staff.quality_lead)
    response = client.get(URL + "compare/", {"area": ["0780", "9999"]})
    assert response.status_code == 400
    assert "9999" in response.content.decode()
    response = client.get(URL + "compare/", {"indicator": ["NOPE"]})
    assert response.status_code == 400
    assert "NOPE" in response.content.decode()
