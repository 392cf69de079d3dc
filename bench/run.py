"""Benchmarks: run with `make bench`. They print figures; they never pass or fail on time.

Uses its own PostgreSQL database (`insyn_bench`, or INSYN_BENCH_DATABASE_URL; the name must
contain "bench") and its own frame cache (var/bench/). Generates the data once (500,000
enrolments, 1,000,000 occasions, 5,000,000 values; `--fresh` regenerates), then in one run:

- frame build for the 1,000,000 occasions (cold cache),
- (a) a three-way breakdown of one variable at one stage and
- (b) a paired before/after change broken down by two dimensions,
  each through `aggregate()` (warm frame) side by side with a hand-written SQL query on the
  normalised tables computing the same numbers (checked to agree),
- the same two questions in hand-written DuckDB SQL straight on the frame's Parquet files
  (what aggregate() adds on top of DuckDB),
- peak memory of `insyn export frame --format csv` in a subprocess,
- the data version: its read time (p50), `insyn analyze`'s whole-process wall time, and the
  time from an edit through the services to its appearance in `aggregate()`,
- a summary of the scale: generation and build time, query p50, peak RSS, load average.

INSYN_BENCH_SCALE=10 (`make bench INSYN_BENCH_SCALE=10`) runs the national scale: 5,000,000
enrolments, 10,000,000 occasions, 50,000,000 values in 290 municipalities, in its own
database (`insyn_bench_s10`). See docs/performance.md for what it takes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/insyn_bench"


def default_url() -> str:
    """Each scale (INSYN_BENCH_SCALE) keeps its own database, so switching does not mix data."""
    scale = float(os.environ.get("INSYN_BENCH_SCALE", "1"))
    return DEFAULT_URL if scale == 1 else f"{DEFAULT_URL}_s{scale:g}".replace(".", "_")


def log(text: str) -> None:
    print(text, flush=True)


def _prepare_environment(url: str) -> Path:
    name = urlparse(url).path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"refusing to run against {name!r}: the bench database name must contain 'bench'")
    cache = ROOT / "var" / "bench" / "analytics"
    os.environ.update(
        {
            "DATABASE_URL": url,
            "INSYN_ENV": "development",
            "INSYN_DEBUG": "false",
            "INSYN_ANALYTICS_CACHE": str(cache),
            # Time the work, not the per-process memo of recent results.
            "INSYN_ANALYTICS_RESULT_CACHE": "0",
            "DJANGO_SETTINGS_MODULE": "insyn.settings",
        }
    )
    sys.path.insert(0, str(ROOT / "src"))
    return cache


def _database(url: str, fresh: bool) -> bool:
    """Create the bench database if needed; True if it is new (or was recreated)."""
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as con:
        exists = con.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            con.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            con.execute(f'CREATE DATABASE "{name}"')
            return True
    return False


def timed(fn: Callable[[], Any], runs: int) -> tuple[list[float], Any]:
    times = []
    result = None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - started) * 1000)
    return times, result


def ratio(ours: list[float], theirs: list[float]) -> float:
    return statistics.median(ours) / statistics.median(theirs)


def fmt(times: list[float]) -> str:
    return f"p50 {statistics.median(times):8.1f} ms  (min {min(times):7.1f}, max {max(times):7.1f})"


SQL_A = """
SELECT c.sex, {age} AS age_group, it.code AS itype,
       GROUPING(c.sex, {age}, it.code) AS g,
       count(*) AS n, count(v.number) AS n_value, avg(v.number) AS mean,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY v.number) AS median,
       stddev_samp(v.number) AS sd
FROM followup_enrollment e
JOIN clients_client c ON c.id = e.client_id
JOIN clients_intervention i ON i.id = e.intervention_id
JOIN clients_interventiontype it ON it.id = i.intervention_type_id
LEFT JOIN followup_occasion o ON o.enrollment_id = e.id AND o.stage_id = %(stage)s
LEFT JOIN followup_value v ON v.occasion_id = o.id AND v.variable_id = %(variable)s
                           AND v.item_id IS NULL
