"""The analysis-ready export for researchers: the frame with pseudonymous ids and a codebook.

Individual-level data: only for `Action.EXPORT_INDIVIDUAL` (web/API) or the operator (CLI),
and always logged (`record_access(action="export")`). Database ids, person keys and birth
dates never leave: a person and an enrolment are identified by keyed hashes that are stable
for one *export key* (give the same key to link two extracts, a new key to make them
unlinkable). Streamed in Arrow batches, so memory stays flat whatever the size.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import secrets
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import xlsxwriter
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from insyn.analytics.frames import store
from insyn.analytics.frames.build import ident, lit
from insyn.analytics.plan import effective_status
from insyn.analytics.scope import Scope
from insyn.analytics.specs import ProgrammeSpec
from insyn.core.exports import excel_safe
from insyn.followup.models import Variable

T = Variable.Type
FORMATS = ("csv", "xlsx", "parquet")
BATCH_ROWS = 5_000
XLSX_MAX_ROWS = 1_048_575
EXPORT_MEMORY = "64MB"  # per partition sort; DuckDB spills beyond it
XLSX_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
SOURCE = "__insyn_partition__"
SLICE_ROWS = 40_000  # placeholder for one partition in the export query

DIMENSION_COLUMNS: list[tuple[str, str, str]] = [
    ("programme_version", "integer", gettext_noop("Programme version")),
    ("region", "code", gettext_noop("Region (code)")),
    ("municipality", "code", gettext_noop("Municipality (code)")),
    ("department", "code", gettext_noop("Department (municipality code/code)")),
    ("unit", "code", gettext_noop("Unit (municipality code/code)")),
    ("enrollment_status", "code", gettext_noop("Enrolment status")),
    ("enrolled_on", "date", gettext_noop("Enrolled")),
    ("sex", "code", gettext_noop("Sex (K woman, M man, X other/not stated)")),
    ("age", "integer", gettext_noop("Age in whole years at start")),
    ("start_date", "date", gettext_noop("Start: intervention start, else enrolment")),
    ("intervention_started_on", "date", gettext_noop("Intervention started")),
    ("ended_on", "date", gettext_noop("Intervention ended")),
    ("intervention_type", "code", gettext_noop("Intervention type")),
    ("intervention_group", "code", gettext_noop("Intervention group")),
    ("provider", "code", gettext_noop("Provider")),
    ("provider_kind", "code", gettext_noop("Provider kind (own/external)")),
    ("legal_basis", "code", gettext_noop("Legal basis")),
    ("law", "code", gettext_noop("Law")),
    ("end_reason", "code", gettext_noop("End reason")),
    ("end_outcome", "code", gettext_noop("End outcome (completed/interrupted/other)")),
    ("goals", "integer", gettext_noop("Goals set")),
    ("goals_achieved", "integer", gettext_noop("Goals achieved")),
    ("goals_partly", "integer", gettext_noop("Goals partly achieved")),
    ("goals_not", "integer", gettext_noop("Goals not achieved")),
    ("goals_unknown", "integer", gettext_noop("Goals with unknown outcome")),
    ("goals_unassessed", "integer", gettext_noop("Goals not yet assessed")),
]


@dataclass
class CodebookRow:
    column: str
    label: str
    type: str
    variable: str = ""
    stage: str = ""
    stage_label: str = ""
    unit: str = ""
    options: str = ""
    direction: str = ""
    source: str = ""


def export_secret(programme_key: str, export_key: str) -> str:
    message = f"insyn-frame-export|{programme_key}|{export_key}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def new_export_key() -> str:
    return secrets.token_urlsafe(12)


def _safe(expr: str) -> str:
    """Strings a spreadsheet would run as a formula get a leading apostrophe."""
    return (
        f"(CASE WHEN regexp_matches({expr}, '^[=+\\-@\\t\\r]') THEN '''' || {expr} ELSE {expr} END)"
    )


def columns(spec: ProgrammeSpec, today: str) -> tuple[list[str], list[CodebookRow]]:
    """SELECT expressions over the frame (joined to `org` for codes) and the codebook."""
    exprs = [
        "substr(sha256({s} || 'p' || CAST(f.client_id AS VARCHAR)), 1, 16) AS person_pid",
        "substr(sha256({s} || 'e' || CAST(f.enrollment_id AS VARCHAR)), 1, 16) AS enrollment_pid",
    ]
    book = [
        CodebookRow("person_pid", gettext("Pseudonymous person id (this export key)"), "id"),
        CodebookRow("enrollment_pid", gettext("Pseudonymous enrolment id (this export key)"), "id"),
    ]
    org = {"region": "region_id", "municipality": "municipality_id"}
    org |= {"department": "department_id", "unit": "unit_id"}
    for name, kind, label in DIMENSION_COLUMNS:
        if name in org:
            exprs.append(f"{_safe(f'o_{name}.code')} AS {name}")
        elif kind == "code":
            exprs.append(f"{_safe('f.' + ident(name))} AS {ident(name)}")
        else:
            exprs.append(f"f.{ident(name)}")
        book.append(CodebookRow(name, gettext(label), kind))
    for stage_spec in spec.stages:
        for column, kind, label in [
            (
                "occasion_status",
                "code",
                gettext("Follow-up status (planned/due/overdue/done/missed)"),
            ),
            ("occasion_nonresponse", "code", gettext("Non-response reason")),
            ("occasion_due_on", "date", gettext("Follow-up due")),
            ("occasion_done_on", "date", gettext("Follow-up done")),
            ("age", "integer", gettext("Age at the follow-up (done, else due)")),
        ]:
            name = f"{column}__{stage_spec.key}"
            if column == "occasion_status":
                exprs.append(f"{effective_status(stage_spec.key, today)} AS {ident(name)}")
            elif kind == "code":
                exprs.append(f"{_safe('f.' + ident(name))} AS {ident(name)}")
            else:
                exprs.append(f"f.{ident(name)}")
            book.append(
                CodebookRow(name, label, kind, stage=stage_spec.key, stage_label=stage_spec.name)
            )
    names = {s.key: s.name for s in spec.stages}
    for v in spec.variables:
        options = "; ".join(
            f"{o.code}={o.label}{' (' + gettext('missing') + ')' if o.is_missing else ''}"
            for o in v.options
        )
        for stage in v.stages:
            common = {
                "variable": v.key,
                "stage": stage,
                "stage_label": names.get(stage, stage),
                "unit": v.unit,
                "direction": v.direction,
                "source": v.source,
            }
            if v.type == T.MULTIPLE:
                for o in v.options:
                    name = v.option_column(stage, o.code)
                    exprs.append(f"f.{ident(name)}")
                    book.append(CodebookRow(name, f"{v.label}: {o.label}", "boolean", **common))
                continue
            name = v.column(stage)
            if v.type == T.SINGLE:
                exprs.append(f"{_safe('f.' + ident(name))} AS {ident(name)}")
            else:
                exprs.append(f"f.{ident(name)}")
            book.append(CodebookRow(name, v.label, str(v.type), options=options, **common))
            if v.type == T.INSTRUMENT and v.bands:
                band = v.band_column(stage)
                exprs.append(f"{_safe('f.' + ident(band))} AS {ident(band)}")
                bands = "; ".join(
                    f"{b.code}={b.label} {b.min_score:g}-{b.max_score:g}"
                    + (f" {b.sex}" if b.sex else "")
                    for b in v.bands
                )
                book.append(
                    CodebookRow(
                        band, f"{v.label}: {gettext('band')}", "code", options=bands, **common
                    )
                )
    return exprs, book


@dataclass
class Extract:
    spec: ProgrammeSpec
    sql: str  # a SELECT with SOURCE where a partition's read_parquet(...) goes
    sources: list[tuple[str, list[str]]]  # (partition, pseudonym prefixes to slice it by)
    codebook: list[CodebookRow]
    rows: int
    export_key: str
    # Who is in it, for the audit trail: (client id, person_pid, unit paths of the rows).
    persons: list[tuple[int, str, list[str]]] = field(default_factory=list)
    scope_paths: tuple[str, ...] | None = None

    def batches(self) -> Iterator[pa.RecordBatch]:
        """Ordered by pseudonym (so row order links nothing across export keys), a slice at
        a time: per partition, and a large partition by the pseudonym's leading hex digits,
        so a sort never holds more than about SLICE_ROWS rows."""
        con = store.connect(memory=EXPORT_MEMORY)  # spills to disk beyond this
        con.execute("SET threads = 1")
        try:
            for source, prefixes in self.sources:
                query = self.sql.replace(SOURCE, source)
                for prefix in prefixes:
                    sliced = (
                        f"SELECT * FROM ({query}) WHERE starts_with(person_pid, {lit(prefix)}) "  # noqa: S608
                        "ORDER BY person_pid, enrollment_pid"
                    )
                    yield from con.sql(sliced).to_arrow_reader(BATCH_ROWS)
        finally:
            con.close()


def prepare(spec: ProgrammeSpec, *, scope: Scope, export_key: str | None = None) -> Extract:
    """The SELECT that produces the export for `scope`, and its row count."""
    from insyn.organisations.models import OrgUnit

    export_key = export_key or new_export_key()
    today = lit(timezone.localdate().isoformat())
    frame = store.frame(spec, scope.municipality_ids())
    exprs, book = columns(spec, today)
    secret = lit(export_secret(spec.key, export_key))
    codes = _org_codes(OrgUnit)
    values = ", ".join(f"({int(pk)}, {lit(code)})" for pk, code in codes.items()) or "(0, '')"
    joins = " ".join(
        f"LEFT JOIN org AS o_{name} ON o_{name}.id = f.{name}_id"
        for name in ("region", "municipality", "department", "unit")
    )
    where = "TRUE"
    if scope.paths is not None:
        where = " OR ".join(f"starts_with(f.unit_path, {lit(p)})" for p in scope.paths) or "FALSE"
    select = ", ".join(e.format(s=secret) for e in exprs)
    sql = (
        f"WITH org(id, code) AS (VALUES {values}) "  # noqa: S608
        f"SELECT {select} FROM {SOURCE} AS f {joins} WHERE {where}"
    )
    con = store.reader()
    rows = int(
        con.sql(f"SELECT count(*) FROM {frame.source_sql()} AS f WHERE {where}").fetchall()[0][0]  # noqa: S608
    )
    persons = [
        (int(client), str(pid), sorted(units))
        for client, pid, units in con.sql(
            f"SELECT f.client_id, substr(sha256({secret} || 'p' || CAST(f.client_id AS VARCHAR)), "  # noqa: S608
            f"1, 16), list(DISTINCT f.unit_path) FROM {frame.source_sql()} AS f WHERE {where} "
            "GROUP BY f.client_id ORDER BY f.client_id"
        ).fetchall()
    ]
    sources = [(f"read_parquet({lit(str(p))})", _prefixes(p)) for p in frame.files]
    return Extract(spec, sql, sources, book, rows, export_key, persons, scope.paths)


def _prefixes(path: Any) -> list[str]:
    """Hex prefixes of the pseudonym that cut a partition into slices of ≤ SLICE_ROWS."""
    rows = pq.ParquetFile(path).metadata.num_rows
    digits = 0
    while rows / 16**digits > SLICE_ROWS and digits < 3:
        digits += 1
    if digits == 0:
        return [""]
    return [format(i, f"0{digits}x") for i in range(16**digits)]


def _org_codes(model: Any) -> dict[int, str]:
    from insyn.analytics.dimensions import DIMENSIONS, Labeller

    labeller = Labeller()
    dim = DIMENSIONS["unit"]
    return {pk: labeller.code(dim, pk) for pk in model.objects.values_list("pk", flat=True)}


# --- Writers --------------------------------------------------------------------------------


def codebook_csv(extract: Extract) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    fields = list(CodebookRow.__dataclass_fields__)
    writer.writerow(fields)
    for row in extract.codebook:
        writer.writerow([excel_safe(getattr(row, f)) for f in fields])
    return "\ufeff" + buffer.getvalue()


def readme(extract: Extract) -> str:
    return gettext(
        "Analysis frame of programme %(p)s, exported %(d)s: %(n)s enrolments, one per row.\n"
        "person_pid and enrollment_pid are pseudonyms that only mean something within this\n"
        "export key; no identity numbers, database ids or birth dates are included.\n"
        "codebook.csv describes every column. Follow-up describes change, not the effect of\n"
        "an intervention.\n"
    ) % {"p": extract.spec.key, "d": timezone.localdate().isoformat(), "n": extract.rows}


def csv_chunks(extract: Extract, *, bom: bool = True) -> Iterator[bytes]:
    """The frame as CSV bytes, batch by batch."""
    if bom:
        yield "\ufeff".encode()
    buffer = io.BytesIO()
    writer: pacsv.CSVWriter | None = None
    for batch in extract.batches():
        if writer is None:
            writer = pacsv.CSVWriter(buffer, batch.schema)
        writer.write_batch(batch)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if writer is None:  # no rows: just the header
        names = [r.column for r in extract.codebook]
        yield (",".join(names) + "\n").encode()
    else:
        writer.close()
        yield buffer.getvalue()


def write_parquet(extract: Extract, target: IO[bytes] | str | Path) -> None:
    writer: pq.ParquetWriter | None = None
    meta = {b"insyn.codebook": json.dumps([r.__dict__ for r in extract.codebook]).encode()}
    try:
        for batch in extract.batches():
            if writer is None:
                schema = batch.schema.with_metadata(meta)
                writer = pq.ParquetWriter(target, schema, compression="zstd")
            writer.write_batch(batch)
        if writer is None:
            names = [r.column for r in extract.codebook]
            empty = pa.schema([(n, pa.string()) for n in names]).with_metadata(meta)
            writer = pq.ParquetWriter(target, empty, compression="zstd")
    finally:
        if writer is not None:
            writer.close()


def write_xlsx(extract: Extract, target: IO[bytes] | str | Path) -> None:
    if extract.rows > XLSX_MAX_ROWS:
        raise ValueError(
            gettext("%(n)s rows do not fit in a spreadsheet; choose CSV or Parquet.")
            % {"n": extract.rows}
        )
    workbook = xlsxwriter.Workbook(
        str(target) if isinstance(target, Path) else target,
        {**XLSX_OPTIONS, "constant_memory": True},
    )
    try:
        sheet = workbook.add_worksheet("frame")
        bold = workbook.add_format({"bold": True})
        dates = workbook.add_format({"num_format": "yyyy-mm-dd"})
        r = 0
        for batch in extract.batches():
            if r == 0:
                for c, name in enumerate(batch.schema.names):
                    sheet.write_string(0, c, name, bold)
                r = 1
            for record in batch.to_pylist():
                for c, value in enumerate(record.values()):
                    _xlsx_cell(sheet, r, c, value, dates)
                r += 1
        if r == 0:
            for c, row in enumerate(extract.codebook):
                sheet.write_string(0, c, row.column, bold)
        book = workbook.add_worksheet("codebook")
        fields = list(CodebookRow.__dataclass_fields__)
        for c, name in enumerate(fields):
            book.write_string(0, c, name, bold)
        for i, row in enumerate(extract.codebook, start=1):
            for c, name in enumerate(fields):
                book.write_string(i, c, str(excel_safe(getattr(row, name))))
    finally:
        workbook.close()


def _xlsx_cell(sheet: Any, r: int, c: int, value: Any, dates: Any) -> None:
    import datetime as dt

    if value is None:
        return
    if isinstance(value, bool):
        sheet.write_boolean(r, c, value)
    elif isinstance(value, int | float):
        sheet.write_number(r, c, value)
    elif isinstance(value, dt.date):
        sheet.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), dates)
    else:
        sheet.write_string(r, c, str(excel_safe(str(value))))


class _Sink(io.RawIOBase):
    """A write-only stream whose written bytes are collected for a generator to yield."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.position = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self.chunks.append(chunk)
        self.position += len(chunk)
        return len(chunk)

    def tell(self) -> int:
        return self.position

    def drain(self) -> bytes:
        out = b"".join(self.chunks)
        self.chunks.clear()
        return out


def zip_chunks(extract: Extract, fmt: str) -> Iterator[bytes]:
    """A zip (frame + codebook.csv + README.txt) streamed as it is written."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open(f"{extract.spec.key}-frame.{fmt}", "w", force_zip64=True) as member:
            if fmt == "csv":
                for chunk in csv_chunks(extract):
                    member.write(chunk)
                    yield sink.drain()
            else:
                write_parquet(extract, member)
        yield sink.drain()
        archive.writestr("codebook.csv", codebook_csv(extract))
        archive.writestr("README.txt", readme(extract))
    yield sink.drain()
