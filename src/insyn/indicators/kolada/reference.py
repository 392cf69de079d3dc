"""Upserts of Kolada's reference rows: municipalities, the KPI catalogue and the groups
(with the county and Riket groups derived from the municipality list). Called inside the
import's transaction; each returns how many rows it touched."""

from __future__ import annotations

from typing import Any

from insyn.indicators.kolada.shapes import ShapeError
from insyn.indicators.models import ComparisonGroup, KoladaKpi, KoladaMunicipality, KoladaSnapshot
from insyn.indicators.models.groups import SIMILAR_PREFIX, SKR_GROUP_IDS
from insyn.organisations.models import OrgUnit

NATION_ID = "0000"


def upsert_municipalities(rows: list[dict[str, str]]) -> int:
    units = {
        u.code: u
        for u in OrgUnit.objects.filter(
            kind__in=[OrgUnit.Kind.NATION, OrgUnit.Kind.REGION, OrgUnit.Kind.MUNICIPALITY]
        )
    }
    objs = [
        KoladaMunicipality(
            id=r["id"], title=r["title"], type=r["type"], org_unit=units.get(r["id"])
        )
        for r in rows
    ]
    KoladaMunicipality.objects.bulk_create(
        objs,
        update_conflicts=True,
        unique_fields=["id"],
        update_fields=["title", "type", "org_unit"],
        batch_size=500,
    )
    return len(objs)


KPI_FIELDS = [
    "title",
    "description",
    "is_divided_by_gender",
    "municipality_type",
    "auspice",
    "operating_area",
    "perspective",
    "prel_publication_date",
    "publication_date",
    "publ_period",
    "has_ou_data",
]


def upsert_kpis(rows: list[dict[str, Any]]) -> int:
    KoladaKpi.objects.bulk_create(
        [KoladaKpi(**r) for r in rows],
        update_conflicts=True,
        unique_fields=["id"],
        update_fields=KPI_FIELDS,
        batch_size=500,
    )
    return len(rows)


def parse_similar(title: str) -> tuple[str, str, int] | None:
    """("IFO", "Växjö", 2024) from "Liknande kommuner IFO, Växjö, 2024"; None otherwise.
    "Liknande kommuner, övergripande, Växjö, 2025" gives area "övergripande"."""
    if not title.startswith(SIMILAR_PREFIX.strip()):
        return None
    parts = [p.strip() for p in title.split(",")]
    if len(parts) < 3 or not parts[-1].isdigit() or len(parts[-1]) != 4:
        return None
    head = parts[0][len(SIMILAR_PREFIX.strip()) :].strip()
    area = ", ".join([p for p in [head, *parts[1:-2]] if p])
    return area, parts[-2], int(parts[-1])


def upsert_groups(
    rows: list[tuple[str, str, list[str]]], snapshot: KoladaSnapshot, where: str
) -> int:
    """Kolada's groups by id; members must be known Kolada areas (else nothing is written)."""
    areas = {m.id: m for m in KoladaMunicipality.objects.all()}
    by_title = {
        m.title: m for m in areas.values() if m.type == KoladaMunicipality.Type.MUNICIPALITY
    }
    unknown = sorted({mid for _, _, members in rows for mid in members} - areas.keys())
    if unknown:
        raise ShapeError(
            f"{where}: groups name areas that are not in Kolada's municipality list: "
            + ", ".join(unknown[:10])
        )
    keys = [r[0] for r in rows]
    existing = {g.key: g for g in ComparisonGroup.objects.filter(key__in=keys)}
    creates: list[ComparisonGroup] = []
    updates: list[ComparisonGroup] = []
    for gid, title, _members in rows:
        fields: dict[str, Any] = {"title": title, "kind": ComparisonGroup.Kind.KOLADA}
        fields.update(area="", year=None, subject=None, snapshot=snapshot)
        similar = parse_similar(title)
        if gid in SKR_GROUP_IDS:
            fields["kind"] = ComparisonGroup.Kind.SKR
        elif similar:
            area, name, year = similar
            fields.update(kind=ComparisonGroup.Kind.SIMILAR, area=area, year=year)
            fields["subject"] = by_title.get(name)
        group = existing.get(gid)
        if group is None:
            creates.append(ComparisonGroup(key=gid, **fields))
            continue
        fields["subject_id"] = fields.pop("subject").pk if fields["subject"] else None
        if any(getattr(group, k) != v for k, v in fields.items() if k != "snapshot"):
            for name_, value in fields.items():
                setattr(group, name_, value)
            updates.append(group)
    ComparisonGroup.objects.bulk_create(creates, batch_size=500)
    for group in updates:  # few after the first import: only what Kolada changed
        group.save(update_fields=GROUP_FIELDS)
    ids = dict(ComparisonGroup.objects.filter(key__in=keys).values_list("key", "pk"))
    through = ComparisonGroup.members.through
    current: dict[int, set[str]] = {}
    for gid_pk, mid in through.objects.filter(comparisongroup_id__in=ids.values()).values_list(
        "comparisongroup_id", "koladamunicipality_id"
    ):
        current.setdefault(gid_pk, set()).add(mid)
    changed = {
        ids[gid]: members
        for gid, _t, members in rows
        if set(members) != current.get(ids[gid], set())
    }
    through.objects.filter(comparisongroup_id__in=changed).delete()
    through.objects.bulk_create(
        [
            through(comparisongroup_id=pk, koladamunicipality_id=mid)
            for pk, members in changed.items()
            for mid in dict.fromkeys(members)
        ],
        batch_size=2000,
    )
    return len(rows)


GROUP_FIELDS = ["title", "kind", "area", "year", "subject", "snapshot"]  # saved when changed


def derive_area_groups(snapshot: KoladaSnapshot) -> None:
    """A group per county (its municipalities) and one for Riket (all municipalities)."""
    areas = list(KoladaMunicipality.objects.all())
    municipalities = [m for m in areas if m.type == KoladaMunicipality.Type.MUNICIPALITY]
    through = ComparisonGroup.members.through
    wanted: dict[str, tuple[str, str, list[str]]] = {}
    for region in areas:
        if region.type == KoladaMunicipality.Type.REGION and region.id != NATION_ID:
            ids = [m.id for m in municipalities if m.county_code == region.id]
            if ids:
                wanted[f"county-{region.id}"] = (region.title, ComparisonGroup.Kind.COUNTY, ids)
    if municipalities:
        nation = next((a.title for a in areas if a.id == NATION_ID), "Riket")
        wanted["riket"] = (nation, ComparisonGroup.Kind.NATION, [m.id for m in municipalities])
    for key, (title, kind, ids) in wanted.items():
        group, _ = ComparisonGroup.objects.update_or_create(
            key=key, defaults={"title": title, "kind": kind, "snapshot": snapshot}
        )
        through.objects.filter(comparisongroup=group).delete()
        through.objects.bulk_create(
            [through(comparisongroup_id=group.pk, koladamunicipality_id=i) for i in ids]
        )
