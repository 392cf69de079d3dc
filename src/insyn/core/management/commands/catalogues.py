"""`insyn catalogues load [--app LABEL ...]`: upsert every app's YAML catalogues."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from insyn.core.catalogue_loader import load_catalogues


class Command(BaseCommand):
    help = "Catalogues as data: load (upsert) the YAML catalogues shipped in each app."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="Create or update catalogue rows from YAML.")
        load.add_argument("--app", action="append", help="Only this app label (repeatable).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = load_catalogues(options.get("app"))
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(
            f"catalogues: {len(result.files)} file(s), {result.created} created, "
            f"{result.updated} updated, {result.unchanged} unchanged"
        )
