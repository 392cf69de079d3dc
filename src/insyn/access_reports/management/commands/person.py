"""`insyn person report`: a person's access report (registerutdrag), number read from stdin.

The number is read from standard input, never from the arguments, so it stays out of the
shell history and the process list. The operator runs it as the system; producing is logged
like the web's (an `export` access entry with no actor, visible to the municipality's
auditors)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from insyn.access_reports.services import FORMATS, access_report_produce
from insyn.organisations.models import OrgUnit


class Command(BaseCommand):
    help = (
        "A person's access report: `echo NUMBER | insyn person report --municipality CODE "
        "--output FILE [--format pdf|json]`."
    )
    stealth_options = ("stdin",)  # tests hand the number in as a stream

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True, metavar="report")
        report = sub.add_parser(
            "report",
            help="Everything held about one person in a municipality (GDPR art. 15); "
            "the identity number is read from standard input.",
        )
        report.add_argument("--municipality", required=True, metavar="CODE")
        report.add_argument("--output", required=True, metavar="FILE")
        report.add_argument("--format", choices=FORMATS, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"])
        fmt = options["format"] or ("json" if output.suffix.lower() == ".json" else "pdf")
        municipality = OrgUnit.objects.filter(
            code=options["municipality"], kind=OrgUnit.Kind.MUNICIPALITY
        ).first()
        if municipality is None:
            raise CommandError(f"There is no municipality with the code {options['municipality']}.")
        stdin = options.get("stdin") or sys.stdin
        number = stdin.readline().strip()
        try:
            produced = access_report_produce(
                actor=None, municipality=municipality, personnummer=number, fmt=fmt, via="cli"
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        try:
            output.write_bytes(produced.content)
        except OSError as exc:
            raise CommandError(f"cannot write {output}: {exc.strerror}") from exc
        report = produced.report
        self.stdout.write(
            f"{report.record_count()} records, {len(report.reads)} reads and "
            f"{len(report.changes)} changes written to {output} ({fmt})"
        )