WHERE e.programme_id = %(programme)s
GROUP BY CUBE (c.sex, {age}, it.code)
"""

SQL_B = """
WITH p AS (
  SELECT e.id, c.sex, it.code AS itype, vb.number AS b, va.number AS a
  FROM followup_enrollment e
  JOIN clients_client c ON c.id = e.client_id
  JOIN clients_intervention i ON i.id = e.intervention_id
  JOIN clients_interventiontype it ON it.id = i.intervention_type_id
  LEFT JOIN followup_occasion ob ON ob.enrollment_id = e.id AND ob.stage_id = %(before)s
  LEFT JOIN followup_value vb ON vb.occasion_id = ob.id AND vb.variable_id = %(variable)s
                              AND vb.item_id IS NULL
  LEFT JOIN followup_occasion oa ON oa.enrollment_id = e.id AND oa.stage_id = %(after)s
  LEFT JOIN followup_value va ON va.occasion_id = oa.id AND va.variable_id = %(variable)s
                              AND va.item_id IS NULL
  WHERE e.programme_id = %(programme)s
)
SELECT sex, itype, GROUPING(sex, itype) AS g, count(*) AS n,
       count(*) FILTER (WHERE a IS NOT NULL AND b IS NOT NULL) AS pairs,
       avg(b) FILTER (WHERE a IS NOT NULL AND b IS NOT NULL) AS mean_before,
       avg(a) FILTER (WHERE a IS NOT NULL AND b IS NOT NULL) AS mean_after,
       avg(a - b) AS mean_change, stddev_samp(a - b) AS sd_change,
       count(*) FILTER (WHERE a < b) AS improved
FROM p GROUP BY CUBE (sex, itype)
"""

AGE_SQL = (
    "(CASE WHEN date_part('year', age(coalesce(i.started_on, e.enrolled_on), c.birth_date)) "
    "BETWEEN 0 AND 17 THEN '0-17' "
    "WHEN date_part('year', age(coalesce(i.started_on, e.enrolled_on), c.birth_date)) "
    "BETWEEN 18 AND 44 THEN '18-44' "
    "WHEN date_part('year', age(coalesce(i.started_on, e.enrolled_on), c.birth_date)) "
    ">= 45 THEN '45-' END)"
)


def _sql(query: str, params: dict[str, Any]) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def _check(label: str, result: Any, rows: list[tuple], ndims: int, fields: list[str]) -> str:
    """Every shown cell of aggregate() equals the SQL query's number."""
    from insyn.analytics.dimensions import DIMENSIONS, Labeller
    from insyn.core.suppression import TOTAL

    labeller = Labeller()
    sql = {}
    for row in rows:
        g = row[ndims]
        key = tuple(TOTAL if g & (1 << (ndims - 1 - i)) else row[i] for i in range(ndims))
        sql[key] = dict(zip(fields, row[ndims + 1 :], strict=True))
    compared = mismatched = 0
    for r in result.rows:
        key = tuple(
            v
            if v is TOTAL
            else (labeller.code(DIMENSIONS[d.key], v) if d.key != "age_group" else v)
            for d, v in zip(result.dimensions, r.group, strict=True)
        )
        want = sql.get(key)
        if want is None or r.suppressed:
            continue
        for field in fields:
            got = r.values.get(field)
            if got is None or want[field] is None:
                continue
            compared += 1
            if abs(float(got) - float(want[field])) > 1e-6 * max(1.0, abs(float(want[field]))):
                mismatched += 1
    return f"{label}: {compared} numbers compared with SQL, {mismatched} differ"


# --- aggregate() against raw DuckDB on the same Parquet frame ---------------------------------

DUCK_A = """
SELECT sex, age_group, intervention_type, GROUPING(sex, age_group, intervention_type) AS g,
       count(*) AS n, count(v) AS n_value, avg(v) AS mean, median(v) AS median,
       stddev_samp(v) AS sd
FROM (SELECT sex, {age} AS age_group, intervention_type, "days__before" AS v FROM {source})
GROUP BY CUBE (sex, age_group, intervention_type)
"""

DUCK_B = """
SELECT sex, intervention_type, GROUPING(sex, intervention_type) AS g, count(*) AS n,
       count(*) FILTER (WHERE a IS NOT NULL AND b IS NOT NULL) AS pairs,
       avg(b) FILTER (WHERE a IS NOT NULL AND b IS NOT NULL) AS mean_before,
       avg(a) FILTER (WHERE a IS NOT NULL AND b IS NOT NULL) AS mean_after,
       avg(a - b) AS mean_change, stddev_samp(a - b) AS sd_change,
       count(*) FILTER (WHERE a < b) AS improved
FROM (SELECT sex, intervention_type, "days__before" AS b, "days__after" AS a FROM {source})
GROUP BY CUBE (sex, intervention_type)
"""


