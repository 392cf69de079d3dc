"""`insyn orgs load-reference` and `insyn orgs tree CODE`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from insyn.organisations.models import OrgUnit
from insyn.organisations.services import load_reference


class Command(BaseCommand):
    help = "Organisation tree: load the reference municipalities and regions, or print a subtree."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load-reference", help="Load Riket, the 21 regions and 290 municipalities.")
        tree = sub.add_parser("tree", help="Print the subtree below a code (default: Riket).")
        tree.add_argument("code", nargs="?", default="0000")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "load-reference":
            result = load_reference()
            counts = OrgUnit.objects.values_list("kind")
            regions = counts.filter(kind=OrgUnit.Kind.REGION).count()
            municipalities = counts.filter(kind=OrgUnit.Kind.MUNICIPALITY).count()
            self.stdout.write(
                f"reference loaded: {result.created} created, {result.updated} renamed, "
                f"{result.unchanged} unchanged; {regions} regions, {municipalities} municipalities"
            )
            return
        root = OrgUnit.objects.filter(
            code=options["code"], kind__in=OrgUnit.REFERENCE_KINDS
        ).first()
        if root is None:
            raise CommandError(f"no reference unit with code {options['code']}")
        for unit in root.subtree().order_by("path"):
            indent = "  " * (unit.depth - root.depth)
            self.stdout.write(f"{indent}{unit.code}  {unit.name}  [{unit.kind}]")
