"""The data version's figures for `make bench` (issue 16, "no cliffs"): its read time, a CLI
query's whole process, and an edit's way into aggregate(). Called by bench/run.py's main()."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections import Counter

from run import ROOT, fmt, log, timed


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def data_version_figures(runs: int) -> None:
    """The data version's read cost, a CLI query's whole process, and an edit's way into
    aggregate() (one partition rebuilt); the scan that `--recheck` does, for comparison."""
    from insyn.analytics import cache as data_version
    from insyn.analytics.aggregate import AnalysisRequest, Scope, aggregate
    from insyn.analytics.frames import store
    from insyn.analytics.recheck import content_fingerprints
    from insyn.analytics.specs import load_spec
    from insyn.followup import services
    from insyn.followup.models import Enrollment, Occasion, Value

    spec = load_spec("bench")
    assert spec is not None
    read_times, versions = timed(lambda: data_version.partition_versions(spec), runs * 4)
    lookup_times, _ = timed(lambda: store.frame(spec), runs * 4)
    log("data version")
    log(f"    read ({len(versions)} partitions)  : {fmt(read_times)}")
    log(f"    frame lookup (+ file checks): {fmt(lookup_times)}")
    started = time.perf_counter()
    content_fingerprints(spec)
    log(f"    content scan (--recheck only): {time.perf_counter() - started:8.1f} s")

    output = ROOT / "var" / "bench" / "analyze.csv"
    command = [sys.executable, "-m", "insyn.cli", "analyze", "--programme", "bench"]
    command += ["--variable", "days", "--stage", "before", "--by", "sex", "--output", str(output)]
    env = {
        **os.environ,
        "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
    }
    walls, cpus = [], []
    for _ in range(3):
        started, used = time.perf_counter(), _children_cpu()
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        walls.append(time.perf_counter() - started)
        cpus.append(_children_cpu() - used)
        if done.returncode:
            log(done.stderr[-2000:])
    log(
        f"    `insyn analyze` whole process: p50 {statistics.median(walls):.1f} s "
        f"(min {min(walls):.1f}, max {max(walls):.1f}; 3 runs), CPU (user+sys) p50 "
        f"{statistics.median(cpus):.1f} s"
    )

    request = AnalysisRequest("bench", "days", stage="before")
    system = Scope.system()
    # A middle-sized municipality and the largest (the bench's sizes are skewed: the largest
    # holds most of the data, so its partition's rebuild is nearly a full build).
    sizes = sorted(
        Counter(
            Enrollment.objects.filter(programme__key="bench").values_list(
                "unit__municipality_id", flat=True
            )
        ).items(),
        key=lambda item: (item[1], item[0]),
    )
    edits = []
    for municipality, size in (sizes[len(sizes) // 2], sizes[-1]):
        occasion = (
            Occasion.objects.filter(
                enrollment__unit__municipality_id=municipality,
                enrollment__programme__key="bench",
                stage__key="before",
                status=Occasion.Status.DONE,
                values__variable__key="days",
            )
            .select_related("enrollment__unit")
            .order_by("pk")
            .first()
        )
        assert occasion is not None
        value = Value.objects.get(occasion=occasion, variable__key="days", item=None)
        old = aggregate(request, scope=system).rows[0].values["mean"]
        new_days = 0 if value.number else 30
        files = set(store.frame(spec).files)
        started, cpu = time.perf_counter(), time.process_time()
        services.occasion_record(
            actor=None, occasion=occasion, values={"days": str(new_days)}, done_on=occasion.done_on
        )
        wrote = time.perf_counter() - started
        mean = aggregate(request, scope=system).rows[0].values["mean"]
        total, cpu = time.perf_counter() - started, time.process_time() - cpu
        rebuilt = len(set(store.frame(spec).files) - files)
        edits.append((size, total, cpu, wrote, rebuilt, mean != old))
    for size, total, cpu, wrote, rebuilt, changed in edits:
        log(
            f"    edit → aggregate() shows it: {total:.2f} s (this process's CPU {cpu:.2f} s) "
            f"in a municipality of {size:,} enrolments (write {wrote * 1000:.0f} ms, "
            f"{rebuilt} partition rebuilt, "
            f"{'changed' if changed else 'UNCHANGED'})"
        )
