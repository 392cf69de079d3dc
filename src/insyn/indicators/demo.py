"""`insyn demo` step for key figures: the shipped Kolada copy first, then each area's demo
(computed figures, comparison values, manual figures and targets, an Open Comparisons
publication) through the real services. The indicator catalogue itself is YAML, loaded by the
demo command's catalogue step first."""

from __future__ import annotations

from typing import TextIO

from insyn.indicators import demo_compare, demo_compute, demo_manage, demo_oj
from insyn.indicators.kolada import importer
from insyn.indicators.models import KoladaSnapshot


def load(stdout: TextIO) -> list[tuple[str, str, str]]:
    _kolada(stdout)
    logins: list[tuple[str, str, str]] = []
    for module in (demo_compute, demo_compare, demo_manage, demo_oj):
        logins += module.load(stdout)
    return logins


def _kolada(stdout: TextIO) -> None:
    """The shipped copy, skipped when already imported so the demo stays quick to re-run."""
    files = importer.shipped_files()
    detail = "\n".join(p.name for p in files)
    if KoladaSnapshot.objects.filter(
        source=KoladaSnapshot.Source.FILE, source_detail=detail
    ).exists():
        stdout.write("Kolada: the shipped copy is already imported\n")
        return
    snapshot = importer.run(importer.read_files(files), source=KoladaSnapshot.Source.FILE)
    stdout.write(f"Kolada (shipped copy): {snapshot.summary()}\n")