def duckdb_comparison(
    frame: Any,
    bins: tuple[Any, ...],
    runs: int,
    a: tuple[list[float], Any],
    b: tuple[list[float], Any],
) -> None:
    """The same numbers straight from the frame's Parquet files in hand-written DuckDB SQL
    (a warm connection like aggregate()'s), so the ratio is what aggregate() adds: request
    validation, the data-version check, the grouping in NumPy, statistics and suppression."""
    from insyn.analytics.dimensions import DIMENSIONS
    from insyn.analytics.frames import store

    con = store.connect()
    source = frame.source_sql()
    sql_a = DUCK_A.format(age=DIMENSIONS["age_group"].sql(list(bins)), source=source)
    sql_b = DUCK_B.format(source=source)
    con.execute(sql_a).fetchall()  # warm: Parquet metadata
    da_times, da_rows = timed(lambda: con.execute(sql_a).fetchall(), runs)
    db_times, db_rows = timed(lambda: con.execute(sql_b).fetchall(), runs)
    con.close()
    log("raw DuckDB on the frame (hand-written SQL, warm connection):")
    log(f"    (a) DuckDB              : {fmt(da_times)}")
    log(f"        ratio aggregate/DuckDB : {ratio(a[0], da_times):.2f}  (target ≤ 1.5)")
    log("        " + _check("check", a[1], da_rows, 3, ["n", "n_value", "mean", "median", "sd"]))
    log(f"    (b) DuckDB              : {fmt(db_times)}")
    log(f"        ratio aggregate/DuckDB : {ratio(b[0], db_times):.2f}  (target ≤ 1.5)")
    log(
        "        "
        + _check(
            "check",
            b[1],
            db_rows,
            2,
            ["n", "pairs", "mean_before", "mean_after", "mean_change", "sd_change", "improved"],
        )
    )


