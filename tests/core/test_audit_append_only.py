"""The audit tables are append-only in the ORM and in the database; entries leave only through
`audit_purge()` (the retention job), and the test flush passes through the same hatch."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

import insyn
from insyn.core.audit import record_access, record_change
from insyn.core.models import AccessEntry, AppendOnlyError, ChangeEntry
from insyn.core.purge import audit_purge, purge_window

TABLES = [AccessEntry._meta.db_table, ChangeEntry._meta.db_table]


def _entries(tree, staff) -> None:
    record_access(actor=staff.admin, action="view", objects=[tree.vaxjo])
    record_change(actor=staff.admin, action="update", obj=tree.vaxjo, before={}, after={})


def test_orm_refuses_delete_of_querysets_and_entries(tree, staff):
    _entries(tree, staff)
    for model in (AccessEntry, ChangeEntry):
        with pytest.raises(AppendOnlyError):
            model.objects.all().delete()
        with pytest.raises(AppendOnlyError):
            model.objects.latest("id").delete()
        with pytest.raises(AppendOnlyError):
            model.objects.all()._raw_delete(model.objects.db)
    assert AccessEntry.objects.exists() and ChangeEntry.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("table", TABLES)
def test_database_refuses_raw_delete_outside_the_hatch(tree, staff, table):
    _entries(tree, staff)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")
    assert AccessEntry.objects.exists() and ChangeEntry.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("table", TABLES)
def test_postgresql_refuses_truncate_outside_the_hatch(tree, staff, table):
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's; SQLite has only DELETE")
    _entries(tree, staff)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {table} CASCADE")
    assert AccessEntry.objects.exists() and ChangeEntry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_hatch_closes_with_its_block_and_with_a_rollback(tree, staff):
    _entries(tree, staff)
    with pytest.raises(ZeroDivisionError), purge_window(reason="test"):
        1 / 0  # noqa: B018 - the block fails; the window must not stay open
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLES[0]}")
    with transaction.atomic():
        with purge_window(reason="test"):
            pass
        # Still inside the same transaction, but after the window: closed again.
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLES[1]}")
    assert AccessEntry.objects.exists() and ChangeEntry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_flush_of_a_transactional_test_passes_through_the_hatch(tree, staff):
    """What pytest-django does after every `transaction=True` test (TRUNCATE on PostgreSQL,
    DELETE on SQLite), run here in the middle so the result can be checked."""
    _entries(tree, staff)
    call_command("flush", verbosity=0, interactive=False)
    assert not AccessEntry.objects.exists() and not ChangeEntry.objects.exists()
    # ... and the hatch is shut again afterwards.
    record_access(actor=None, action="list", model=AccessEntry)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLES[0]}")
    assert AccessEntry.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_audit_purge_removes_old_entries_and_leaves_a_trace(tree, staff):
    _entries(tree, staff)
    counts = (AccessEntry.objects.count(), ChangeEntry.objects.count())
    cutoff = timezone.now() + dt.timedelta(seconds=1)
    result = audit_purge(before=cutoff, reason="retention: 10 years")
    assert (result.access_entries, result.change_entries) == counts
    assert not AccessEntry.objects.exists()
    assert list(ChangeEntry.objects.values_list("action", flat=True)) == ["purge"]
    assert result.entry.after["reason"] == "retention: 10 years"
    # Older than the cut-off only: nothing newer goes.
    _entries(tree, staff)
    assert audit_purge(before=cutoff - dt.timedelta(days=1), reason="x").access_entries == 0
    assert AccessEntry.objects.count() == 1
    with pytest.raises(ValueError):
        audit_purge(before=cutoff, reason=" ")


def test_audit_purge_is_reachable_from_no_web_or_api_route():
    """Only the retention job (operator-run code) may call it: no module but the retention
    service that wraps it imports the purge module (views, api, urls, forms, middleware do
    not; the retention page's own run leaves audit entries to the job)."""
    root = Path(insyn.__file__).parent
    sanctioned = {root / "retention" / "services" / "audit_trail.py"}
    offenders = []
    for path in root.rglob("*.py"):
        if path.name == "purge.py" or "migrations" in path.parts or path in sanctioned:
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [a.name for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            if any(n.endswith("purge") or "audit_purge" in n or "purge_window" in n for n in names):
                offenders.append(str(path.relative_to(root)))
    assert offenders == []
