"""Every audit entry is visible to the people who audit it, and to nobody else.

Generic half: every audit probe (tests/*/audit_probes.py, the same set the completeness test
runs; new probes join automatically) is called, a change is recorded for every object the
route showed, and every access and change entry written is checked against the audit
selector: visible to each auditor (quality lead on the administration, admin on the
municipality) whose subtree holds the object by the object's own scope rule, not visible to
another municipality's admin. An entry about no object must be visible to the auditors of the
actor's organisation; any other entry must at least name a place (a national questionnaire
is audited at the nation). So a route that writes an invisible entry fails here.

Concrete half: a client read, a client write, a frame export (web, API, CLI) and a denied
attempt appear in the audit page and its CSV for the auditors, not for Kalmar's admin.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.apps import apps
from django.core.cache import cache
from django.urls import reverse

from insyn.core import selectors
from insyn.core.audit import record_change
from insyn.core.models import AccessEntry, ChangeEntry
from insyn.core.roles import Action
from insyn.core.scoping import granted_paths
from insyn.core.selectors import AuditFilter
from tests.audit_probe import send
from tests.core.test_audit_completeness import PROBES


def _last_ids() -> tuple[int, int]:
    a = AccessEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    c = ChangeEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    return a, c


def _new_entries(since: tuple[int, int]) -> list[AccessEntry | ChangeEntry]:
    return [
        *AccessEntry.objects.filter(pk__gt=since[0]),
        *ChangeEntry.objects.filter(pk__gt=since[1]),
    ]


def _object(entry: AccessEntry | ChangeEntry) -> Any:
    if not entry.object_id:
        return None
    try:
        model = apps.get_model(entry.object_type)
    except (LookupError, ValueError):
        return None
    return model._base_manager.filter(pk=entry.object_id).first()


def _audits_object(auditor: Any, obj: Any) -> bool:
    """By the object's own scope rule (not the audit code): is it in the auditor's subtree?"""
    model = type(obj)
    paths = granted_paths(auditor, Action.VIEW_AUDIT)
    return model._base_manager.filter(pk=obj.pk).filter(model.scope_filter(paths)).exists()


def _visible(auditor: Any, entry: AccessEntry | ChangeEntry) -> bool:
    f = AuditFilter()
    qs = (
        selectors.access_entries(auditor, f)
        if isinstance(entry, AccessEntry)
        else selectors.change_entries(auditor, f)
    )
    return qs.filter(pk=entry.pk).exists()


def _personal(obj: Any) -> bool:
    return bool(getattr(obj, "PERSONAL_DATA", False)) and hasattr(type(obj), "scope_filter")


def check_visibility(entries: list[AccessEntry | ChangeEntry], staff: Any) -> list[str]:
    """Problems with `entries`, as readable lines (empty when all is well)."""
    auditors = {"quality_lead": staff.quality_lead, "admin": staff.admin}
    problems = []
    for entry in entries:
        label = f"{type(entry).__name__} {entry.action} {entry.object_type}#{entry.object_id}"
        obj = _object(entry)
        if obj is not None and _personal(obj):
            for name, auditor in auditors.items():
                if _audits_object(auditor, obj) and not _visible(auditor, entry):
                    problems.append(f"{label}: invisible to the {name} who audits it")
            if not _audits_object(staff.kalmar_admin, obj) and _visible(staff.kalmar_admin, entry):
                problems.append(f"{label}: visible to Kalmar's admin")
        elif not entry.org_paths:
            # Not personal data (a user, a programme, a catalogue questionnaire) or an entry
            # about no object: it must still name a place whose auditors see it.
            problems.append(f"{label}: no org path, so no auditor sees it")
    return problems


@pytest.mark.parametrize("name", sorted(PROBES))
def test_every_entry_a_route_writes_is_visible_to_its_auditors(name, tree, staff, client):
    since = _last_ids()
    visit = PROBES[name](tree, staff)
    user = visit.user
    send(client, visit)
    # A write to each object the route showed: its change entry must be audited the same way.
    shown = {(e.object_type, e.object_id) for e in AccessEntry.objects.filter(pk__gt=since[0])}
    for entry in AccessEntry.objects.filter(pk__gt=since[0]):
        obj = _object(entry)
        if obj is not None and (entry.object_type, entry.object_id) in shown:
            shown.discard((entry.object_type, entry.object_id))
            record_change(actor=user, action="probe", obj=obj, before={}, after={"probe": 1})
    entries = _new_entries(since)
    assert entries
    assert check_visibility(entries, staff) == []


def test_the_check_fails_for_an_invisible_entry(tree, staff):
    """The safety net itself: an entry with no path about a client is reported."""
    from tests.clients import factories as f

    client_ = f.client(tree.vux_unit)
    entry = ChangeEntry.objects.create(
        action="update", object_type="clients.client", object_id=str(client_.pk)
    )
    assert check_visibility([entry], staff) != []


# --- Through the audit page and its CSV -----------------------------------------------------


def _audit_page(login: Any, auditor: Any, query: str) -> str:
    return login(auditor).get(reverse("core:audit") + "?" + query).content.decode()


def _audit_csv(login: Any, auditor: Any, query: str) -> list[dict[str, str]]:
    response = login(auditor).get(reverse("core:audit_export") + "?" + query)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def journey(tree: Any) -> dict[str, Any]:
    from insyn.core.catalogue_loader import load_catalogues
    from tests.clients import factories as f

    load_catalogues(["clients", "followup"])
    client_ = f.client(tree.vux_unit, number=f.personnummer(dt.date(1981, 3, 4)))
    case = f.case(client_)
    return {"client": client_, "case": case}


def test_client_read_and_write_show_in_the_audit_page_and_csv(journey, staff, login, tree):
    client_ = journey["client"]
    cw = login(staff.case_worker)
    assert cw.get(reverse("clients:client_detail", args=[client_.pk])).status_code == 200
    api = cw.get(f"/api/clients/{client_.pk}/")
    assert api.status_code == 200
    from insyn.clients import services

    services.client_update(actor=staff.case_worker, client=client_, client_ref="NEW-REF-1")
    # The quality lead reads the client and finds it by its reference; the administrator
    # audits without reading it, so finds it by object type and number.
    by_ref = "client=NEW-REF-1"
    by_object = f"object_type=clients.client&object_id={client_.pk}"
    for auditor, query, name in (
        (staff.quality_lead, by_ref, "Klient, NEW-REF-1"),
        (staff.admin, by_object, f"Klient #{client_.pk}"),
    ):
        reads = _audit_csv(login, auditor, f"log=access&object_type=clients.client&{query}")
        assert {r["address"] for r in reads} >= {
            reverse("clients:client_detail", args=[client_.pk]),
            f"/api/clients/{client_.pk}/",
        }
        changes = _audit_csv(login, auditor, f"log=change&{query}")
        assert any(r["object_type"] == "clients.client" for r in changes)
        page = _audit_page(login, auditor, f"log=change&{query}")
        assert name in page
    assert _audit_page(login, staff.admin, f"log=change&{by_ref}").count("Klient #") == 0
    assert _audit_csv(login, staff.kalmar_admin, by_object) == []
    assert _audit_csv(login, staff.kalmar_admin, f"log=change&{by_object}") == []


def test_a_client_is_audited_through_every_unit_holding_a_case(journey, staff, tree):
    from tests.clients import factories as f

    client_ = journey["client"]
    f.case(client_, unit=tree.bof_unit)
    entry = record_change(actor=None, action="update", obj=client_, before={}, after={"x": 1})
    assert entry.org_path == tree.vux_unit.path
    assert tree.bof_unit.path in entry.org_paths and tree.vux_unit.path in entry.org_paths
    assert _visible(staff.quality_lead, entry) and _visible(staff.admin, entry)
    assert not _visible(staff.kalmar_admin, entry)


def test_an_entry_about_nothing_is_audited_by_the_actors_organisation(staff, tree):
    from insyn.core.audit import record_access
    from insyn.followup.models import Enrollment

    record_access(actor=staff.case_worker, action="list", model=Enrollment)
    entry = AccessEntry.objects.latest("id")
    assert entry.org_paths == f"|{tree.vaxjo.path}|"
    assert _visible(staff.admin, entry) and not _visible(staff.kalmar_admin, entry)


# --- Denied attempts ------------------------------------------------------------------------


@pytest.fixture
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_denied_attempt_is_recorded_rate_limited_and_answers_like_missing(
    journey, staff, login, tree, fresh_cache
):
    client_ = journey["client"]
    outsider = login(staff.kalmar_case_worker)
    missing = outsider.get(reverse("clients:client_detail", args=[999_999]))
    before = AccessEntry.objects.filter(action="denied").count()
    denied = outsider.get(reverse("clients:client_detail", args=[client_.pk]))
    assert denied.status_code == missing.status_code == 404
    assert denied.content == missing.content
    for _ in range(5):  # a loop: folded into the entry of this minute
        outsider.get(reverse("clients:client_detail", args=[client_.pk]))
    entries = AccessEntry.objects.filter(action="denied")
    assert entries.count() == before + 1
    entry = entries.latest("id")
    assert entry.actor == staff.kalmar_case_worker
    assert (entry.object_type, entry.object_id) == ("clients.client", str(client_.pk))
    assert entry.path == reverse("clients:client_detail", args=[client_.pk])
    # the object's auditors and the actor's organisation's admin see it
    assert _visible(staff.quality_lead, entry) and _visible(staff.admin, entry)
    assert _visible(staff.kalmar_admin, entry)
    rows = _audit_csv(login, staff.kalmar_admin, "log=denied")
    assert [r["object_id"] for r in rows] == [str(client_.pk)]
    page = _audit_page(login, staff.admin, "log=denied")
    assert f"Klient #{client_.pk}" in page
    assert "attempts" in page  # the attempt counts are about the actor, shown to every auditor
    # the next window's entry counts the attempts folded into the previous one
    cache.delete(f"insyn:audit-denied:{staff.kalmar_case_worker.pk}:clients.client")
    outsider = login(staff.kalmar_case_worker)
    outsider.get(reverse("clients:client_detail", args=[client_.pk]))
    assert AccessEntry.objects.filter(action="denied").latest("id").detail["attempts"] == 6


def test_denied_through_the_api_answers_like_missing(journey, staff, login, fresh_cache):
    case = journey["case"]
    outsider = login(staff.kalmar_case_worker)
    missing = outsider.get("/api/cases/999999/")
    denied = outsider.get(f"/api/cases/{case.pk}/")
    assert denied.status_code == missing.status_code == 404
    assert denied.content == missing.content
    entry = AccessEntry.objects.filter(action="denied").latest("id")
    assert (entry.object_type, entry.object_id) == ("clients.case", str(case.pk))
    assert _visible(staff.admin, entry) and _visible(staff.kalmar_admin, entry)


def test_a_missing_object_records_nothing(staff, login, tree, fresh_cache):
    login(staff.case_worker).get(reverse("clients:client_detail", args=[999_999]))
    assert not AccessEntry.objects.filter(action="denied").exists()


def test_migration_back_fills_entries_stored_without_a_path(journey, staff, tree):
    """Entries written before org paths existed: a client's get the client's units, the rest
    the actor's organisation; the append-only triggers hold again afterwards."""
    import importlib

    from django.apps import apps as django_apps
    from django.db import DatabaseError, connection, transaction

    migration = importlib.import_module("insyn.core.migrations.0004_audit_org_paths_and_denied")
    client_ = journey["client"]
    about_client = ChangeEntry.objects.create(
        action="update", object_type="clients.client", object_id=str(client_.pk), org_paths=None
    )
    about_nothing = AccessEntry.objects.create(
        actor=staff.case_worker, action="list", object_type="followup.enrollment", org_paths=None
    )

    class Editor:
        def __init__(self) -> None:
            self.connection = connection

        def execute(self, sql: str) -> None:
            with connection.cursor() as cursor:
                cursor.execute(sql)

    if connection.vendor == "postgresql":  # the test's own inserts leave deferred FK checks
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    migration.forwards(django_apps, Editor())
    about_client = ChangeEntry.objects.get(pk=about_client.pk)
    assert about_client.org_path == tree.vux_unit.path
    assert _visible(staff.quality_lead, about_client)
    assert not _visible(staff.kalmar_admin, about_client)
    about_nothing = AccessEntry.objects.get(pk=about_nothing.pk)
    assert about_nothing.org_paths == f"|{tree.vaxjo.path}|"
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_changeentry SET action = 'x'")
