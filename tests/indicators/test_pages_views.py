"""The key-figure pages through the Django client: who sees them, bad input, the table
alternative against the chart data, and the colours against an independent computation."""

from __future__ import annotations

import csv
import io
import math

import pytest
from openpyxl import load_workbook
from scipy.stats import norm

from insyn.indicators.models import Indicator
from insyn.indicators.selectors import page_compare as pc
from insyn.indicators.selectors import page_data, page_tables
from tests.indicators import pages_factories as pf

pytestmark = pytest.mark.django_db

URL = "/indicators/"


@pytest.fixture
def built(tree):
    return pf.build()


def test_overview_shows_tiles_with_value_change_colour_and_source(login, staff, built):
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


def test_overview_is_in_the_menu_and_open_to_case_workers(login, staff, built):
    response = login(staff.case_worker).get(URL)
    assert response.status_code == 200
    assert 'href="/indicators/"' in response.content.decode()
    assert "Nyckeltal" in response.content.decode()


def test_anonymous_is_sent_to_login(client, built):
    response = client.get(URL)
    assert response.status_code == 302


def test_municipality_outside_scope_and_unknown_are_404(login, staff, built):
    client = login(staff.quality_lead)
    assert client.get(URL, {"municipality": "0880"}).status_code == 404
    assert client.get(URL, {"municipality": "9999"}).status_code == 404
    assert client.get(URL + "U31462/", {"municipality": "0880"}).status_code == 404


def test_unknown_indicator_is_404(login, staff, built):
    assert login(staff.quality_lead).get(URL + "NOPE/").status_code == 404
    assert login(staff.quality_lead).get(URL + "U31462/figures.pdf").status_code == 404


@pytest.mark.parametrize("year", ["abc", "1850", "2999", "２０２４"])
def test_bad_year_gets_a_message_not_an_error(login, staff, built, year):
    response = login(staff.quality_lead).get(URL, {"year": year})
    assert response.status_code == 200
    assert 'id="year-error"' in response.content.decode()


def test_filters_narrow_the_tiles(login, staff, built):
    client = login(staff.quality_lead)
    html = client.get(URL, {"year": "2024", "source": "computed"}).content.decode()
    assert built.indicator.title not in html
    html = client.get(URL, {"year": "2024", "type": "outcome", "area": "nonsense"}).content
    assert built.indicator.title in html.decode()


