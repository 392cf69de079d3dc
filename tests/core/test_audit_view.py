"""The audit view answers "who looked at this client" and "what did this user look at"."""

from __future__ import annotations

import csv
import io

from django.urls import reverse

from insyn.core.audit import record_access
from insyn.core.models import AccessEntry


def _seed(tree, staff):
    record_access(
        actor=staff.case_worker,
        action="view",
        model=AccessEntry,
        client_id=42,
        org_path=tree.vux_unit.path,
    )
    record_access(
        actor=staff.unit_manager,
        action="view",
        model=AccessEntry,
        client_id=42,
        org_path=tree.vux_unit.path,
    )
    record_access(
        actor=staff.case_worker,
        action="view",
        model=AccessEntry,
        client_id=7,
        org_path=tree.vux_unit.path,
    )
    record_access(
        actor=staff.kalmar_case_worker,
        action="view",
        model=AccessEntry,
        client_id=42,
        org_path=tree.kalmar_unit.path,
    )


def test_who_looked_at_this_client(login, tree, staff, catalogues):
    from tests.clients.factories import client as make_client

    person = make_client(tree.vux_unit, client_ref="K-000042")
    for actor in (staff.case_worker, staff.unit_manager):
        record_access(actor=actor, action="view", objects=[person])
    record_access(
        actor=staff.kalmar_case_worker,
        action="view",
        model=AccessEntry,
        client_id=person.pk,
        org_path=tree.kalmar_unit.path,
    )
    # searched by the client reference (any case), not a database id
    response = login(staff.quality_lead).get(reverse("core:audit"), {"client": "k-000042"})
    assert response.status_code == 200
    actors = {e.actor_label for e in response.context["page"]}
    assert actors == {"cw", "manager"}  # Kalmar's read is outside Växjö's scope


def test_what_did_this_user_look_at(login, tree, staff):
    _seed(tree, staff)
    response = login(staff.admin).get(reverse("core:audit"), {"actor": "cw"})
    assert {e.client_id for e in response.context["page"]} == {42, 7}


def test_period_filter_and_bad_period(login, tree, staff):
    _seed(tree, staff)
    c = login(staff.quality_lead)
    ok = c.get(reverse("core:audit"), {"date_from": "2000-01-01", "date_to": "2000-12-31"})
    assert ok.context["page"].paginator.count == 0
    bad = c.get(reverse("core:audit"), {"date_from": "2020-02-01", "date_to": "2020-01-01"})
    assert bad.status_code == 200
    assert bad.context["form"].non_field_errors()
    assert bad.context["page"] is None


def test_change_log_tab(login, tree, staff):
    from insyn.organisations import services

    services.org_unit_update(
        actor=staff.admin, org_unit=tree.vux_unit, name="Ny", code="VUX-OPV", active=True
    )
    response = login(staff.admin).get(reverse("core:audit"), {"log": "change"})
    assert any(e.after == {"name": "Ny"} for e in response.context["page"])


def test_csv_export_is_scoped_and_itself_logged(login, tree, staff):
    _seed(tree, staff)
    c = login(staff.quality_lead)
    response = c.get(reverse("core:audit_export"), {"action": "view"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert {r["user"] for r in rows} == {"cw", "manager"}
    assert response["Content-Type"].startswith("text/csv")
    assert AccessEntry.objects.filter(actor=staff.quality_lead, action="export").exists()


def test_case_worker_and_analyst_cannot_open_the_audit(login, staff):
    for user in (staff.case_worker, staff.analyst):
        assert login(user).get(reverse("core:audit")).status_code == 404
