"""`insyn demo` step: the shipped Kolada copy (areas, groups, KPI catalogue, sample values).
The indicator catalogue itself is YAML, loaded by the demo command's catalogue step first.
Skipped when the shipped copy was already imported, so the demo stays quick to re-run."""

from __future__ import annotations

from typing import TextIO

from insyn.indicators.kolada import importer
from insyn.indicators.models import KoladaSnapshot


def load(stdout: TextIO) -> list[tuple[str, str, str]]:
    files = importer.shipped_files()
    detail = "\n".join(p.name for p in files)
    if KoladaSnapshot.objects.filter(
        source=KoladaSnapshot.Source.FILE, source_detail=detail
    ).exists():
        stdout.write("Kolada: the shipped copy is already imported\n")
        return []
    snapshot = importer.run(importer.read_files(files), source=KoladaSnapshot.Source.FILE)
    stdout.write(f"Kolada (shipped copy): {snapshot.summary()}\n")
    return []
