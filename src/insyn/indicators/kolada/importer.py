"""`insyn kolada import`: Kolada files (the API's JSON shape, plain or gzipped) or the v3
API into the database, all or nothing, one `KoladaSnapshot` per run.

Rules: rows flagged `isdeleted` and rows whose value is null are skipped and counted (a
missing value is never stored, least of all as 0); Kolada's `status` is kept; a value for the
KPI's publication period between its preliminary and final publication dates is stored as
preliminary. Every value that is added, changed (value, status or preliminary → final) or
removed gets a `KoladaValueChange` row; removal means: absent from a full read of the run's
scope (KPIs × years × areas asked for), or, in an increment (`from_date`), flagged deleted or
sent as null.
"""

from __future__ import annotations

import datetime
import gzip
import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from insyn.indicators.kolada import reference, shapes
from insyn.indicators.kolada.client import KoladaClient
from insyn.indicators.kolada.shapes import Point, ShapeError
from insyn.indicators.models import (
    Indicator,
    IndicatorValue,
    KoladaKpi,
    KoladaMunicipality,
    KoladaSnapshot,
    KoladaValueChange,
)

SHIPPED = (
    "municipality.json.gz",
    "kpi.json.gz",
    "municipality_groups.json.gz",
    "data_sample.json.gz",
)


class KoladaImportError(Exception):
    """Bad input: the message says what and where; nothing was written."""


@dataclass
class Batch:
    """What one run read, before anything is written."""

    municipalities: list[dict[str, str]] | None = None
    kpis: list[dict[str, Any]] | None = None
    groups: list[tuple[str, str, list[str]]] | None = None
    points: list[Point] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    requests: int = 0

    def add(self, kind: str, rows: Iterable[dict[str, Any]], where: str) -> None:
        for i, row in enumerate(rows):
            here = f"{where}, row {i + 1}"
            if kind == "municipality":
                self.municipalities = self.municipalities or []
                self.municipalities.append(shapes.municipality(row, here))
            elif kind == "kpi":
                self.kpis = self.kpis or []
                self.kpis.append(shapes.kpi(row, here))
            elif kind == "group":
                self.groups = self.groups or []
                self.groups.append(shapes.group(row, here))
            else:
                self.points.extend(shapes.points(row, here))


def shipped_files() -> list[Path]:
    folder = resources.files("insyn.indicators").joinpath("fixtures/kolada")
    return [Path(str(folder.joinpath(name))) for name in SHIPPED]


def expand(paths: Sequence[Path]) -> list[Path]:
    """Files as given; a folder stands for its *.json and *.json.gz files."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted([*path.glob("*.json"), *path.glob("*.json.gz")]))
        else:
            files.append(path)
    return files


def read_json(path: Path) -> Any:
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                return json.load(fh)
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise KoladaImportError(f"{path}: no such file") from exc
    except (OSError, ValueError) as exc:
        raise KoladaImportError(f"{path}: not JSON ({exc})") from exc


def read_files(paths: Sequence[Path]) -> Batch:
    batch = Batch()
    for path in expand(paths):
        try:
            rows = shapes.envelope(read_json(path), path.name)
            if rows:
                batch.add(shapes.detect(rows, path.name), rows, path.name)
        except ShapeError as exc:
            raise KoladaImportError(str(exc)) from exc
        batch.sources.append(path.name)
    return batch


def fetch(
    client: KoladaClient,
    *,
    kpis: Sequence[str],
    years: Sequence[int],
    municipalities: Sequence[str],
    from_date: datetime.date | None = None,
    with_groups: bool = False,
) -> Batch:
    """Reference rows and values through the v3 API: areas, the asked-for KPIs' catalogue
    rows (all KPIs when none asked), groups when wanted, then the values."""
    batch = Batch()
    try:
        batch.add("municipality", client.municipalities(), "municipality")
        batch.add("kpi", client.kpis(kpis), "kpi")
        if with_groups:
            batch.add("group", client.groups(), "municipality_groups")
        if kpis:
            rows = client.data(
                kpis, years=years, municipalities=municipalities, from_date=from_date
            )
            batch.add("data", rows, "data")
    except ShapeError as exc:
        raise KoladaImportError(str(exc)) from exc
    batch.sources.append(client.first_url)
    batch.requests = client.requests
    return batch


UNIT_HINTS = (
    ("(%)", Indicator.Unit.PERCENT),
    ("kr/", Indicator.Unit.KR),
    ("dagar", Indicator.Unit.DAYS),
)


def _indicators_for(kpis: Iterable[KoladaKpi]) -> dict[str, Indicator]:
    """The indicator each KPI's values hang on; a plain row for a KPI the catalogue lacks."""
    wanted = {k.id: k for k in kpis}
    found = {i.kolada_kpi: i for i in Indicator.objects.filter(kolada_kpi__in=wanted)}
    for kpi_id, kpi in wanted.items():
        if kpi_id not in found:
            unit = next((u for hint, u in UNIT_HINTS if hint in kpi.title), Indicator.Unit.OTHER)
            found[kpi_id] = Indicator.objects.create(
                key=kpi_id,
                title=kpi.title[:300],
                description=kpi.description,
                unit=unit,
                operating_area=kpi.operating_area[:100],
                source=Indicator.Source.KOLADA,
                kolada_kpi=kpi_id,
                in_catalogue=False,
            )
    return {k: v for k, v in found.items() if k is not None}


