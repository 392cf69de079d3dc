"""The JSON shapes Kolada answers with, checked row by row into plain records.

Envelope: `{"count": N, "values": [...]}` with optional `next_url` / `previous_url` (v3).
Row kinds: municipality `{id, title, type}`, group `{id, title, members: [{id, title}]}`,
KPI `{id, title, description, is_divided_by_gender, ...}`, data
`{kpi, municipality, period, values: [{gender, count, status, value, isdeleted?}]}`.
A row in the wrong shape raises `ShapeError` naming where it is; nothing is guessed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

KINDS = ("municipality", "kpi", "group", "data")
SEXES = ("T", "K", "M")


class ShapeError(ValueError):
    """A file or page is not in the shape Kolada's API uses."""


@dataclass(frozen=True)
class Point:
    """One value of one KPI for one area, year and sex, as read (value may be None)."""

    kpi: str
    municipality: str
    year: int
    sex: str
    value: float | None
    count: int | None
    status: str
    deleted: bool

    @property
    def key(self) -> tuple[str, str, int, str]:
        return (self.kpi, self.municipality, self.year, self.sex)


def envelope(payload: Any, where: str) -> list[dict[str, Any]]:
    if not isinstance(payload, dict) or not isinstance(payload.get("values"), list):
        raise ShapeError(f'{where}: expected an object with a "values" list (Kolada\'s envelope)')
    rows = payload["values"]
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            raise ShapeError(f"{where}: row {i + 1} is not an object")
    return rows


def detect(rows: list[dict[str, Any]], where: str) -> str:
    """Which kind of rows these are, from the first row's fields."""
    if not rows:
        raise ShapeError(f"{where}: no rows")
    first = rows[0]
    if {"kpi", "municipality", "period", "values"} <= first.keys():
        return "data"
    if "members" in first:
        return "group"
    if "is_divided_by_gender" in first or "operating_area" in first:
        return "kpi"
    if {"id", "title", "type"} <= first.keys():
        return "municipality"
    raise ShapeError(f"{where}: rows are neither municipalities, groups, KPIs nor values")


def _text(row: dict[str, Any], name: str, where: str, *, required: bool = True) -> str:
    value = row.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise ShapeError(f'{where}: "{name}" must be text')
    return value.strip()


def _date(row: dict[str, Any], name: str, where: str) -> datetime.date | None:
    value = row.get(name)
    if value in (None, ""):
        return None
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise ShapeError(f'{where}: "{name}" is not a date: {value!r}') from exc


def municipality(row: dict[str, Any], where: str) -> dict[str, str]:
    kind = _text(row, "type", where)
    if kind not in ("K", "L"):
        raise ShapeError(f'{where}: "type" must be K or L, not {kind!r}')
    return {"id": _text(row, "id", where), "title": _text(row, "title", where), "type": kind}


def kpi(row: dict[str, Any], where: str) -> dict[str, Any]:
    gender = row.get("is_divided_by_gender")
    if not isinstance(gender, bool):
        raise ShapeError(f'{where}: "is_divided_by_gender" must be true or false')
    period = row.get("publ_period")
    return {
        "id": _text(row, "id", where),
        "title": _text(row, "title", where),
        "description": _text(row, "description", where, required=False),
        "is_divided_by_gender": gender,
        "municipality_type": _text(row, "municipality_type", where, required=False),
        "auspice": _text(row, "auspice", where, required=False),
        "operating_area": _text(row, "operating_area", where, required=False),
        "perspective": _text(row, "perspective", where, required=False),
        "prel_publication_date": _date(row, "prel_publication_date", where),
        "publication_date": _date(row, "publication_date", where),
        "publ_period": "" if period is None else str(period),
        "has_ou_data": bool(row.get("has_ou_data")),
    }


def group(row: dict[str, Any], where: str) -> tuple[str, str, list[str]]:
    members = row.get("members")
    if not isinstance(members, list):
        raise ShapeError(f'{where}: "members" must be a list')
    ids = []
    for member in members:
        if not isinstance(member, dict) or not isinstance(member.get("id"), str):
            raise ShapeError(f'{where}: every member needs an "id"')
        ids.append(member["id"])
    return _text(row, "id", where), _text(row, "title", where), ids


def points(row: dict[str, Any], where: str) -> list[Point]:
    kpi_id = _text(row, "kpi", where)
    area = _text(row, "municipality", where)
    period = row.get("period")
    if isinstance(period, str) and period.isdigit():
        period = int(period)
    if not isinstance(period, int) or isinstance(period, bool) or not 1900 <= period <= 2200:
        raise ShapeError(f'{where}: "period" must be a year, not {row.get("period")!r}')
    values = row.get("values")
    if not isinstance(values, list):
        raise ShapeError(f'{where}: "values" must be a list')
    row_deleted = bool(row.get("isdeleted"))
    result = []
    for v in values:
        if not isinstance(v, dict):
            raise ShapeError(f"{where}: a value is not an object")
        sex = v.get("gender")
        if sex not in SEXES:
            raise ShapeError(f'{where}: "gender" must be T, K or M, not {sex!r}')
        value = v.get("value")
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise ShapeError(f'{where}: "value" must be a number or null, not {value!r}')
        count = v.get("count")
        status = v.get("status")
        result.append(
            Point(
                kpi=kpi_id,
                municipality=area,
                year=period,
                sex=sex,
                value=None if value is None else float(value),
                count=count if isinstance(count, int) and not isinstance(count, bool) else None,
                status=status if isinstance(status, str) else "",
                deleted=row_deleted or bool(v.get("isdeleted")),
            )
        )
    return result
