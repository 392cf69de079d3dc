"""The frame cache on disk: one Parquet file per programme key, municipality and data
version under `INSYN_ANALYTICS_CACHE/<database>/<programme>/`. Files are immutable (a new
version is a new file), written to a temporary name and renamed, built under a lock so
several workers do not build the same partition twice. The cache is rebuildable: deleting
the directory only costs the next query a build."""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from django.conf import settings

from insyn.analytics import cache
from insyn.analytics.frames.build import build_frame
from insyn.analytics.specs import ProgrammeSpec
from insyn.core import context

GRACE_SECONDS = 600  # superseded files stay this long for readers that already listed them


@dataclass
class Frame:
    spec: ProgrammeSpec
    files: list[Path]
    municipality_ids: list[int]

    def source_sql(self) -> str:
        names = ", ".join("'" + str(p).replace("'", "''") + "'" for p in self.files)
        return f"read_parquet([{names}])"


def root() -> Path:
    return Path(settings.INSYN_ANALYTICS_CACHE) / cache.database_id()


def _dir(spec: ProgrammeSpec) -> Path:
    return root() / spec.key


def connect(*, building: bool = False, memory: str | None = None) -> duckdb.DuckDBPyConnection:
    config: dict[str, Any] = {"memory_limit": memory or settings.INSYN_ANALYTICS_MEMORY}
    if settings.INSYN_ANALYTICS_THREADS:
        config["threads"] = str(settings.INSYN_ANALYTICS_THREADS)
    con = duckdb.connect(config=config)
    tmp = root() / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    con.execute(f"SET temp_directory = '{tmp}'")
    if not building:
        con.execute("SET enable_object_cache = true")
    return con


_local = threading.local()


def reader() -> duckdb.DuckDBPyConnection:
    """A DuckDB connection per thread, kept open so Parquet metadata stays cached."""
    con = getattr(_local, "con", None)
    if con is None:
        con = _local.con = connect()
    return con


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def frame(spec: ProgrammeSpec, municipality_ids: Iterable[int] | None = None) -> Frame:
    """The programme's frame for these municipalities (None: all), built where stale."""
    # every chart of a page asks: the versions are read once per request (a write empties it)
    versions = dict(
        context.memoised(
            ("analytics.partition_versions", spec.key, spec.fingerprint),
            lambda: cache.partition_versions(spec),
        )
    )
    if municipality_ids is not None:
        wanted = set(municipality_ids)
        versions = {m: v for m, v in versions.items() if m in wanted}
    directory = _dir(spec)
    paths = {m: directory / f"m{m}-{v}.parquet" for m, v in versions.items()}
    empty = directory / f"empty-{cache.FRAME_FORMAT}-{spec.fingerprint}.parquet"

    def missing() -> list[int]:
        return sorted(m for m, p in paths.items() if not (p.exists() or _marker(p).exists()))

    if missing() or not empty.exists():
        with _locked(directory):
            todo = missing()
            if todo:
                build(spec, {m: paths[m] for m in todo})
            if not empty.exists():
                build(spec, {}, empty=empty)
    present = [m for m in sorted(paths) if paths[m].exists()]
    return Frame(spec, [paths[m] for m in present] or [empty], present)


def _marker(path: Path) -> Path:
    """Stands for a partition without rows: no file to open on every query."""
    return path.with_suffix(".empty")


def build(spec: ProgrammeSpec, targets: dict[int, Path], *, empty: Path | None = None) -> None:
    """Extract and write the given partitions (one extraction for all of them)."""
    con = connect(building=True)
    tmp = root() / "tmp"
    try:
        everything = set(targets) == set(cache.partition_versions(spec))
        build_frame(con, spec, None if everything and targets else sorted(targets), tmp)
        if empty is not None:
            _write(con, "SELECT * FROM frame WHERE false", empty)
        counts = dict(
            con.execute("SELECT municipality_id, count(*) FROM frame GROUP BY 1").fetchall()
        )
        for m, path in targets.items():
            if counts.get(m):
                _write(con, f"SELECT * FROM frame WHERE municipality_id = {int(m)}", path)  # noqa: S608
                keep = path
            else:
                keep = _marker(path)
                keep.touch()
            _sweep(path.parent, f"m{m}-", keep=keep)
    finally:
        con.close()


def _write(con: duckdb.DuckDBPyConnection, select: str, path: Path) -> None:
    tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
    con.execute(
        f"COPY ({select} ORDER BY enrollment_id) TO '{tmp}' "
        "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)"
    )
    os.replace(tmp, path)


def _sweep(directory: Path, prefix: str, keep: Path) -> None:
    now = time.time()
    for old in [*directory.glob(f"{prefix}*.parquet"), *directory.glob(f"{prefix}*.empty")]:
        if old != keep and now - old.stat().st_mtime > GRACE_SECONDS:
            with contextlib.suppress(FileNotFoundError):
                old.unlink()
