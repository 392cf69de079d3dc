"""`insyn import PATH --municipality CODE [--dry-run]`: import from the municipality's case
system. PATH is a folder of CSV files or one XLSX workbook (see docs/import-format.md)."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from insyn.imports.formats import read_path
from insyn.imports.pipeline import municipality_by_code, run_import
from insyn.imports.report import problems_text, progress_text


class Progress:
    """One progress line on stderr, redrawn at most a few times a second. Like every message
    of the command it is in the product's language (Swedish unless LANGUAGE_CODE says else)."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.last = 0.0
        self.tty = hasattr(stream, "isatty") and stream.isatty()

    def __call__(self, sheet: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done != total and now - self.last < 0.5:
            return
        self.last = now
        line = progress_text(sheet, done, total)
        if self.tty:
            self.stream.write(f"\r{line}\x1b[K" + ("\n" if done == total else ""))
        elif done == total or total >= 1000:
            self.stream.write(line + "\n")
        self.stream.flush()


class Command(BaseCommand):
    help = (
        "Import clients, cases, interventions, investigations, appeals, measurements and goals "
        "from CSV or XLSX."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="A folder of CSV files, or one XLSX workbook.")
        parser.add_argument(
            "--municipality", required=True, help="The municipality code, e.g. 0780."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and count everything; write nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            municipality = municipality_by_code(options["municipality"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        source = read_path(Path(options["path"]))
        report = run_import(
            source,
            municipality=municipality,
            actor=None,
            dry_run=options["dry_run"],
            progress=Progress(getattr(self.stderr, "_out", sys.stderr)),
        )
        for line in report.summary_lines():
            self.stdout.write(line)
        if not report.ok:
            for issue in report.issues:
                self.stderr.write(str(issue))
            raise CommandError(problems_text(len(report.issues)))
        if report.dry_run:
            self.stdout.write(_("Dry run: everything is valid; nothing was written."))
        else:
            self.stdout.write(
                _("Imported into %(name)s (%(code)s).")
                % {"name": municipality.name, "code": municipality.code}
            )
