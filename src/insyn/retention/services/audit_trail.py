"""The retention job's one call into the audit trail's purge hatch (insyn.core.purge).

Audit entries are append-only, by the ORM and by database triggers; `audit_purge()` opens a
transaction-local window the triggers allow (a session setting on PostgreSQL, a window row on
SQLite). Only the job (`insyn retention run`, run by the operator) reaches this module: the
web's run leaves audit entries alone (tests/core/test_audit_append_only.py holds that no web
or API module imports the hatch).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.db.models import Q
from django.utils import timezone

from insyn.core.models import AccessEntry, ChangeEntry
from insyn.core.purge import audit_purge


def _start_of_day_after(last: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time()))


def _entries(last: dt.date, org_path: str) -> tuple[Q, list[type[AccessEntry | ChangeEntry]]]:
    return Q(at__lt=_start_of_day_after(last), org_path__startswith=org_path), [
        AccessEntry,
        ChangeEntry,
    ]


def count_due(*, last: dt.date, org_path: str, held_clients: Collection[int]) -> tuple[int, int]:
    """(entries due, entries kept under a legal hold), over both audit tables."""
    where, models = _entries(last, org_path)
    due = held = 0
    for model in models:
        rows = model.objects.filter(where)
        if model is ChangeEntry:
            rows = rows.exclude(action="purge")
        kept = rows.filter(client_id__in=list(held_clients)).count() if held_clients else 0
        held += kept
        due += rows.count() - kept
    return due, held


def purge_due(*, last: dt.date, org_path: str, held_clients: Collection[int], reason: str) -> int:
    """Remove the municipality's entries recorded on or before `last`, except held ones."""
    result = audit_purge(
        before=_start_of_day_after(last),
        reason=reason,
        org_path=org_path,
        keep_client_ids=held_clients,
    )
    return result.access_entries + result.change_entries
