"""`insyn run`: migrate, load the demo when the database is empty, and serve with gunicorn."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from insyn.core.management.commands.demo import print_logins


def _gunicorn_version() -> tuple[int, ...]:
    import gunicorn

    return tuple(gunicorn.version_info)


def served_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment gunicorn (and so the served settings) gets: debug off unless the
    developer asked for it with INSYN_DEBUG=1 (`make run DEBUG=1`). Debug pages list every
    address and view class to anyone who mistypes a URL; WhiteNoise serves the static files
    either way."""
    served = dict(environ)
    if not served.get("INSYN_DEBUG"):
        served["INSYN_DEBUG"] = "0"
    return served


class Command(BaseCommand):
    help = "Migrate, load demo data if the database is empty, and serve on http://HOST:PORT."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("INSYN_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("INSYN_PORT", "8000")))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("INSYN_WORKERS", "2"))
        )
        parser.add_argument("--no-demo", action="store_true", help="Never load demo data.")

    def handle(self, *args: Any, **options: Any) -> None:
        from insyn.accounts.models import User
        from insyn.organisations import demo

        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("database migrated")
        call_command("catalogues", "load", stdout=self.stdout)
        if not options["no_demo"] and not User.objects.exists():
            self.stdout.write("empty database: loading the demo municipality …")
            call_command("demo", stdout=self.stdout)
        elif User.objects.filter(username__in=[u[0] for u in demo.USERS]).exists():
            logins = [
                (str(role.label), username, demo.DEMO_PASSWORD)
                for username, _f, _l, role, _w in demo.USERS
                if User.objects.filter(username=username, is_active=True).exists()
            ]
            print_logins(self.stdout, logins)
        call_command("collectstatic", interactive=False, verbosity=0)
        url = f"http://{options['host']}:{options['port']}"
        self.stdout.write(self.style.SUCCESS(f"insyn is serving on {url}  (Ctrl-C stops it)"))
        sys.stdout.flush()
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "insyn.wsgi:application",
            "--bind",
            f"{options['host']}:{options['port']}",
            "--workers",
            str(options["workers"]),
            "--access-logfile",
            "-",
            # Query strings never reach the access log (a personnummer typed into a search).
            "--logger-class",
            "insyn.core.gunicorn_logging.RedactingLogger",
            "--timeout",
            "120",
        ]
        if _gunicorn_version() >= (25, 0):
            # Every gunicorn of a user on a host would share one control socket (gunicorn.ctl in
            # $XDG_RUNTIME_DIR or ~/.gunicorn), so a second app node there would take it over
            # from the first; insyn does not use it.
            argv.append("--no-control-socket")
        if served_environment(os.environ)["INSYN_DEBUG"] not in {"0", "false", "no", "off"}:
            self.stdout.write(self.style.WARNING("debug pages are on (INSYN_DEBUG)"))
        # gunicorn inherits this environment (debug off unless asked); it replaces this process
        os.environ.update(served_environment(os.environ))
        os.execv(sys.executable, argv)  # noqa: S606