def scale_summary(
    generated: float | None, build: float, a_times: list[float], b_times: list[float]
) -> None:
    """The figures of one scale in one line each: build time, query p50, peak memory, load."""
    import resource

    import generate

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    log(
        f"scale {generate.SCALE:g} ({generate.N_ENROLLMENTS * len(generate.STAGES):,} occasions, "
        f"{generate.N_MUNICIPALITIES} municipalities; load average {load}, "
        f"{os.cpu_count()} cores)"
    )
    if generated is not None:
        log(f"    data generation        : {generated:.0f} s")
    log(f"    frame build (cold)     : {build:.1f} s")
    log(
        f"    query p50              : (a) {statistics.median(a_times):.1f} ms, "
        f"(b) {statistics.median(b_times):.1f} ms"
    )
    log(f"    peak memory (RSS)      : {peak:.0f} MB (this process)")
    if generate.SCALE >= 10:
        log("    targets at this scale  : frame build ≤ 90 s, query p50 ≤ 300 ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="Regenerate the bench data.")
    parser.add_argument("--runs", type=int, default=15, help="Timed runs per query.")
    options = parser.parse_args()
    url = os.environ.get("INSYN_BENCH_DATABASE_URL", default_url())
    cache = _prepare_environment(url)
    created = _database(url, options.fresh)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from insyn.followup.models import Enrollment, Occasion, Value

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import generate

    generated = None
    if created or not Enrollment.objects.filter(programme__key="bench").exists():
        log("generating bench data ...")
        started = time.perf_counter()
        design = generate.design(log)
        generate.bulk(design, log)
        generated = time.perf_counter() - started
        log(f"  generated in {generated:.0f} s")
    counts = (
        Enrollment.objects.filter(programme__key="bench").count(),
        Occasion.objects.filter(enrollment__programme__key="bench").count(),
        Value.objects.count(),
    )
    log(f"data: {counts[0]:,} enrolments, {counts[1]:,} occasions, {counts[2]:,} values")

    from insyn.analytics.aggregate import AnalysisRequest, Scope, aggregate
    from insyn.analytics.dimensions import parse_age_bins
    from insyn.analytics.frames import store
    from insyn.analytics.specs import load_spec
    from insyn.followup.models import Programme, Stage, Variable

    spec = load_spec("bench")
    assert spec is not None
    shutil.rmtree(cache, ignore_errors=True)
    started = time.perf_counter()
    frame = store.frame(spec)
    build = time.perf_counter() - started
    size = sum(p.stat().st_size for p in frame.files) / 1e6
    log(
        f"frame build (cold, {counts[1]:,} occasions): {build:.1f} s "
        f"({len(frame.files)} partitions, {size:.0f} MB Parquet)"
    )

    programme = Programme.objects.get(key="bench")
    stage = {s.key: s.pk for s in Stage.objects.filter(programme=programme)}
    days = Variable.objects.get(programme=programme, key="days").pk
    bins = tuple(parse_age_bins("0-17,18-44,45-"))
    request_a = AnalysisRequest(
        "bench",
        "days",
        stage="before",
        by=("sex", "age_group", "intervention_type"),
        age_bins=bins,
    )
    request_b = AnalysisRequest(
        "bench", "days", compare=("before", "after"), by=("sex", "intervention_type")
    )
    system = Scope.system()
    aggregate(request_a, scope=system)  # warm: DuckDB's Parquet metadata, Python caches
    aggregate(request_b, scope=system)
    runs = options.runs
    a_times, a_result = timed(lambda: aggregate(request_a, scope=system), runs)
    params_a = {"programme": programme.pk, "stage": stage["before"], "variable": days}
    sql_a = SQL_A.format(age=AGE_SQL)
    sa_times, sa_rows = timed(lambda: _sql(sql_a, params_a), max(3, runs // 3))
    b_times, b_result = timed(lambda: aggregate(request_b, scope=system), runs)
    params_b = {
        "programme": programme.pk,
        "before": stage["before"],
        "after": stage["after"],
        "variable": days,
    }
    sb_times, sb_rows = timed(lambda: _sql(SQL_B, params_b), max(3, runs // 3))

    rebuilt = len(list(cache.glob("*/bench/m*.parquet"))) - len(frame.files)
    log("")
    log(f"(partitions rebuilt while timing: {rebuilt})")
    log(
        "(a) days at 'before' by sex × age group × intervention type "
        f"({len(a_result.rows)} rows incl. margins, {sum(r.suppressed for r in a_result.rows)} "
        "suppressed)"
    )
    log(f"    aggregate(), warm frame : {fmt(a_times)}")
    log(f"    hand-written SQL        : {fmt(sa_times)}")
    log(f"    ratio aggregate/SQL     : {ratio(a_times, sa_times):.3f}")
    log("    " + _check("check", a_result, sa_rows, 3, ["n", "n_value", "mean", "median", "sd"]))
    log(
        "(b) days, paired before → after, by sex × intervention type "
        f"({len(b_result.rows)} rows incl. margins; aggregate() adds Wilcoxon p, t interval,"
        " shares and suppression)"
    )
    log(f"    aggregate(), warm frame : {fmt(b_times)}")
    log(f"    hand-written SQL        : {fmt(sb_times)}")
    log(f"    ratio aggregate/SQL     : {ratio(b_times, sb_times):.3f}")
    log(
        "    "
        + _check(
            "check",
            b_result,
            sb_rows,
            2,
            ["n", "pairs", "mean_before", "mean_after", "mean_change", "sd_change", "improved"],
        )
    )

    duckdb_comparison(frame, bins, runs, (a_times, a_result), (b_times, b_result))

    target = ROOT / "var" / "bench" / "frame.csv"
    # The child reports its own peak (VmHWM of its process image): a forked child's rusage
    # would also count the pages it shared with this big parent before exec.
    child = (
        "import sys\n"
        "from insyn.cli import main\n"
        "try:\n"
        "    main()\n"
        "finally:\n"
        "    hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')]\n"
        "    print(hwm[0].split()[1], file=sys.stderr)\n"
    )
    started = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            child,
            "export",
            "frame",
            "--programme",
            "bench",
            "--format",
            "csv",
            "--output",
            str(target),
        ],
        env=dict(os.environ),
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    peak = int(done.stderr.strip().splitlines()[-1]) / 1024
    log(
        f"CSV export of the frame: {seconds:.1f} s, peak memory {peak:.0f} MB "
        f"({target.stat().st_size / 1e6:.0f} MB file; exit {done.returncode})"
    )
    log(f"    {done.stdout.strip()}")
    if done.returncode:
        log(done.stderr[-2000:])
    from bench_data_version import data_version_figures  # bench/ is on sys.path

    data_version_figures(runs)
    log("")
    log(
        "targets: (a) p50 ≤ 150 ms, (b) p50 ≤ 250 ms with a warm frame, frame build ≤ 30 s, "
        "CSV export ≤ 300 MB"
    )
    scale_summary(generated, build, a_times, b_times)


if __name__ == "__main__":
    main()
