"""Building the wide frame from the extracted long tables, in DuckDB.

Values are pivoted with conditional aggregates over an integer column index (variable
position × number of stages + stage position), so one pass over the values fills every
`<variable>__<stage>` column. Instrument bands are a CASE over the client's sex and the total,
in the same order as the follow-up app's scoring: bands for the client's sex first, then
bands that apply to everyone.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from insyn.analytics.frames import extract
from insyn.analytics.frames.sources import VALUES_SCHEMA, frame_sources
from insyn.analytics.specs import ProgrammeSpec, VariableSpec
from insyn.followup.models import Variable

T = Variable.Type


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def lit(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(float(value)) if isinstance(value, float) else str(int(value))
    return "'" + str(value).replace("'", "''") + "'"


def band_case(variable: VariableSpec, value_sql: str) -> str:
    whens = []
    ordered = sorted(variable.bands, key=lambda b: (b.sex == "", b.sex, b.min_score))
    for band in ordered:
        cond = f"{value_sql} >= {lit(band.min_score)} AND {value_sql} <= {lit(band.max_score)}"
        if band.sex:
            cond = f'"sex" = {lit(band.sex)} AND {cond}'
        whens.append(f"WHEN {cond} THEN {lit(band.code)}")
    if not whens:
        return "CAST(NULL AS VARCHAR)"
    return f"(CASE {' '.join(whens)} END)"


def _value_columns(spec: ProgrammeSpec) -> tuple[list[str], list[str]]:
    """Aggregates over the long values (inner) and the final column expressions (outer)."""
    nstages = len(spec.stages)
    inner: list[str] = []
    outer: list[str] = []
    for vi, variable in enumerate(spec.variables):
        for stage in variable.stages:
            k = vi * nstages + spec.stage_index(stage)
            name = variable.column(stage)
            where = f"FILTER (WHERE col = {k})"
            if variable.type in (T.INTEGER, T.DECIMAL, T.INSTRUMENT):
                inner.append(f"max(number) {where} AS {ident(name)}")
                outer.append(f"w.{ident(name)}")
                if variable.type == T.INSTRUMENT:
                    outer.append(
                        f"{band_case(variable, 'w.' + ident(name))} "
                        f"AS {ident(variable.band_column(stage))}"
                    )
            elif variable.type == T.BOOLEAN:
                inner.append(f"bool_or(number <> 0) {where} AS {ident(name)}")
                outer.append(f"w.{ident(name)}")
            elif variable.type == T.SINGLE:
                inner.append(f"max(option) {where} AS {ident(name)}")
                outer.append(f"w.{ident(name)}")
            elif variable.type == T.MULTIPLE:
                for option in variable.options:
                    col = ident(variable.option_column(stage, option.code))
                    inner.append(
                        f"CAST(max(CASE WHEN option = {lit(option.code)} THEN 1 ELSE 0 END) "
                        f"{where} AS BOOLEAN) AS {col}"
                    )
                    outer.append(f"w.{col}")
            elif variable.type == T.DATE:
                inner.append(f"max(date) {where} AS {ident(name)}")
                outer.append(f"w.{ident(name)}")
    return inner, outer


def _occasion_columns(spec: ProgrammeSpec) -> tuple[list[str], list[str]]:
    inner: list[str] = []
    outer: list[str] = []
    for si, stage in enumerate(spec.stages):
        where = f"FILTER (WHERE sidx = {si})"
        for column, source in [
            ("occasion_status", "status"),
            ("occasion_nonresponse", "nonresponse"),
            ("occasion_due_on", "due_on"),
            ("occasion_done_on", "done_on"),
            ("occasion_window_start", "window_start"),
            ("occasion_window_end", "window_end"),
        ]:
            name = ident(f"{column}__{stage.key}")
            inner.append(f"max({source}) {where} AS {name}")
            outer.append(f"o.{name}")
        done = ident(f"occasion_done_on__{stage.key}")
        due = ident(f"occasion_due_on__{stage.key}")
        outer.append(
            f"date_sub('year', e.birth_date, coalesce(o.{done}, o.{due})) "
            f"AS {ident(f'age__{stage.key}')}"
        )
    return inner, outer


def build_frame(
    con: duckdb.DuckDBPyConnection,
    spec: ProgrammeSpec,
    municipality_ids: Sequence[int] | None,
    tmp: Path,
) -> None:
    """Create the table `frame` in `con` for the given municipalities (None: all)."""
    programme_ids = spec.programme_ids
    variable_ids = [i for v in spec.variables for i in v.ids]
    con.register("enr", extract.enrollments(programme_ids, municipality_ids, tmp))
    con.register("occ", extract.occasions(programme_ids, municipality_ids, tmp))
    con.register("val", extract.values(variable_ids, municipality_ids, tmp))
    con.register("goal", extract.goals(programme_ids, municipality_ids, tmp))
    con.register("opt", extract.options(variable_ids, tmp))
    con.register("units", extract.units())
    con.register(
        "ver",
        pa.table({"programme_id": list(spec.versions), "version": list(spec.versions.values())}),
    )
    nstages = max(len(spec.stages), 1)
    var_index = [(vid, vi) for vi, v in enumerate(spec.variables) for vid in v.ids]
    con.register(
        "vmap",
        pa.table(
            {
                "variable_id": pa.array([a for a, _ in var_index], pa.int64()),
                "vidx": pa.array([b for _, b in var_index], pa.int64()),
            }
        ),
    )
    stage_index = [(sid, si) for si, s in enumerate(spec.stages) for sid in s.ids]
    con.register(
        "smap",
        pa.table(
            {
                "stage_id": pa.array([a for a, _ in stage_index], pa.int64()),
                "sidx": pa.array([b for _, b in stage_index], pa.int64()),
            }
        ),
    )
    # Values of frame sources, keyed by (variable key, stage key).
    keyed = [
        (v.key, s.key, vi * nstages + si)
        for vi, v in enumerate(spec.variables)
        if v.source != "programme"
        for si, s in enumerate(spec.stages)
    ]
    con.register(
        "kmap",
        pa.table(
            {
                "variable": pa.array([a for a, _, _ in keyed], pa.string()),
                "stage": pa.array([b for _, b, _ in keyed], pa.string()),
                "col": pa.array([c for _, _, c in keyed], pa.int64()),
            }
        ),
    )
    extra = [s.values(spec, municipality_ids) for s in frame_sources()]
    extra_values = (
        pa.concat_tables([t.select(VALUES_SCHEMA.names).cast(VALUES_SCHEMA) for t in extra])
        if extra
        else VALUES_SCHEMA.empty_table()
    )
    con.register("srcval", extra_values)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE longval AS
        SELECT o.enrollment_id, m.vidx * {nstages} + s.sidx AS col, v.number,
               p.code AS option, v.date
        FROM val v
        JOIN occ o ON o.occasion_id = v.occasion_id
        JOIN vmap m ON m.variable_id = v.variable_id
        JOIN smap s ON s.stage_id = o.stage_id
        LEFT JOIN opt p ON p.option_id = v.option_id
        UNION ALL
        SELECT x.enrollment_id, k.col, x.number, x.option, CAST(NULL AS DATE)
        FROM srcval x JOIN kmap k ON k.variable = x.variable AND k.stage = x.stage
        """  # noqa: S608
    )
    value_inner, value_outer = _value_columns(spec)
    occ_inner, occ_outer = _occasion_columns(spec)
    wide_values = (
        f"SELECT enrollment_id, {', '.join(value_inner)} FROM longval GROUP BY enrollment_id"  # noqa: S608
        if value_inner
        else "SELECT DISTINCT enrollment_id FROM longval"
    )
    wide_occasions = (
        f"SELECT enrollment_id, {', '.join(occ_inner)} "  # noqa: S608
        "FROM occ JOIN smap USING (stage_id) GROUP BY enrollment_id"
        if occ_inner
        else "SELECT DISTINCT enrollment_id FROM occ"
    )
    start = "coalesce(e.intervention_started_on, e.enrolled_on)"
    columns = [
        "e.enrollment_id",
        "e.client_id",
        "e.client_enrollments",
        "e.programme_id",
        "ver.version AS programme_version",
        "u.region_id",
        "u.municipality_id",
        "u.department_id",
        "e.unit_id",
        "u.unit_path",
        "e.enrollment_status",
        "e.enrolled_on",
        "e.sex",
        "e.birth_date",
        f"{start} AS start_date",
        f"date_sub('year', e.birth_date, {start}) AS age",
        "e.intervention_started_on",
        "e.ended_on",
        "e.intervention_type",
        "e.intervention_group",
        "e.provider",
        "e.provider_kind",
        "e.legal_basis",
        "e.law",
        "e.end_reason",
        "e.end_outcome",
        "coalesce(g.goals, 0) AS goals",
        "coalesce(g.goals_achieved, 0) AS goals_achieved",
        "coalesce(g.goals_partly, 0) AS goals_partly",
        "coalesce(g.goals_not, 0) AS goals_not",
        "coalesce(g.goals_unknown, 0) AS goals_unknown",
        "coalesce(g.goals_unassessed, 0) AS goals_unassessed",
        *occ_outer,
        *value_outer,
    ]
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE frame AS
        WITH w AS ({wide_values}),
             o AS ({wide_occasions}),
             g AS (
               SELECT enrollment_id, count(*) AS goals,
                      count(*) FILTER (WHERE outcome = 'achieved') AS goals_achieved,
                      count(*) FILTER (WHERE outcome = 'partly') AS goals_partly,
                      count(*) FILTER (WHERE outcome = 'not') AS goals_not,
                      count(*) FILTER (WHERE outcome = 'unknown') AS goals_unknown,
                      count(*) FILTER (WHERE outcome IS NULL OR outcome = '') AS goals_unassessed
               FROM goal GROUP BY enrollment_id
             )
        SELECT {", ".join(columns)}
        FROM enr e
        JOIN units u ON u.unit_id = e.unit_id
        JOIN ver ON ver.programme_id = e.programme_id
        LEFT JOIN o ON o.enrollment_id = e.enrollment_id
        LEFT JOIN w ON w.enrollment_id = e.enrollment_id
        LEFT JOIN g ON g.enrollment_id = e.enrollment_id
        """  # noqa: S608
    )
    for name in ("enr", "occ", "val", "goal", "opt", "units", "ver", "vmap", "smap", "kmap"):
        con.unregister(name)
    con.unregister("srcval")
    con.execute("DROP TABLE IF EXISTS longval")
