"""`insyn export frame`: the analysis-ready frame with a codebook, for researchers.

Individual-level data: the operator runs it as the system, and it is logged like every
other export (an access entry with no actor)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from insyn.analytics import frame_export
from insyn.analytics.export_audit import record_frame_export
from insyn.analytics.scope import Scope
from insyn.analytics.specs import SpecError, load_spec


class Command(BaseCommand):
    help = "Exports: `insyn export frame --programme KEY --format csv|xlsx|parquet`."
    # The system checks import every URLconf and view (charts, statistics): memory an export
    # of half a million rows should not carry.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True, metavar="frame")
        frame = sub.add_parser("frame", help="The analysis frame with pseudonymous ids.")
        frame.add_argument("--programme", required=True, metavar="KEY")
        frame.add_argument("--format", choices=frame_export.FORMATS, default="csv")
        frame.add_argument("--output", metavar="FILE")
        frame.add_argument(
            "--key",
            metavar="EXPORT_KEY",
            help="Pseudonyms are stable for one key: reuse it to link extracts "
            "(default: a new random key, so the extract links to nothing).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            spec = load_spec(options["programme"])
        except SpecError as exc:
            raise CommandError(str(exc)) from exc
        if spec is None:
            raise CommandError(
                _("There is no programme with the key %(key)s.") % {"key": options["programme"]}
            )
        fmt = options["format"]
        output = Path(options["output"] or f"{spec.key}-frame-{timezone.localdate():%Y%m%d}.{fmt}")
        extract = frame_export.prepare(spec, scope=Scope.system(), export_key=options["key"])
        try:
            if fmt == "csv":
                with output.open("wb") as fh:
                    for chunk in frame_export.csv_chunks(extract):
                        fh.write(chunk)
            elif fmt == "parquet":
                frame_export.write_parquet(extract, output)
            else:
                frame_export.write_xlsx(extract, output)
            book = None
            if fmt != "xlsx":
                book = output.with_name(output.stem + ".codebook.csv")
                book.write_text(frame_export.codebook_csv(extract), encoding="utf-8")
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"cannot write {output}: {exc.strerror}") from exc
        record_frame_export(
            actor=None,
            extract=extract,
            fmt=fmt,
            via="cli",
            linkable=options["key"] is not None,
        )
        where = f"{output}" + (f" (codebook: {book})" if book else "")
        self.stdout.write(
            f"{extract.rows} enrolments, {len(extract.codebook)} columns written to {where}; "
            f"export key {extract.export_key}"
        )
