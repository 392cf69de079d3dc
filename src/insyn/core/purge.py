"""The one sanctioned way to remove audit entries (ARCHITECTURE rule 3: the audit tables are
append-only).

The database refuses DELETE and TRUNCATE on `core_accessentry` and `core_changeentry` (triggers,
migration core 0003) and the ORM refuses `delete()` (`AppendOnlyQuerySet`). `purge_window()`
opens a hatch for the current transaction only:

- PostgreSQL: `SET LOCAL insyn.audit_purge = 'on'`, which the trigger checks. It is
  transaction-local, so it closes at commit or rollback whatever the caller does.
- SQLite (no settings, no roles): a row in `insyn_audit_purge_window`, inserted and removed
  inside the transaction; a rollback removes it too.

`audit_purge()` is the retention job's entry point; it is called from no web or API route (a
test in tests/core/test_audit_append_only.py holds that), only from code run by the operator.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connections, transaction
from django.db.utils import DEFAULT_DB_ALIAS
from django.utils import timezone

from insyn.core.models import ChangeEntry

AUDIT_TABLES = ("core_accessentry", "core_changeentry")


@contextmanager
def purge_window(*, reason: str, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Inside this block (one transaction) DELETE/TRUNCATE on the audit tables is allowed.

    Keep the block as small as the removal itself: the hatch is closed again on the way out,
    and on PostgreSQL it could not outlive the transaction anyway.
    """
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('insyn.audit_purge', 'on', true)")
        elif connection.vendor == "sqlite":
            cursor.execute(
                "INSERT INTO insyn_audit_purge_window (reason) VALUES (%s)", [reason[:200]]
            )
        yield
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('insyn.audit_purge', 'off', true)")
        elif connection.vendor == "sqlite":
            cursor.execute("DELETE FROM insyn_audit_purge_window")


@dataclass(frozen=True)
class PurgeResult:
    access_entries: int
    change_entries: int
    entry: ChangeEntry


def _purge_sql(
    table: str, org_path: str, keep_client_ids: Collection[int]
) -> tuple[str, list[Any]]:
    params: list[Any] = []
    sql = f"DELETE FROM {table} WHERE at < %s"  # noqa: S608 - table is ours
    if table == "core_changeentry":
        sql += " AND action <> 'purge'"  # the trail of earlier purges stays
    if org_path:
        sql += " AND SUBSTR(org_path, 1, %s) = %s"
        params += [len(org_path), org_path]
    if keep_client_ids:
        marks = ", ".join(["%s"] * len(keep_client_ids))
        sql += f" AND (client_id IS NULL OR client_id NOT IN ({marks}))"
        params += sorted(keep_client_ids)
    return sql, params


def audit_purge(
    *,
    before: dt.datetime,
    reason: str,
    org_path: str = "",
    keep_client_ids: Collection[int] = (),
    using: str = DEFAULT_DB_ALIAS,
) -> PurgeResult:
    """Remove access and change entries recorded before `before` (the retention job).

    `org_path` limits the purge to entries whose own org path lies in that subtree (one
    municipality's rule); entries about a client in `keep_client_ids` (a legal hold) stay.
    The purge leaves its own change entry (what was removed, up to when, why), which it never
    removes, so the trail shows that a purge happened.
    """
    if not reason.strip():
        raise ValueError("audit_purge needs a reason")
    if timezone.is_naive(before):
        raise ValueError("audit_purge needs an aware datetime")
    with purge_window(reason=reason, using=using), connections[using].cursor() as cursor:
        counts = []
        for table in AUDIT_TABLES:
            sql, params = _purge_sql(table, org_path, keep_client_ids)
            cursor.execute(sql, [before, *params])
            counts.append(cursor.rowcount)
        entry = ChangeEntry.objects.using(using).create(
            action="purge",
            object_type="core.audittrail",
            object_id="",
            org_path=org_path,
            after={
                "before": before.isoformat(),
                "reason": reason[:200],
                "org_path": org_path,
                "kept_clients": len(keep_client_ids),
                "access_entries": counts[0],
                "change_entries": counts[1],
            },
        )
    return PurgeResult(access_entries=counts[0], change_entries=counts[1], entry=entry)
