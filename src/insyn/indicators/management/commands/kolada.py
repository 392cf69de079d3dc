"""`insyn kolada import [--file PATH ... | --api] [--kpi ...] [--years ...] [--municipality ...]`

Without --file or --api it loads the shipped copy (municipalities, groups, the KPI catalogue,
sample values). --api fetches through the v3 API (needs --kpi, and --years or
--municipality); --from-date fetches only what changed since a date; --groups also fetches
the municipality groups. `insyn kolada snapshots` lists the last runs.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from insyn.indicators.kolada import importer
from insyn.indicators.kolada.client import KoladaClient, KoladaError
from insyn.indicators.kolada.transport import TransportError
from insyn.indicators.models import KoladaSnapshot


def split(values: list[str] | None) -> list[str]:
    """`--kpi A,B --kpi C` → [A, B, C]."""
    return [v.strip() for item in values or [] for v in item.split(",") if v.strip()]


class Command(BaseCommand):
    help = "Kolada: import the shipped copy, files in the API's JSON shape, or the v3 API."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Import Kolada data (one snapshot per run).")
        imp.add_argument("--file", action="append", help="A JSON(.gz) file or folder (repeatable).")
        imp.add_argument("--api", action="store_true", help="Fetch from the Kolada v3 API.")
        imp.add_argument("--kpi", action="append", help="KPI ids, comma-separated or repeated.")
        imp.add_argument("--years", action="append", help="Years, comma-separated or repeated.")
        imp.add_argument("--municipality", action="append", help="Kolada area ids (0780, 0007).")
        imp.add_argument("--from-date", help="With --api: only data changed since YYYY-MM-DD.")
        imp.add_argument("--groups", action="store_true", help="With --api: fetch the groups too.")
        snaps = sub.add_parser("snapshots", help="List the last import runs.")
        snaps.add_argument("--limit", type=int, default=10)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "snapshots":
            for snap in KoladaSnapshot.objects.all()[: options["limit"]]:
                self.stdout.write(f"{snap.pk:>5} {snap}: {snap.summary()}")
            return
        kpis = split(options.get("kpi"))
        municipalities = split(options.get("municipality"))
        try:
            years = [int(y) for y in split(options.get("years"))]
        except ValueError as exc:
            raise CommandError("--years takes years such as 2023,2024") from exc
        from_date = None
        if options.get("from_date"):
            try:
                from_date = datetime.date.fromisoformat(options["from_date"])
            except ValueError as exc:
                raise CommandError("--from-date takes a date such as 2026-01-31") from exc
        if options["api"] and options.get("file"):
            raise CommandError("Use --file or --api, not both.")
        try:
            if options["api"]:
                if not kpis or not (years or municipalities):
                    raise CommandError("--api needs --kpi and --years or --municipality.")
                batch = importer.fetch(
                    KoladaClient(),
                    kpis=kpis,
                    years=years,
                    municipalities=municipalities,
                    from_date=from_date,
                    with_groups=options["groups"],
                )
                source = KoladaSnapshot.Source.API
            else:
                if from_date:
                    raise CommandError("--from-date only applies to --api.")
                paths = [Path(p) for p in options.get("file") or []] or importer.shipped_files()
                batch = importer.read_files(paths)
                source = KoladaSnapshot.Source.FILE
            snapshot = importer.run(
                batch,
                source=source,
                kpis=kpis,
                years=years,
                municipalities=municipalities,
                increment=from_date is not None,
            )
        except (importer.KoladaImportError, KoladaError, TransportError) as exc:
            raise CommandError(f"Kolada import failed, nothing was imported: {exc}") from exc
        self.stdout.write(f"kolada: snapshot {snapshot.pk}: {snapshot.summary()}")
