"""The shipped Kolada copy, the comparison groups it yields, the indicator catalogue and the
demo step. Expectations are computed from the shipped JSON, not from the importer."""

from __future__ import annotations

import gzip
import io
import json
from importlib import resources
from typing import Any

import pytest
import yaml

from insyn.core.catalogue_loader import load_catalogues
from insyn.indicators import demo
from insyn.indicators.kolada import importer
from insyn.indicators.models import (
    ComparisonGroup,
    Indicator,
    IndicatorValue,
    KoladaKpi,
    KoladaMunicipality,
    KoladaSnapshot,
)
from insyn.indicators.selectors import groups as group_selectors

pytestmark = pytest.mark.django_db
FIXTURES = resources.files("insyn.indicators").joinpath("fixtures")


def shipped(name: str) -> list[dict[str, Any]]:
    with gzip.open(str(FIXTURES.joinpath(f"kolada/{name}.json.gz")), "rt", encoding="utf-8") as fh:
        rows: list[dict[str, Any]] = json.load(fh)["values"]
    return rows


def test_the_shipped_copy_loads_with_groups_by_year() -> None:
    snapshot = importer.run(importer.read_files(importer.shipped_files()), source="file")
    areas, groups, kpis = shipped("municipality"), shipped("municipality_groups"), shipped("kpi")
    values = [v for row in shipped("data_sample") for v in row["values"] if v["value"] is not None]
    assert KoladaMunicipality.objects.count() == len(areas) == snapshot.municipalities
    assert ComparisonGroup.objects.exclude(kind__in=["county", "nation"]).count() == len(groups)
    assert snapshot.groups == len(groups)
    assert KoladaKpi.objects.count() == len(kpis) == snapshot.kpis
    assert IndicatorValue.objects.count() == len(values) == snapshot.values_added
    assert len(areas) == 312 and len(groups) == 3630  # the copy's documented size

    # Växjö's "Liknande kommuner IFO" group, for the year in its title
    title = "Liknande kommuner IFO, Växjö, 2024"
    row = next(g for g in groups if g["title"] == title)
    group = group_selectors.similar_group("0780", 2024)
    assert group.key == row["id"] and group.title == title and group.year == 2024
    assert group.subject_id == "0780"
    assert sorted(group.members.values_list("id", flat=True)) == sorted(
        m["id"] for m in row["members"]
    )
    with pytest.raises(group_selectors.NoGroupForYear, match="2024"):
        group_selectors.similar_group("0780", 2025)  # never silently last year's group
    similar = [g for g in groups if g["title"].startswith("Liknande kommuner IFO,")]
    assert ComparisonGroup.objects.filter(kind="similar", area="IFO").count() == len(similar)

    skr = next(
        g
        for g in groups
        if g["id"].startswith("G927")
        and any(m["id"] == "0780" for m in g["members"])
        and g["id"]
        in {
            "G92786",
            "G92787",
            "G92788",
            "G92789",
            "G92790",
            "G92791",
            "G92792",
            "G92793",
            "G92794",
        }
    )
    found = group_selectors.skr_group("0780")
    assert found is not None and found.key == skr["id"]
    county = group_selectors.county_group("0780")
    assert county is not None and county.title == "Region Kronoberg"
    assert set(county.members.values_list("id", flat=True)) == {
        a["id"] for a in areas if a["type"] == "K" and a["id"].startswith("07")
    }
    riket = group_selectors.riket_group()
    assert riket is not None and riket.members.count() == sum(a["type"] == "K" for a in areas)


def test_the_catalogue_loads_and_its_kolada_kpis_exist() -> None:
    load_catalogues(["indicators"])
    kpis = {k["id"]: k for k in shipped("kpi")}
    text = FIXTURES.joinpath("catalogues/indicators.yaml").read_text(encoding="utf-8")
    rows = next(s for s in yaml.safe_load(text) if s["model"] == "indicators.Indicator")["rows"]
    assert Indicator.objects.count() == len(rows)
    for indicator in Indicator.objects.all():
        # a count (lex Sarah reports) has no better direction: more reports can mean a better
        # reporting culture; every share, time and KPI has one
        allowed = {"higher", "lower", "none"} if indicator.unit == "count" else {"higher", "lower"}
        assert indicator.direction in allowed, indicator.key
        assert indicator.dimension is not None
        if indicator.source == Indicator.Source.KOLADA:
            assert indicator.kolada_kpi in kpis and indicator.key == indicator.kolada_kpi
            assert indicator.title == kpis[indicator.kolada_kpi]["title"]
        else:
            assert indicator.numerator and indicator.denominator and indicator.population
            assert indicator.period and indicator.computation
    brukar = Indicator.objects.filter(title__startswith="Brukarbedömning")
    assert brukar.exists() and all(i.direction == "higher" for i in brukar)
    assert Indicator.objects.get(key="U31403").direction == "lower"


def test_a_catalogue_kpi_imported_before_the_catalogue_joins_it() -> None:
    from tests.indicators.recorded_routes import RECORDED

    importer.run(
        importer.read_files(
            [RECORDED / "municipality.json", RECORDED / "kpi.json", RECORDED / "data_page1.json"]
        ),
        source="file",
    )
    assert Indicator.objects.get(key="U31462").in_catalogue is False
    load_catalogues(["indicators"])
    indicator = Indicator.objects.get(key="U31462")
    assert indicator.in_catalogue is True and indicator.direction == "higher"
    assert indicator.values.exists()


def test_the_demo_step_is_idempotent() -> None:
    load_catalogues(["indicators"])
    out = io.StringIO()
    demo.load(out)
    counts = (IndicatorValue.objects.count(), ComparisonGroup.objects.count())
    demo.load(out)
    assert (IndicatorValue.objects.count(), ComparisonGroup.objects.count()) == counts
    assert KoladaSnapshot.objects.count() == 1
    assert "already imported" in out.getvalue()
