"""Daily reminder jobs as a registry: `insyn remind` (in followup, a lower app) runs followup's
own digest and then every job a higher app registered at start-up (quality's digest), so no
lower app imports a higher one (ARCHITECTURE: "Which app may import which")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ReminderOutcome:
    """What one job did: a summary line for the command, the per-user plan (for --dry-run)
    and how many digests failed (the command exits non-zero when any did)."""

    summary: str
    planned: tuple[tuple[str, int], ...] = ()  # (username, lines)
    failed: int = 0


# fn(today, dry_run) -> ReminderOutcome; must never raise for one bad address (count it).
ReminderJob = Callable[[dt.date, bool], ReminderOutcome]

_JOBS: dict[str, ReminderJob] = {}


def register_reminder_job(name: str, fn: ReminderJob) -> None:
    """Register (or replace, so ready() may run twice) the job called `name`."""
    _JOBS[name] = fn


def reminder_jobs() -> list[tuple[str, ReminderJob]]:
    return sorted(_JOBS.items())
