"""`insyn analyze`: a suppressed group table from the command line (docs/analysis.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from insyn.analytics import exports
from insyn.analytics.aggregate import AnalysisError, Scope, aggregate
from insyn.analytics.params import request_from_params
from insyn.analytics.specs import ProgrammeSpec, SpecError, load_spec

FORMATS = ("csv", "csv-sv", "json", "xlsx")


class Command(BaseCommand):
    help = (
        "Group results of a follow-up programme: n and measures per group, suppressed like "
        "every other output. --list shows the programme's stages and variables."
    )
    # The system checks import every URLconf and view (seconds of CPU): a query from the
    # command line needs none of them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--programme", required=True, metavar="KEY")
        parser.add_argument("--list", action="store_true", help="Stages and variables.")
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help="Mark every partition of the programme stale (after writes that bypassed the "
            "services); the next query rebuilds them.",
        )
        parser.add_argument(
            "--recheck",
            action="store_true",
            help="Scan the programme's data and mark stale the municipalities whose content "
            "changed since the last recheck (a few seconds per million occasions).",
        )
        parser.add_argument("--variable", metavar="VAR")
        stage = parser.add_mutually_exclusive_group()
        stage.add_argument("--stage", metavar="STAGE")
        stage.add_argument("--compare", metavar="STAGE:STAGE", help="Paired before/after.")
        parser.add_argument("--by", metavar="DIM[,DIM[,DIM]]", help="Up to three breakdowns.")
        parser.add_argument("--age-groups", metavar="0-12,13-17,18-")
        parser.add_argument("--from", dest="date_from", metavar="DATE")
        parser.add_argument("--to", dest="date_to", metavar="DATE")
        parser.add_argument("--unit", action="append", metavar="CODE")
        parser.add_argument("--programme-version", action="append", metavar="N")
        parser.add_argument(
            "--format",
            choices=FORMATS,
            default="csv",
            help="csv: for programs (comma, decimal point, English keys); csv-sv: for "
            "Swedish Excel (semicolon, decimal comma, Swedish headers, rounded as on the "
            "page); json; xlsx.",
        )
        parser.add_argument("--output", metavar="FILE")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            self._list(options["programme"])
            return
        if options["rebuild"] or options["recheck"]:
            self._invalidate(options["programme"], recheck=options["recheck"])
            return
        if not options["variable"]:
            raise CommandError("--variable is required (or use --list to see the variables)")
        if options["format"] == "xlsx" and not options["output"]:
            raise CommandError("--format xlsx needs --output FILE")
        params = {
            "programme": options["programme"],
            "variable": options["variable"],
            "stage": options["stage"],
            "compare": options["compare"],
            "by": options["by"],
            "age_groups": options["age_groups"],
            "from": options["date_from"],
            "to": options["date_to"],
            "unit": options["unit"],
            "version": options["programme_version"],
        }
        try:
            result = aggregate(request_from_params(params), scope=Scope.system())
        except AnalysisError as exc:
            raise CommandError(str(exc)) from exc
        output = options["output"]
        fmt = options["format"]
        if fmt == "xlsx":
            exports.write_xlsx(result, output)
        elif fmt == "json":
            self._emit(exports.json_text(result) + "\n", output)
        elif fmt == "csv-sv":
            lines = list(exports.swedish_csv_lines(result))
            self._emit("".join(lines if output else lines[1:]), output)  # BOM only in a file
        else:
            self._emit("".join(exports.csv_lines(result)), output)
        if output:
            hidden = sum(r.suppressed for r in result.rows)
            self.stderr.write(
                f"{len(result.rows)} rows ({hidden} suppressed, fewer than "
                f"{result.min_cell} individuals or complementary) written to {output}"
            )

    def _emit(self, text: str, output: str | None) -> None:
        if output:
            try:
                Path(output).write_text(text, encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"cannot write {output}: {exc.strerror}") from exc
        else:
            self.stdout.write(text, ending="")

    def _invalidate(self, key: str, *, recheck: bool) -> None:
        from insyn.analytics import cache
        from insyn.analytics.recheck import recheck as recheck_content

        spec = self._spec(key)
        if recheck:
            changed = recheck_content(spec)
            self.stdout.write(f"{len(changed)} municipalities changed: partitions marked stale")
        else:
            with transaction.atomic():
                cache.bump(spec.key)
            self.stdout.write("Every partition marked stale; the next query rebuilds them.")

    def _spec(self, key: str) -> ProgrammeSpec:
        try:
            spec = load_spec(key)
        except SpecError as exc:
            raise CommandError(str(exc)) from exc
        if spec is None:
            raise CommandError(f"There is no programme with the key {key}.")
        return spec

    def _list(self, key: str) -> None:
        spec = self._spec(key)
        versions = ", ".join(str(v) for v in sorted(spec.versions.values()))
        self.stdout.write(f"{spec.key}: {spec.name} (versions {versions})")
        self.stdout.write("\nStages (key, kind, name):")
        for stage in spec.stages:
            self.stdout.write(f"  {stage.key:<20} {stage.kind:<8} {stage.name}")
        self.stdout.write("\nVariables (key, type, stages, label):")
        for v in spec.variables:
            extra = f" [{v.unit}]" if v.unit else ""
            if v.options:
                extra += " options: " + ", ".join(o.code for o in v.options)
            if v.bands:
                extra += " bands: " + ", ".join(v.band_codes())
            if v.source != "programme":
                extra += f" (from {v.source})"
            self.stdout.write(
                f"  {v.key:<20} {v.type:<11} {','.join(v.stages):<24} {v.label}{extra}"
            )
