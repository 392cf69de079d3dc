"""`insyn programme list | export KEY [--version N] | import FILE`: programmes as YAML files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from insyn.followup.models import Programme
from insyn.followup.services.exchange import programme_export, programme_import
from insyn.followup.spec import unit_from_code_path


class Command(BaseCommand):
    help = "Follow-up programmes: list them, export one as YAML, import a YAML file."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="Key, version, status and name of every programme version.")
        export = sub.add_parser("export", help="Write one programme version as YAML to stdout.")
        export.add_argument("key")
        export.add_argument("--version", type=int, help="Version number (default: the newest).")
        imp = sub.add_parser("import", help="Create a programme version from a YAML file.")
        imp.add_argument("file", help="Path to the YAML file, or - for stdin.")
        imp.add_argument(
            "--owner", help="Owner as a code path (e.g. 0780/AOV) instead of the file's owner."
        )
        imp.add_argument(
            "--new-version",
            action="store_true",
            help="If the file's version exists and differs, import it as a new draft version.",
        )
        imp.add_argument("--publish", action="store_true", help="Publish after importing.")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "list":
            self._list()
        elif action == "export":
            self._export(options["key"], options.get("version"))
        else:
            self._import(options)

    def _list(self) -> None:
        rows = Programme.objects.order_by("key", "version")
        for p in rows:
            self.stdout.write(f"{p.key}\t{p.version}\t{p.status}\t{p.name}")
        self.stderr.write(f"{rows.count()} programme version(s)")

    def _export(self, key: str, version: int | None) -> None:
        versions = Programme.objects.filter(key=key)
        programme = (
            versions.filter(version=version).first()
            if version is not None
            else versions.order_by("-version").first()
        )
        if programme is None:
            wanted = f"{key} version {version}" if version is not None else key
            raise CommandError(f"no programme {wanted}")
        self.stdout.write(programme_export(programme), ending="")

    def _import(self, options: dict[str, Any]) -> None:
        source = options["file"]
        try:
            text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {source}: {exc}") from exc
        owner = None
        if options.get("owner"):
            owner = unit_from_code_path(options["owner"])
            if owner is None:
                raise CommandError(f"no organisation unit {options['owner']}")
        try:
            result = programme_import(
                actor=None,
                text=text,
                owner=owner,
                new_version=options["new_version"],
                publish=options["publish"],
            )
        except ValidationError as exc:
            raise CommandError(
                f"{source} was not imported:\n  " + "\n  ".join(exc.messages)
            ) from exc
        p = result.programme
        created = (
            f", option sets created: {', '.join(result.option_sets_created)}"
            if result.option_sets_created
            else ""
        )
        self.stdout.write(f"{result.action}: {p.key} version {p.version} ({p.status}){created}")