def _check_known(ids: Iterable[str], known: Collection[str], what: str) -> None:
    missing = sorted(set(ids) - set(known))
    if missing:
        shown = ", ".join(missing[:10]) + (" …" if len(missing) > 10 else "")
        raise KoladaImportError(f"{what}: {shown}")


@transaction.atomic
def run(
    batch: Batch,
    *,
    source: str,
    kpis: Sequence[str] = (),
    years: Sequence[int] = (),
    municipalities: Sequence[str] = (),
    increment: bool = False,
    today: datetime.date | None = None,
) -> KoladaSnapshot:
    """Write one batch; raise KoladaImportError (and write nothing) on bad input."""
    today = today or timezone.localdate()
    snapshot = KoladaSnapshot.objects.create(
        source=source,
        source_detail="\n".join(batch.sources),
        previous=KoladaSnapshot.objects.order_by("-started_at", "-id").first(),
        requests=batch.requests,
        scope={
            "kpis": list(kpis),
            "years": list(years),
            "municipalities": list(municipalities),
            "increment": increment,
        },
    )
    try:
        if batch.municipalities is not None:
            snapshot.municipalities = reference.upsert_municipalities(batch.municipalities)
            reference.derive_area_groups(snapshot)
        if batch.kpis is not None:
            snapshot.kpis = reference.upsert_kpis(batch.kpis)
        if batch.groups is not None:
            snapshot.groups = reference.upsert_groups(batch.groups, snapshot, "groups")
    except ShapeError as exc:
        raise KoladaImportError(str(exc)) from exc
    known_kpis = {k.id: k for k in KoladaKpi.objects.all()}
    _check_known(kpis, known_kpis.keys(), "KPI ids not in Kolada's KPI catalogue")
    known_areas = set(KoladaMunicipality.objects.values_list("id", flat=True))
    _check_known(municipalities, known_areas, "Kolada areas that do not exist")
    _write_values(
        batch.points,
        snapshot,
        known_kpis,
        known_areas,
        kpis,
        years,
        municipalities,
        increment,
        today,
    )
    snapshot.finished_at = timezone.now()
    snapshot.save()
    return snapshot


