"""Charts of a comparison (SVG with an accessible title, table data beside each) and the
demo's synthetic comparison values (deterministic, plausible, never Kolada, never over a
real Kolada value)."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from insyn.indicators import charts, demo_compare
from insyn.indicators.models import PROVENANCE_SYNTHETIC, Indicator, IndicatorValue
from insyn.indicators.selectors import comparison as c
from tests.indicators import compare_factories as f
from tests.indicators.test_compare_selector import build_shares

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


def title_of(svg: str) -> str:
    root = ET.fromstring(svg)
    first = root.find(f"{SVG}title")
    assert first is not None
    return first.text or ""


def test_ranked_bar_funnel_series_and_sparkline_are_svg_with_titles() -> None:
    build_shares()
    ind = f.indicator()
    f.share(ind, "0780", 2023, 150, 200)
    with translation.override("sv"):
        result = c.compare(None, ind, "0780", year=2024)
        bars = charts.ranked_bar_svg(result)
        funnel = charts.funnel_svg(result)
        points = c.series(None, ind, "0780", years=[2023, 2024])
        line = charts.series_svg(points, title="Serie", subject="Växjö")
        spark = charts.sparkline_svg([(2023, 75.0), (2024, 80.0)], title="Trend")
    assert "2024" in title_of(bars) and "Liknande kommuner" in title_of(bars)
    assert "tratt" in title_of(funnel).lower()
    assert title_of(line) == "Serie" and title_of(spark) == "Trend"
    assert "Växjö" in bars and "Växjö" in line


def test_tables_beside_the_charts() -> None:
    build_shares()
    result = c.compare(None, f.indicator(), "0780", year=2024)
    header, rows = charts.ranked_table(result)
    assert len(rows) == 8 and len(header) == len(rows[0])
    header, rows = charts.funnel_table(result)
    assert len(rows) == 8 and all("–" in r[3] for r in rows)
    assert charts.number(1234.5) == "1 234,5" and charts.number(-2.0) == "−2,0"
    assert charts.number(None) == "–"


def test_no_funnel_chart_for_days() -> None:
    f.world()
    ind = f.indicator("U31402", unit="days", direction="lower")
    f.value(ind, "0780", 2024, 12.0)
    result = c.compare(None, ind, "0780", year=2024)
    assert charts.funnel_svg(result) == "" and charts.funnel_table(result)[1] == []


def test_demo_values_are_synthetic_deterministic_and_leave_kolada_alone() -> None:
    group = f.world()
    ifo = "Individ- och familjeomsorg"
    kpi = f.indicator("U31462", operating_area=ifo)
    days = f.indicator("U31402", unit="days", direction="lower", operating_area=ifo)
    real = f.indicator("U33401", unit="days", direction="lower", operating_area=ifo)
    f.value(real, "0780", 2024, 99.0, source=IndicatorValue.Source.KOLADA)
    computed = f.indicator("utredningstid_over_4_man", source="computed", direction="lower")
    assert {i.key for i in demo_compare.demo_indicators()} == {kpi.key, days.key, computed.key}
    demo_compare.load(io.StringIO())
    first = sorted(
        IndicatorValue.objects.filter(source="synthetic").values_list(
            "indicator__key", "municipality_id", "year", "sex", "value", "numerator", "denominator"
        )
    )
    demo_compare.load(io.StringIO())  # again: the same values, nothing doubled
    again = sorted(
        IndicatorValue.objects.filter(source="synthetic").values_list(
            "indicator__key", "municipality_id", "year", "sex", "value", "numerator", "denominator"
        )
    )
    assert first == again
    areas = {"0780", "0000", *group.members.values_list("id", flat=True)}
    assert {row[1] for row in first} == areas
    assert {row[2] for row in first} == set(demo_compare.YEARS)
    assert IndicatorValue.objects.filter(indicator=real, source="synthetic").count() == 0
    for row in IndicatorValue.objects.filter(source="synthetic"):
        assert row.provenance == PROVENANCE_SYNTHETIC and row.snapshot_id is None
        if row.indicator.unit == Indicator.Unit.PERCENT:
            assert row.denominator and row.numerator is not None
            assert 0 <= row.numerator <= row.denominator
            assert row.value == pytest.approx(100 * row.numerator / row.denominator, abs=0.051)
            assert 0 <= row.value <= 100
        else:
            assert 0 <= row.value < 200
    total = IndicatorValue.objects.get(indicator=kpi, municipality="0780", year=2024, sex="T")
    women = IndicatorValue.objects.get(indicator=kpi, municipality="0780", year=2024, sex="K")
    men = IndicatorValue.objects.get(indicator=kpi, municipality="0780", year=2024, sex="M")
    assert total.denominator == (women.denominator or 0) + (men.denominator or 0)
    assert total.numerator == (women.numerator or 0) + (men.numerator or 0)
    result = c.compare(None, kpi, "0780", year=2024)
    assert result.funnel is not None and all(m.value is not None for m in result.members)
