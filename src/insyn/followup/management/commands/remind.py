"""`insyn remind [--dry-run] [--date YYYY-MM-DD]`: refresh occasion statuses and send each
responsible case worker one daily digest of due and overdue follow-ups, then run every reminder
job higher apps registered (core/reminders.py: quality's digest). Run daily from cron."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from insyn.core.reminders import reminder_jobs
from insyn.followup.services.reminders import reminders_send


class Command(BaseCommand):
    help = "Refresh follow-up statuses and e-mail each case worker their due and overdue ones."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Show who would get a digest; change nothing."
        )
        parser.add_argument("--date", help="Run as if today were this date (YYYY-MM-DD).")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options.get("date"):
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError("--date must be YYYY-MM-DD") from exc
        today = today or timezone.localdate()
        dry_run = options["dry_run"]
        verbose = options["verbosity"] > 1 or dry_run
        result = reminders_send(today=today, dry_run=dry_run)
        if verbose:
            for username, count in result.planned:
                self.stdout.write(f"  {username}: {count} occasion(s)")
        self.stdout.write(result.summary(dry_run))
        failed = result.failed
        for _name, job in reminder_jobs():
            outcome = job(today, dry_run)
            if verbose:
                for username, count in outcome.planned:
                    self.stdout.write(f"  {username}: {count} line(s)")
            self.stdout.write(outcome.summary)
            failed += outcome.failed
        if failed:
            raise CommandError(f"{failed} digest(s) could not be sent")
