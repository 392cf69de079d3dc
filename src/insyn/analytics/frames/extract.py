"""Bulk extraction from the database into Arrow tables: PostgreSQL streams `COPY ... TO
STDOUT` into a temporary CSV that Arrow parses in C; SQLite (small, embedded installs) hands
over its rows through the cursor. No ORM objects, no per-row Python logic either way."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
from django.db import connection

from insyn.clients.models import (
    Client,
    Decision,
    EndReason,
    Intervention,
    InterventionGroup,
    InterventionType,
    LegalBasis,
    Provider,
)
from insyn.followup.models import Enrollment, Goal, NonResponseReason, Occasion, Option, Value
from insyn.organisations.models import OrgUnit


def _t(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def placeholders(values: Sequence[Any]) -> str:
    return ", ".join(["%s"] * len(values)) if values else "NULL"


def query_arrow(sql: str, params: Sequence[Any], schema: pa.Schema, tmp_dir: Path) -> pa.Table:
    """Run `sql` and return its rows as an Arrow table with `schema` (names and types)."""
    if connection.vendor == "postgresql":
        return _copy_arrow(sql, params, schema, tmp_dir)
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        rows = cursor.fetchall()
    columns: list[Sequence[Any]] = list(zip(*rows, strict=True)) if rows else [[] for _ in schema]
    arrays = []
    for values, fld in zip(columns, schema, strict=True):
        array = pa.array(list(values))
        if array.type != fld.type:
            array = array.cast(fld.type) if len(array) else pa.array([], fld.type)
        arrays.append(array)
    return pa.Table.from_arrays(arrays, schema=schema)


def _copy_arrow(sql: str, params: Sequence[Any], schema: pa.Schema, tmp_dir: Path) -> pa.Table:
    connection.ensure_connection()
    tmp_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=tmp_dir, suffix=".csv") as fh:
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg cursor: COPY is not part of the DB-API
            with raw.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)", list(params)) as copy:
                for block in copy:
                    fh.write(block)
        fh.flush()
        if Path(fh.name).stat().st_size == 0:
            return schema.empty_table()
        return pacsv.read_csv(
            fh.name,
            read_options=pacsv.ReadOptions(column_names=schema.names, block_size=1 << 24),
            convert_options=pacsv.ConvertOptions(
                column_types={f.name: f.type for f in schema},
                strings_can_be_null=True,
                quoted_strings_can_be_null=False,
            ),
        )


ENROLLMENTS = pa.schema(
    [
        ("enrollment_id", pa.int64()),
        ("client_id", pa.int64()),
        ("programme_id", pa.int64()),
        ("unit_id", pa.int64()),
        ("enrollment_status", pa.string()),
        ("enrolled_on", pa.date32()),
        ("sex", pa.string()),
        ("birth_date", pa.date32()),
        ("intervention_started_on", pa.date32()),
        ("ended_on", pa.date32()),
        ("intervention_type", pa.string()),
        ("intervention_group", pa.string()),
        ("provider", pa.string()),
        ("provider_kind", pa.string()),
        ("legal_basis", pa.string()),
        ("law", pa.string()),
        ("end_reason", pa.string()),
        ("end_outcome", pa.string()),
        ("client_enrollments", pa.int64()),
    ]
)
OCCASIONS = pa.schema(
    [
        ("occasion_id", pa.int64()),
        ("enrollment_id", pa.int64()),
        ("stage_id", pa.int64()),
        ("status", pa.string()),
        ("due_on", pa.date32()),
        ("done_on", pa.date32()),
        ("window_start", pa.date32()),
        ("window_end", pa.date32()),
        ("nonresponse", pa.string()),
    ]
)
VALUES = pa.schema(
    [
        ("occasion_id", pa.int64()),
        ("variable_id", pa.int64()),
        ("number", pa.float64()),
        ("option_id", pa.int64()),
        ("date", pa.date32()),
    ]
)
GOALS = pa.schema([("enrollment_id", pa.int64()), ("outcome", pa.string())])
OPTIONS = pa.schema([("option_id", pa.int64()), ("code", pa.string())])


def _in_municipalities(
    municipality_ids: Sequence[int] | None, alias: str = "e"
) -> tuple[str, list]:
    """The units as literal ids, not a subquery: the planner then sees how few rows a small
    municipality has and uses the indexes (a partition rebuild: 1.2 s -> 0.05 s at 1M)."""
    if municipality_ids is None:
        return "", []
    units = list(
        OrgUnit.objects.filter(municipality_id__in=list(municipality_ids)).values_list(
            "id", flat=True
        )
    )
    return f" AND {alias}.unit_id IN ({placeholders(units)})", units


def enrollments(
    programme_ids: Sequence[int], municipality_ids: Sequence[int] | None, tmp: Path
) -> pa.Table:
    where, extra = _in_municipalities(municipality_ids)
    ids = placeholders(programme_ids)
    if municipality_ids is None:  # every client: one grouping pass
        count = "ce.n"
        per_client = (
            f"JOIN (SELECT client_id, COUNT(*) AS n FROM {_t(Enrollment)} "  # noqa: S608
            f"WHERE programme_id IN ({ids}) GROUP BY client_id) ce ON ce.client_id = e.client_id"
        )
    else:  # one municipality's partition: count its clients' enrolments only (index lookups)
        count = (
            f"(SELECT COUNT(*) FROM {_t(Enrollment)} x "  # noqa: S608
            f"WHERE x.client_id = e.client_id AND x.programme_id IN ({ids}))"
        )
        per_client = ""
    sql = f"""
        SELECT e.id, e.client_id, e.programme_id, e.unit_id, e.status, e.enrolled_on,
               c.sex, c.birth_date, i.started_on, i.ended_on,
               it.code, ig.code, pr.code, pr.kind, lb.code, lb.law, er.code, er.outcome,
               {count}
        FROM {_t(Enrollment)} e
        JOIN {_t(Client)} c ON c.id = e.client_id
        {per_client}
        LEFT JOIN {_t(Intervention)} i ON i.id = e.intervention_id
        LEFT JOIN {_t(InterventionType)} it ON it.id = i.intervention_type_id
        LEFT JOIN {_t(InterventionGroup)} ig ON ig.id = it.group_id
        LEFT JOIN {_t(Provider)} pr ON pr.id = i.provider_id
        LEFT JOIN {_t(Decision)} d ON d.id = i.decision_id
        LEFT JOIN {_t(LegalBasis)} lb ON lb.id = d.legal_basis_id
        LEFT JOIN {_t(EndReason)} er ON er.id = i.end_reason_id
        WHERE e.programme_id IN ({ids}){where}
    """  # noqa: S608
    return query_arrow(sql, [*programme_ids, *programme_ids, *extra], ENROLLMENTS, tmp)


def occasions(
    programme_ids: Sequence[int], municipality_ids: Sequence[int] | None, tmp: Path
) -> pa.Table:
    where, extra = _in_municipalities(municipality_ids)
    sql = f"""
        SELECT o.id, o.enrollment_id, o.stage_id, o.status, o.due_on, o.done_on,
               o.window_start, o.window_end, nr.code
        FROM {_t(Occasion)} o
        JOIN {_t(Enrollment)} e ON e.id = o.enrollment_id
        LEFT JOIN {_t(NonResponseReason)} nr ON nr.id = o.non_response_reason_id
        WHERE e.programme_id IN ({placeholders(programme_ids)}){where}
    """  # noqa: S608
    return query_arrow(sql, [*programme_ids, *extra], OCCASIONS, tmp)


def values(
    variable_ids: Sequence[int], municipality_ids: Sequence[int] | None, tmp: Path
) -> pa.Table:
    """Values of the programme's variables (instrument totals, not their items)."""
    if not variable_ids:
        return VALUES.empty_table()
    join, where = "", ""
    extra: list[Any] = []
    if municipality_ids is not None:
        join = (
            f" JOIN {_t(Occasion)} o ON o.id = v.occasion_id"
            f" JOIN {_t(Enrollment)} e ON e.id = o.enrollment_id"
        )
        where, extra = _in_municipalities(municipality_ids)
    sql = f"""
        SELECT v.occasion_id, v.variable_id, v.number, v.option_id, v.date
        FROM {_t(Value)} v{join}
        WHERE v.item_id IS NULL AND v.variable_id IN ({placeholders(variable_ids)}){where}
    """  # noqa: S608
    return query_arrow(sql, [*variable_ids, *extra], VALUES, tmp)


