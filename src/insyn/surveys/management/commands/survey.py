"""`insyn survey list | export KEY | import FILE | load-templates | results KEY | send-due |
invite`."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from insyn.core import exports as files
from insyn.organisations.models import OrgUnit
from insyn.surveys import results as res
from insyn.surveys import results_export
from insyn.surveys.management.invite import add_invite_parser, run_invite
from insyn.surveys.models import Questionnaire, Response
from insyn.surveys.services import messaging, shipped
from insyn.surveys.services import questionnaires as services

FORMATS = ("csv", "csv-sv", "json", "xlsx")


class Command(BaseCommand):
    help = "Questionnaires: list, export/import YAML, load templates, results, send due messages."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="Key, version, name and whether anonymous, per version.")
        export = sub.add_parser("export", help="Print a questionnaire version as YAML.")
        export.add_argument("key")
        export.add_argument("--version", type=int, help="Default: the latest version.")
        export.add_argument("--output", help="Write to this file instead of standard output.")
        imp = sub.add_parser("import", help="Create or replace a questionnaire version from YAML.")
        imp.add_argument("file")
        imp.add_argument("--owner", help="Owner org unit code (default: the nation).")
        sub.add_parser("load-templates", help="Load the questionnaires shipped with insyn.")
        results = sub.add_parser("results", help="Suppressed results per question and group.")
        results.add_argument("key")
        results.add_argument("--by", default="", help="Comma-separated: role,unit,provider,period.")
        results.add_argument(
            "--format",
            default="csv",
            help="csv (default, for programs), csv-sv (for Swedish Excel), json or xlsx.",
        )
        results.add_argument("--output", help="File to write (required for xlsx).")
        sub.add_parser("send-due", help="Send the invitations and reminders whose time has come.")
        add_invite_parser(sub)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            getattr(self, "do_" + action.replace("-", "_"))(options)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc

    def do_list(self, options: dict[str, Any]) -> None:
        writer = csv.writer(self.stdout, delimiter="\t", lineterminator="\n")
        writer.writerow(["key", "version", "name", "anonymous", "status"])
        for q in Questionnaire.objects.order_by("key", "version"):
            writer.writerow([q.key, q.version, q.name, "yes" if q.anonymous else "no", q.status])

    def _questionnaire(self, key: str, version: int | None = None) -> Questionnaire:
        qs = Questionnaire.objects.filter(key=key)
        found = qs.filter(version=version).first() if version else res.latest_version(key)
        if found is None:
            raise CommandError(
                f"no questionnaire {key!r}" + (f" version {version}" if version else "")
            )
        return found

    def do_export(self, options: dict[str, Any]) -> None:
        text = services.questionnaire_export(
            self._questionnaire(options["key"], options["version"])
        )
        if options.get("output"):
            Path(options["output"]).write_text(text, encoding="utf-8")
            self.stdout.write(f"written {options['output']}")
        else:
            self.stdout.write(text, ending="")

    def do_import(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        if options.get("owner"):
            owner = OrgUnit.objects.filter(code=options["owner"]).order_by("depth").first()
            if owner is None:
                raise CommandError(f"no org unit with code {options['owner']!r}")
        else:
            owner = OrgUnit.objects.filter(kind=OrgUnit.Kind.NATION).first()
            if owner is None:
                raise CommandError("load the organisation reference first (insyn orgs load)")
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise CommandError("the file must be UTF-8 text") from exc
        questionnaire, what = services.questionnaire_import(actor=None, text=text, owner=owner)
        self.stdout.write(f"{questionnaire.key} v{questionnaire.version}: {what}")

    def do_load_templates(self, options: dict[str, Any]) -> None:
        for name, what in shipped.templates_load().items():
            self.stdout.write(f"{name}: {what}")

    def do_results(self, options: dict[str, Any]) -> None:
        fmt = options["format"]
        if fmt not in FORMATS:
            raise CommandError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
        by = [d.strip() for d in options["by"].split(",") if d.strip()]
        bad = [d for d in by if d not in res.DIMENSIONS]
        if bad:
            raise CommandError(f"--by takes {', '.join(res.DIMENSIONS)}; unknown: {', '.join(bad)}")
        if fmt == "xlsx" and not options.get("output"):
            raise CommandError("--format xlsx needs --output FILE")
        questionnaire = self._questionnaire(options["key"])
        # The CLI runs as the system: everything, pooled, and always suppressed.
        result = res.questionnaire_results(questionnaire, Response.objects.all(), by)
        if result.withheld:
            self.stderr.write(
                f"anonymous survey with {result.respondents} answers: fewer than "
                f"{res.min_cell()}, so no results are shown"
            )
        if fmt == "json":
            text = json.dumps(
                {
                    "questionnaire": questionnaire.key,
                    "version": questionnaire.version,
                    "by": by,
                    "rows": result.rows(),
                },
                ensure_ascii=False,
                indent=2,
            )
            self._emit(options, text + "\n")
        elif fmt == "xlsx":
            files.write_xlsx(options["output"], [results_export.sheet(result)])
            self.stdout.write(f"written {options['output']} ({len(result.rows())} rows)")
        else:
            writer = files.swedish_csv if fmt == "csv-sv" else files.machine_csv
            sheet = results_export.sheet(result)
            lines = list(writer(sheet.columns, sheet.rows))
            if fmt == "csv-sv" and not options.get("output"):
                lines = lines[1:]  # the BOM belongs in a file, not on a terminal
            self._emit(options, "".join(lines))

    def _emit(self, options: dict[str, Any], text: str) -> None:
        if options.get("output"):
            Path(options["output"]).write_text(text, encoding="utf-8")
            self.stdout.write(f"written {options['output']}")
        else:
            self.stdout.write(text, ending="")

    def do_send_due(self, options: dict[str, Any]) -> None:
        self.stdout.write(f"messages due: {messaging.send_due()}")

    def do_invite(self, options: dict[str, Any]) -> None:
        run_invite(options, self.stdout.write)
