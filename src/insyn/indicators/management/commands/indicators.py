"""`insyn indicators <subcommand>`: key figures from the command line (list, compute, show).
The subcommands live in insyn.indicators.cli, one module per area."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from insyn.indicators import cli


class Command(BaseCommand):
    help = "Key figures: list the catalogue, compute insyn's own figures, show a comparison."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for module in cli.modules():
            module.add_parsers(sub)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        for module in cli.modules():
            if action in module.HANDLERS:
                module.HANDLERS[action](self, options)
                return
        raise CommandError(f"Unknown subcommand {action}")
