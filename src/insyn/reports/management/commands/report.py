"""`insyn report build|templates`: the quality report from the command line.

    insyn report build --template default --year 2025 --municipality 0780 --user kvalitet \
        --format pdf --output kvalitetsberattelse.pdf
    insyn report build --frozen 12 --format docx --output approved.docx
    insyn report templates [--municipality CODE] [--export KEY]
    insyn report templates --import FILE --municipality CODE --user USERNAME

A live build is made with a user's permissions (`--user`): the report shows what that user may
see, suppressed as on the pages. An approved report (`--frozen ID`) is written from its stored
files, byte for byte. `templates --export` prints the version that applies (the
municipality's own newest active one, else the shipped file) exactly as stored; `--import`
stores a municipality's new version, checked as on the templates page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from insyn.accounts.models import User
from insyn.organisations.models import OrgUnit
from insyn.reports import spec
from insyn.reports.models import Report
from insyn.reports.renderers import CONTENT_TYPES, render
from insyn.reports.selectors import templates as template_selectors
from insyn.reports.services import templates as template_services
from insyn.reports.services.build import resolve


class Command(BaseCommand):
    help = "Build the quality report (HTML, PDF, DOCX) or list and export report templates."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        build = sub.add_parser("build", help="Build a report file.")
        build.add_argument("--template", default="default")
        build.add_argument("--year", type=int)
        build.add_argument("--municipality", help="the municipality's code, e.g. 0780")
        build.add_argument(
            "--unit", help="a unit's code within the municipality (default: the municipality)"
        )
        build.add_argument("--user", help="build with this user's permissions")
        build.add_argument("--language", default="sv", choices=spec.LANGUAGES)
        build.add_argument("--frozen", type=int, help="an approved report's id")
        build.add_argument("--format", required=True, choices=sorted(CONTENT_TYPES))
        build.add_argument("--output", required=True)
        templates = sub.add_parser(
            "templates", help="List, export or import (a municipality's own) report templates."
        )
        action = templates.add_mutually_exclusive_group()
        action.add_argument(
            "--export", metavar="KEY", help="print the YAML of the one that applies"
        )
        action.add_argument(
            "--import", dest="import_file", metavar="FILE", help="store a municipality's version"
        )
        templates.add_argument("--municipality", help="the municipality's code, e.g. 0780")
        templates.add_argument("--user", help="import as this user (a quality lead there)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "templates":
            self._templates(options)
        else:
            self._build(options)

    def _templates(self, options: dict[str, Any]) -> None:
        municipality = (
            self._municipality(options["municipality"]) if options.get("municipality") else None
        )
        if options.get("import_file"):
            self._import(options, municipality)
            return
        if options.get("export"):
            try:
                source = template_selectors.export_source(options["export"], municipality)
            except spec.TemplateError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(source, ending="" if source.endswith("\n") else "\n")
            return
        for key in spec.available(municipality):
            t = spec.load(key, municipality)
            self.stdout.write(f"{key}\tv{t['version']}\t{spec.text(t['title'], 'sv')}")

    def _import(self, options: dict[str, Any], municipality: OrgUnit | None) -> None:
        missing = [f"--{k}" for k in ("municipality", "user") if not options.get(k)]
        if missing:
            raise CommandError("An import needs " + ", ".join(missing) + ".")
        assert municipality is not None
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {options['user']}.")
        try:
            source = Path(options["import_file"]).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {options['import_file']}: {exc}") from exc
        try:
            template = template_services.upload(
                actor=user, municipality=municipality, source=source
            )
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        except Http404:
            raise CommandError(
                f"{user.get_username()} does not manage the report templates of "
                f"{municipality.name}."
            ) from None
        self.stdout.write(
            f"Stored {template.key} v{template.version} for {municipality.name}; "
            "it applies to new drafts."
        )

    def _municipality(self, code: str) -> OrgUnit:
        municipality = OrgUnit.objects.filter(kind=OrgUnit.Kind.MUNICIPALITY, code=code).first()
        if municipality is None:
            raise CommandError(f"No municipality with code {code}.")
        return municipality

    def _build(self, options: dict[str, Any]) -> None:
        fmt = options["format"]
        if options.get("frozen"):
            report = Report.objects.filter(pk=options["frozen"]).first()
            if report is None or not report.is_frozen:
                raise CommandError(f"No approved report with id {options['frozen']}.")
            stored = report.files.filter(format=fmt).first()
            if stored is None:
                raise CommandError(f"The approved report has no {fmt} file.")
            content = bytes(stored.content)
        else:
            content = render(self._live(options), fmt)
        Path(options["output"]).write_bytes(content)
        self.stdout.write(f"Wrote {options['output']} ({len(content)} bytes, {fmt}).")

    def _live(self, options: dict[str, Any]) -> Any:
        missing = [f"--{k}" for k in ("year", "municipality", "user") if not options.get(k)]
        if missing:
            raise CommandError("A live build needs " + ", ".join(missing) + " (or --frozen ID).")
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {options['user']}.")
        municipality = self._municipality(options["municipality"])
        unit: OrgUnit | None = municipality
        if options.get("unit"):
            unit = OrgUnit.objects.filter(municipality=municipality, code=options["unit"]).first()
        if unit is None:
            raise CommandError(f"No unit {options['unit']} in {municipality.name}.")
        try:
            template = spec.load(options["template"], municipality)
        except spec.TemplateError as exc:
            raise CommandError(str(exc)) from exc
        return resolve(
            template, user=user, unit=unit, year=options["year"], language=options["language"]
        )