def _write_values(
    points: list[Point],
    snapshot: KoladaSnapshot,
    known_kpis: dict[str, KoladaKpi],
    known_areas: set[str],
    kpis: Sequence[str],
    years: Sequence[int],
    municipalities: Sequence[str],
    increment: bool,
    today: datetime.date,
) -> None:
    chosen = [
        p
        for p in points
        if (not kpis or p.kpi in kpis)
        and (not years or p.year in years)
        and (not municipalities or p.municipality in municipalities)
    ]
    _check_known(
        (p.kpi for p in chosen),
        known_kpis.keys(),
        "values for KPI ids not in Kolada's KPI catalogue",
    )
    _check_known(
        (p.municipality for p in chosen), known_areas, "values for Kolada areas that do not exist"
    )
    snapshot.values_read = len(chosen)
    scope_kpis = set(kpis) or {p.kpi for p in chosen}
    indicators = _indicators_for(known_kpis[k] for k in scope_kpis)
    existing_qs = IndicatorValue.objects.filter(
        source=IndicatorValue.Source.KOLADA,
        indicator__kolada_kpi__in=scope_kpis,
        period_kind=IndicatorValue.PeriodKind.YEAR,
    ).select_related("indicator")
    if years:
        existing_qs = existing_qs.filter(year__in=years)
    if municipalities:
        existing_qs = existing_qs.filter(municipality_id__in=municipalities)
    existing = {
        (v.indicator.kolada_kpi or "", v.municipality_id or "", v.year, v.sex): v
        for v in existing_qs
    }
    seen: dict[tuple[str, str, int, str], tuple[Point, float]] = {}
    deleted: set[tuple[str, str, int, str]] = set()
    for p in chosen:
        if p.deleted:
            snapshot.skipped_deleted += 1
            deleted.add(p.key)
            seen.pop(p.key, None)
        elif p.value is None:
            snapshot.skipped_null += 1
            deleted.add(p.key)  # now missing: in an increment it removes the old value
            seen.pop(p.key, None)
        else:
            seen[p.key] = (p, p.value)
            deleted.discard(p.key)
    changes: list[KoladaValueChange] = []
    creates: list[IndicatorValue] = []
    updates: list[IndicatorValue] = []
    for key, (p, value) in seen.items():
        status = (
            IndicatorValue.Status.PRELIMINARY
            if known_kpis[p.kpi].is_preliminary(p.year, today)
            else IndicatorValue.Status.FINAL
        )
        old = existing.get(key)
        if old is None:
            creates.append(
                IndicatorValue(
                    indicator=indicators[p.kpi],
                    municipality_id=p.municipality,
                    year=p.year,
                    period_end=datetime.date(p.year, 12, 31),
                    sex=p.sex,
                    value=value,
                    count=p.count,
                    source=IndicatorValue.Source.KOLADA,
                    status=status,
                    kolada_status=p.status,
                    snapshot=snapshot,
                )
            )
            changes.append(_change(snapshot, "added", key, None, p, None, status))
            continue
        differs = (
            abs(old.value - value) > 1e-9 or old.kolada_status != p.status or old.status != status
        )
        if not differs and old.count == p.count:
            snapshot.values_unchanged += 1
            continue
        if differs:
            changes.append(_change(snapshot, "changed", key, old, p, old.status, status))
            snapshot.values_changed += 1
        else:
            snapshot.values_unchanged += 1
        old.value, old.count, old.kolada_status, old.status = (
            value,
            p.count,
            p.status,
            status,
        )
        old.snapshot = snapshot
        updates.append(old)
    gone = deleted & existing.keys() if increment else existing.keys() - seen.keys()
    for key in gone:
        old = existing[key]
        changes.append(_change(snapshot, "removed", key, old, None, old.status, None))
    IndicatorValue.objects.filter(pk__in=[existing[k].pk for k in gone]).delete()
    IndicatorValue.objects.bulk_create(creates, batch_size=1000)
    for row in updates:  # only what changed; a bulk_update's CASE is slow on big sets
        row.save(update_fields=["value", "count", "kolada_status", "status", "snapshot"])
    KoladaValueChange.objects.bulk_create(changes, batch_size=1000)
    snapshot.values_added = len(creates)
    snapshot.values_removed = len(gone)


def _change(
    snapshot: KoladaSnapshot,
    kind: str,
    key: tuple[str, str, int, str],
    old: IndicatorValue | None,
    new: Point | None,
    old_status: str | None,
    new_status: str | None,
) -> KoladaValueChange:
    preliminary = IndicatorValue.Status.PRELIMINARY
    return KoladaValueChange(
        snapshot=snapshot,
        kind=kind,
        kpi=key[0],
        municipality=key[1],
        year=key[2],
        sex=key[3],
        old_value=old.value if old else None,
        new_value=new.value if new else None,
        old_status=old.kolada_status if old else "",
        new_status=new.status if new else "",
        old_preliminary=None if old_status is None else old_status == preliminary,
        new_preliminary=None if new_status is None else new_status == preliminary,
    )