def goals(
    programme_ids: Sequence[int], municipality_ids: Sequence[int] | None, tmp: Path
) -> pa.Table:
    where, extra = _in_municipalities(municipality_ids)
    sql = f"""
        SELECT g.enrollment_id, g.outcome FROM {_t(Goal)} g
        JOIN {_t(Enrollment)} e ON e.id = g.enrollment_id
        WHERE e.programme_id IN ({placeholders(programme_ids)}){where}
    """  # noqa: S608
    return query_arrow(sql, [*programme_ids, *extra], GOALS, tmp)


def options(variable_ids: Sequence[int], tmp: Path) -> pa.Table:
    if not variable_ids:
        return OPTIONS.empty_table()
    from insyn.followup.models import Variable

    sql = f"""
        SELECT o.id, o.code FROM {_t(Option)} o
        WHERE o.option_set_id IN (SELECT option_set_id FROM {_t(Variable)}
                                  WHERE id IN ({placeholders(variable_ids)}))
    """  # noqa: S608
    return query_arrow(sql, list(variable_ids), OPTIONS, tmp)


def units() -> pa.Table:
    """Every org unit with its municipality, region and department (a small table)."""
    rows = list(OrgUnit.objects.values_list("id", "path", "kind", "municipality_id"))
    kind_of = {pk: kind for pk, _path, kind, _m in rows}

    def ancestor(path: str, kind: str) -> int | None:
        for part in path.strip("/").split("/"):
            if part and kind_of.get(int(part)) == kind:
                return int(part)
        return None

    return pa.table(
        {
            "unit_id": pa.array([r[0] for r in rows], pa.int64()),
            "unit_path": pa.array([r[1] for r in rows], pa.string()),
            "municipality_id": pa.array([r[3] for r in rows], pa.int64()),
            "region_id": pa.array([ancestor(r[1], OrgUnit.Kind.REGION) for r in rows], pa.int64()),
            "department_id": pa.array(
                [ancestor(r[1], OrgUnit.Kind.DEPARTMENT) for r in rows], pa.int64()
            ),
        }
    )
