"""`insyn catalogues load [--app LABEL ...]`: upsert every app's YAML catalogues.
`insyn catalogues list [NAME]`: the catalogues' names, or one catalogue's codes and labels
(the codes import files and programme definitions use)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from insyn.core.catalogue_list import catalogue_named, catalogue_rows, catalogues
from insyn.core.catalogue_loader import load_catalogues


class Command(BaseCommand):
    help = (
        "Catalogues as data: load (upsert) the YAML catalogues shipped in each app, or list them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="Create or update catalogue rows from YAML.")
        load.add_argument("--app", action="append", help="Only this app label (repeatable).")
        ls = sub.add_parser(
            "list", help="Catalogue names; with NAME, that catalogue's codes and labels."
        )
        ls.add_argument("name", nargs="?", help="A catalogue name, e.g. intervention-types.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            self._list(options.get("name"))
            return
        try:
            result = load_catalogues(options.get("app"))
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(
            f"catalogues: {len(result.files)} file(s), {result.created} created, "
            f"{result.updated} updated, {result.unchanged} unchanged"
        )

    def _list(self, name: str | None) -> None:
        """Tab-separated, one line a catalogue (name, title, rows) or a row (code, label,
        and "inactive" for a row kept only for old records)."""
        if not name:
            for catalogue in catalogues():
                count = catalogue.model._default_manager.count()
                self.stdout.write(f"{catalogue.name}\t{catalogue.title}\t{count}")
            return
        named = catalogue_named(name)
        if named is None:
            raise CommandError(
                _("Unknown catalogue: %(name)s (see `insyn catalogues list`).") % {"name": name}
            )
        for row in catalogue_rows(named):
            cells = [*row.key, row.label] + ([] if row.active else [_("inactive")])
            self.stdout.write("\t".join(cells))
