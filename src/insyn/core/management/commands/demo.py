"""`insyn demo`: a deterministic demo municipality; each app adds its own step."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.module_loading import import_string


def print_logins(stdout: Any, logins: list[tuple[str, str, str]]) -> None:
    if not logins:
        return
    stdout.write("\nDemo logins (role, username, password):")
    for role, username, password in logins:
        stdout.write(f"  {role:<22} {username:<14} {password}")
    stdout.write("")


class Command(BaseCommand):
    help = "Create the demo municipality (Växjö) with one user per role. Safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--only",
            action="append",
            metavar="APP",
            help="Run only this app's demo step (repeatable), e.g. --only organisations.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from insyn.core.catalogue_loader import load_catalogues

        load_catalogues()
        logins: list[tuple[str, str, str]] = []
        steps = list(settings.INSYN_DEMO_STEPS)
        if options.get("only"):
            unknown = set(options["only"]) - {s.split(".")[1] for s in steps}
            if unknown:
                raise CommandError(f"no demo step for: {', '.join(sorted(unknown))}")
            steps = [s for s in steps if s.split(".")[1] in options["only"]]
        for dotted in steps:
            step = import_string(dotted)
            logins.extend(step(self.stdout) or [])
        print_logins(self.stdout, logins)
