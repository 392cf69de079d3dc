"""`insyn demo`: a deterministic demo municipality; each app adds its own step."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
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

    def handle(self, *args: Any, **options: Any) -> None:
        from insyn.core.catalogue_loader import load_catalogues

        load_catalogues()
        logins: list[tuple[str, str, str]] = []
        for dotted in settings.INSYN_DEMO_STEPS:
            step = import_string(dotted)
            logins.extend(step(self.stdout) or [])
        print_logins(self.stdout, logins)
