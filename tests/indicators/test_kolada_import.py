"""The importer against recorded v3 pages and files: skipped rows, status, preliminary
values, snapshot diffs, increments, and all-or-nothing on bad input. Expected counts are
computed here from the recorded JSON, not taken from the code under test."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from insyn.indicators.kolada import importer
from insyn.indicators.models import (
    Indicator,
    IndicatorValue,
    KoladaMunicipality,
    KoladaSnapshot,
    KoladaValueChange,
)
from tests.indicators.recorded_routes import BASE, RECORDED, recorded_client

pytestmark = pytest.mark.django_db
KPIS, YEARS, AREAS = ["U31462", "U31402"], [2024, 2025], ["0780", "0880"]
BEFORE_FINAL = datetime.date(2026, 6, 1)  # U31402 2025: preliminary from 2026-03-01 to 2026-12-01


def recorded_points() -> list[dict[str, Any]]:
    """Every (row, value) of the three recorded pages, flattened independently."""
    points = []
    for n in (1, 2, 3):
        for row in json.loads((RECORDED / f"data_page{n}.json").read_text())["values"]:
            for v in row["values"]:
                deleted = bool(row.get("isdeleted") or v.get("isdeleted"))
                points.append(
                    {
                        **v,
                        "kpi": row["kpi"],
                        "area": row["municipality"],
                        "year": row["period"],
                        "deleted": deleted,
                    }
                )
    return points


def import_recorded(today: datetime.date = BEFORE_FINAL) -> KoladaSnapshot:
    client, _ = recorded_client()
    batch = importer.fetch(client, kpis=KPIS, years=YEARS, municipalities=AREAS)
    return importer.run(
        batch, source="api", kpis=KPIS, years=YEARS, municipalities=AREAS, today=today
    )


def test_recorded_pages_import_skipping_deleted_and_null_rows() -> None:
    snapshot = import_recorded()
    points = recorded_points()
    kept = [p for p in points if not p["deleted"] and p["value"] is not None]
    assert snapshot.values_read == len(points)
    assert snapshot.skipped_deleted == sum(p["deleted"] for p in points)
    assert snapshot.skipped_null == sum(
        1 for p in points if not p["deleted"] and p["value"] is None
    )
    assert snapshot.values_added == len(kept) == IndicatorValue.objects.count()
    assert snapshot.requests == 5  # areas, KPIs, three data pages
    stored = {
        (v.indicator.kolada_kpi, v.municipality_id, v.year, v.sex): v
        for v in IndicatorValue.objects.select_related("indicator")
    }
    for p in kept:
        value = stored[(p["kpi"], p["area"], p["year"], p["gender"])]
        assert value.value == p["value"]
        assert value.kolada_status == p["status"]
        assert value.source == IndicatorValue.Source.KOLADA
        assert value.provenance == "Källa: Kolada"
        assert value.snapshot == snapshot
    # a null value is missing, never 0; a real 0 stays 0
    assert ("U31462", "0880", 2024, "T") not in stored
    assert stored[("U31402", "0780", 2024, "M")].value == 0.0
    assert stored[("U31402", "0780", 2025, "M")].kolada_status == "B"
    assert ("U31402", "0880", 2025, "T") not in stored  # deleted row
    assert ("U31402", "0780", 2024, "K") not in stored  # deleted value


def test_values_of_the_publication_period_are_preliminary_until_the_final_date() -> None:
    import_recorded(today=BEFORE_FINAL)
    prel = IndicatorValue.objects.filter(status=IndicatorValue.Status.PRELIMINARY)
    assert {(v.indicator.kolada_kpi, v.year) for v in prel} == {("U31402", 2025)}
    assert all(v.preliminary for v in prel)
    assert not IndicatorValue.objects.filter(year=2024, status="preliminary").exists()
    count = prel.count()
    later = import_recorded(today=datetime.date(2027, 1, 1))
    assert later.values_changed == count and later.values_added == 0
    assert not IndicatorValue.objects.filter(status=IndicatorValue.Status.PRELIMINARY).exists()
    finalised = KoladaValueChange.objects.filter(snapshot=later, kind="changed")
    assert all(c.old_preliminary and c.new_preliminary is False for c in finalised)


def test_an_indicator_is_made_for_a_kpi_the_catalogue_lacks() -> None:
    import_recorded()
    made = Indicator.objects.get(kolada_kpi="U31402")
    assert made.key == "U31402" and made.in_catalogue is False and made.source == "kolada"


def write(tmp_path: Path, name: str, rows: list[dict[str, Any]]) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"count": len(rows), "values": rows}))
    return path


def data_row(kpi: str, area: str, year: int, value: float | None, **kw: Any) -> dict[str, Any]:
    return {
        "kpi": kpi,
        "municipality": area,
        "period": year,
        "values": [{"gender": "T", "count": 1, "status": "", "value": value}],
        **kw,
    }


def test_snapshot_diff_counts_added_changed_removed(tmp_path: Path) -> None:
    refs = [RECORDED / "municipality.json", RECORDED / "kpi.json"]
    first = [
        data_row("U31462", "0780", 2023, 80.0),
        data_row("U31462", "0780", 2024, 81.0),
        data_row("U31462", "0880", 2024, 70.0),
    ]
    second = [
        data_row("U31462", "0780", 2023, 80.0),
        data_row("U31462", "0780", 2024, 82.5),
        data_row("U31462", "0880", 2023, 60.0),
    ]
    one = importer.run(
        importer.read_files([*refs, write(tmp_path, "a.json", first)]), source="file"
    )
    two = importer.run(importer.read_files([write(tmp_path, "b.json", second)]), source="file")
    assert (one.values_added, one.values_changed, one.values_removed) == (3, 0, 0)
    assert two.previous == one
    assert (two.values_added, two.values_changed, two.values_removed, two.values_unchanged) == (
        1,
        1,
        1,
        1,
    )
    changes = {(c.kind, c.municipality, c.year): c for c in two.changes.all()}
    assert changes[("changed", "0780", 2024)].old_value == 81.0
    assert changes[("changed", "0780", 2024)].new_value == 82.5
    assert changes[("removed", "0880", 2024)].old_value == 70.0
    assert ("added", "0880", 2023) in changes
    assert IndicatorValue.objects.count() == 3


def test_an_increment_removes_only_rows_flagged_deleted_or_null() -> None:
    import_recorded()
    before = IndicatorValue.objects.count()
    url = BASE + "data/kpi/U31462,U31402/municipality/0780,0880?from_date=2026-06-01&per_page=5000"
    client, _ = recorded_client({url: "data_increment.json"})
    batch = importer.fetch(
        client, kpis=KPIS, years=[], municipalities=AREAS, from_date=datetime.date(2026, 6, 1)
    )
    snap = importer.run(
        batch, source="api", kpis=KPIS, municipalities=AREAS, increment=True, today=BEFORE_FINAL
    )
    # 0780 2024 T changed; 0880 2024 T deleted; 0780 2024 K now null: missing, so removed
    assert (snap.values_changed, snap.values_removed, snap.values_added) == (1, 2, 0)
    assert IndicatorValue.objects.count() == before - 2
    removed = set(snap.changes.filter(kind="removed").values_list("municipality", "sex"))
    assert removed == {("0880", "T"), ("0780", "K")}


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("wrong_shape.json", '"values" list'),
        ("bad_row.json", '"period" must be a year'),
    ],
)
def test_a_file_in_the_wrong_shape_is_refused_and_nothing_is_written(
    name: str, message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        call_command(
            "kolada",
            "import",
            "--file",
            str(RECORDED / "municipality.json"),
            "--file",
            str(RECORDED / name),
        )
    assert not KoladaMunicipality.objects.exists()
    assert not KoladaSnapshot.objects.exists()


def test_an_unknown_kpi_rolls_back_the_whole_run() -> None:
    files = [
        RECORDED / "municipality.json",
        RECORDED / "kpi.json",
        RECORDED / "unknown_kpi_data.json",
    ]
    with pytest.raises(importer.KoladaImportError, match="X99999"):
        importer.run(importer.read_files(files), source="file")
    # the municipalities and KPIs were written before the values failed: all rolled back
    assert not KoladaMunicipality.objects.exists()
    assert not KoladaSnapshot.objects.exists()


def test_an_unknown_kpi_asked_for_is_a_clear_message() -> None:
    with pytest.raises(CommandError, match="not in Kolada's KPI catalogue: N99999"):
        call_command(
            "kolada",
            "import",
            "--file",
            str(RECORDED / "municipality.json"),
            "--file",
            str(RECORDED / "kpi.json"),
            "--kpi",
            "N99999",
        )
    assert not KoladaSnapshot.objects.exists()


def test_filters_limit_what_is_imported(tmp_path: Path) -> None:
    rows = [
        data_row("U31462", "0780", 2023, 1.0),
        data_row("U31462", "0880", 2024, 2.0),
        data_row("U31402", "0780", 2024, 3.0),
    ]
    call_command(
        "kolada",
        "import",
        "--file",
        str(RECORDED / "municipality.json"),
        "--file",
        str(RECORDED / "kpi.json"),
        "--file",
        str(write(tmp_path, "d.json", rows)),
        "--kpi",
        "U31462",
        "--years",
        "2024",
    )
    assert [(v.municipality_id, v.year) for v in IndicatorValue.objects.all()] == [("0880", 2024)]
