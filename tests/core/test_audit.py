"""The audit trail is append-only and records what services and reads did."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction

from insyn.core.audit import record_access, record_change, snapshot
from insyn.core.models import AccessEntry, AppendOnlyError, ChangeEntry
from insyn.organisations import services
from insyn.organisations.models import OrgUnit


def test_service_write_records_change_with_before_and_after(tree, staff):
    before_count = ChangeEntry.objects.count()
    services.org_unit_update(
        actor=staff.admin, org_unit=tree.bof_unit, name="Utredning BoU", code="BOF-UTR", active=True
    )
    entry = ChangeEntry.objects.latest("id")
    assert ChangeEntry.objects.count() == before_count + 1
    assert entry.actor == staff.admin
    assert entry.action == "update"
    assert entry.object_type == "organisations.orgunit"
    assert entry.before == {"name": "Utredning barn"}
    assert entry.after == {"name": "Utredning BoU"}
    assert entry.org_path == tree.bof_unit.path


def test_failed_write_leaves_no_change_entry(tree, staff):
    before = ChangeEntry.objects.count()
    with pytest.raises(ValidationError) as exc:  # a department cannot sit below a unit
        services.org_unit_create(
            actor=staff.admin, parent=tree.bof_unit, code="X", name="X", kind="department"
        )
    assert exc.value.messages
    assert ChangeEntry.objects.count() == before


def test_snapshot_never_contains_secrets(staff):
    data = snapshot(staff.admin)
    assert "password" not in data


def test_entries_cannot_be_updated_through_the_orm(tree, staff):
    record_access(actor=staff.admin, action="view", objects=[tree.vaxjo])
    entry = AccessEntry.objects.latest("id")
    entry.purpose = "tampered"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        AccessEntry.objects.filter(pk=entry.pk).update(purpose="tampered")


@pytest.mark.django_db(transaction=True)
def test_database_trigger_refuses_update_even_in_raw_sql(tree, staff):
    record_change(actor=staff.admin, action="update", obj=tree.vaxjo, before={}, after={})
    table = ChangeEntry._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET action = 'tampered'")
    assert not ChangeEntry.objects.filter(action="tampered").exists()


def test_list_access_writes_one_entry_per_object(tree, staff):
    units = list(OrgUnit.objects.filter(pk__in=[tree.bof_unit.pk, tree.vux_unit.pk]))
    written = record_access(
        actor=staff.quality_lead, action="list", objects=units, purpose="tillsyn"
    )
    assert written == 2
    entries = AccessEntry.objects.filter(actor=staff.quality_lead)
    assert {e.object_id for e in entries} == {str(u.pk) for u in units}
    assert {e.purpose for e in entries} == {"tillsyn"}


def test_empty_list_still_leaves_a_trace(staff):
    record_access(actor=staff.case_worker, action="list", objects=[], model=OrgUnit)
    entry = AccessEntry.objects.latest("id")
    assert entry.object_type == "organisations.orgunit" and entry.object_id == ""