def test_indicator_page_definition_group_and_funnel(login, staff, built):
    response = login(staff.quality_lead).get(
        URL + "U31462/", {"year": "2024", "mode": "honest"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Liknande kommuner IFO, Växjö, 2024" in html
    assert "Kolada beskriver nyckeltalet." in html  # Kolada's description
    assert "U31462" in html
    assert "Trattdiagram" in html
    assert "Vad färgerna betyder" in html
    assert "inte säger något om" in html  # Kolada's warning written out
    assert html.count("data:image/svg+xml;base64,") == 3  # series, bars, funnel


def test_group_from_another_year_is_refused_with_a_message(login, staff, built):
    response = login(staff.quality_lead).get(URL + "U31462/", {"year": "2023", "group": "G99999"})
    assert response.status_code == 400
    assert "2024" in response.content.decode()
    response = login(staff.quality_lead).get(URL + "U31462/", {"group": "G00000"})
    assert response.status_code == 400


def test_table_alternative_holds_the_chart_numbers(login, staff, built):
    page = page_data.indicator_page(
        staff.quality_lead, built.indicator, staff_municipality(staff), 2024
    )
    bars = page_tables.bar_data(page)
    html = login(staff.quality_lead).get(URL + "U31462/", {"year": "2024"}).content.decode()
    table = html.split('id="group-table"')[1].split("</table>")[0]
    assert [b["value"] for b in bars] == [80.0, 74.0, 72.5, 70.0, 60.0]
    for bar in bars:
        assert page_data.fmt(bar["value"], "percent") in table
    series = page_tables.series_data(page)
    series_table = html.split('id="series-table"')[1].split("</table>")[0]
    for point in series:
        assert page_data.fmt(point["value"], "percent") in series_table


def staff_municipality(staff):
    from insyn.organisations.models import OrgUnit

    return OrgUnit.objects.get(code="0780", kind="municipality")


def test_rank_quartiles_and_funnel_match_an_independent_computation(staff, built):
    vaxjo = staff_municipality(staff)
    page = page_data.indicator_page(staff.quality_lead, built.indicator, vaxjo, 2024, mode="honest")
    comparison = page.comparison
    assert comparison is not None
    members = [g for g in pf.GROUP if g[0] != "0780"]
    num = sum(round(v * d / 100) for _c, _n, v, d in members)
    den = sum(d for *_r, d in members)
    p0 = num / den
    assert comparison.group_value == pytest.approx(100 * p0)
    z = norm.ppf(0.975)
    subject = comparison.subject
    assert subject is not None
    se = math.sqrt(p0 * (1 - p0) / 400)
    assert subject.upper == pytest.approx(100 * (p0 + z * se))
    assert subject.lower == pytest.approx(100 * (p0 - z * se))
    assert subject.colour == pc.GREEN  # 80 % is above the upper limit, higher is better
    ranked = page_data.indicator_page(staff.quality_lead, built.indicator, vaxjo, 2024)
    colours = {r.area: r.colour for r in ranked.comparison.rows}  # type: ignore[union-attr]
    # five values, best first 80, 74, 72.5, 70, 60: quarter of 5 = 1.25 → ranks 1–2 green, 5 red
    assert colours == {"0780": "green", "0180": "green", "1480": "yellow", "1280": "yellow",
                       "0880": "red"}


def test_lower_is_better_turns_the_colours(tree, staff):
    built = pf.build(key="U31402", direction=Indicator.Direction.LOWER, unit="days")
    page = page_data.indicator_page(staff.quality_lead, built.indicator, staff_municipality(staff), 2024)
    colours = {r.area: r.colour for r in page.comparison.rows}  # type: ignore[union-attr]
    assert colours["0880"] == "green" and colours["0780"] == "red"


def test_csv_opens_in_swedish_excel(login, staff, built):
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


def test_xlsx_opens_with_openpyxl(login, staff, built):
    response = login(staff.quality_lead).get(URL + "U31462/figures.xlsx", {"year": "2024"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    values = [row[5] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert 72.5 in values
    about = [r for r in book.worksheets[-1].iter_rows(values_only=True)]
    assert any("Källa: Kolada" in str(r[1]) for r in about)


def test_own_computed_figure_only_for_the_units_the_user_sees(login, staff, tree):
    indicator = Indicator.objects.create(
        key="reakt-13-20", title="Återaktualisering 13–20 år", source="computed", unit="percent",
        direction="higher", numerator="Ej återaktualiserade", denominator="Avslutade utredningar",
    )
    pf.computed_value(indicator, tree.aov, 2024, 91.5)
    html = login(staff.quality_lead).get(URL, {"year": "2024"}).content.decode()
    assert "91,5 %" in html
    assert "Beräknat av insyn" in html
    html = login(staff.case_worker).get(URL, {"year": "2024"}).content.decode()
    assert "91,5 %" not in html
    page = login(staff.quality_lead).get(URL + "reakt-13-20/", {"year": "2024"}).content.decode()
    assert "Avslutade utredningar" in page


def test_compare_page_and_its_downloads(login, staff, built):
    client = login(staff.quality_lead)
    query = {"year": "2024", "indicator": ["U31462"], "area": ["0780", "0880", "0000"]}
    response = client.get(URL + "compare/", query)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kalmar" in html and "Riket" in html and "72,5" not in html
    assert "Bästa kvartilen i gruppen" in html
    text = client.get(URL + "compare/figures.csv", query).content.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[1][:3] == ["Växjö", "0780", "80"]
    book = load_workbook(io.BytesIO(client.get(URL + "compare/figures.xlsx", query).content))
    assert book.worksheets[0]["C2"].value == 80


def test_compare_page_unknown_area_or_indicator_is_a_message(login, staff, built):
    client = login(staff.quality_lead)
    response = client.get(URL + "compare/", {"area": ["0780", "9999"]})
    assert response.status_code == 400
    assert "9999" in response.content.decode()
    response = client.get(URL + "compare/", {"indicator": ["NOPE"]})
    assert response.status_code == 400
    assert "NOPE" in response.content.decode()
