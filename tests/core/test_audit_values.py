"""The audit trail shows who changed which object to everyone who audits it, but the changed
values only to someone who may read that object; showing them is itself a recorded read."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from insyn.core.audit_values import VALUES_HIDDEN_NOTE, value_action
from insyn.core.models import AccessEntry
from insyn.core.roles import Action
from tests.clients.factories import client as make_client


@pytest.fixture
def registered(tree, staff, catalogues):
    return make_client(tree.vux_unit, actor=staff.case_worker, client_ref="K-VALUES-1")


def _change_rows(response):
    return [e for e in response.context["page"] if e.client_id is not None]


def test_administrator_sees_the_change_but_not_the_values(login, staff, registered):
    response = login(staff.admin).get(reverse("core:audit"), {"log": "change"})
    rows = _change_rows(response)
    assert rows, "the registration's change entry is listed"
    assert all(not e.values_visible for e in rows)
    html = response.content.decode()
    assert "K-VALUES-1" not in html
    assert VALUES_HIDDEN_NOTE in html or "Värden dolda" in html
    assert not AccessEntry.objects.filter(actor=staff.admin, purpose="audit").exists()


def test_quality_lead_who_may_read_the_client_sees_values_and_the_read_is_recorded(
    login, staff, registered
):
    response = login(staff.quality_lead).get(reverse("core:audit"), {"log": "change"})
    rows = _change_rows(response)
    assert rows and all(e.values_visible for e in rows)
    assert "K-VALUES-1" in response.content.decode()
    reads = AccessEntry.objects.filter(actor=staff.quality_lead, purpose="audit")
    assert reads.count() == len(rows)
    assert {r.client_id for r in reads} == {registered.pk}
    # the client's own auditors can see that read: it carries the client's org paths
    assert all(staff_path in (r.org_paths or "") for r in reads for staff_path in [r.org_path])


def test_csv_export_hides_values_from_the_administrator(login, staff, registered):
    response = login(staff.admin).get(reverse("core:audit_export"), {"log": "change"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = [r for r in csv.DictReader(io.StringIO(body)) if r["client_id"]]
    assert rows
    assert all(r["before"] == r["after"] == "(hidden)" for r in rows)
    assert "K-VALUES-1" not in body


def test_csv_export_shows_values_to_the_quality_lead_and_records_it(login, staff, registered):
    response = login(staff.quality_lead).get(reverse("core:audit_export"), {"log": "change"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "K-VALUES-1" in body
    assert AccessEntry.objects.filter(
        actor=staff.quality_lead, purpose="audit", client_id=registered.pk
    ).exists()


def test_org_changes_stay_readable_for_administrators(login, tree, staff):
    from insyn.organisations import services

    services.org_unit_update(
        actor=staff.admin, org_unit=tree.vux_unit, name="Ny", code="VUX-OPV", active=True
    )
    response = login(staff.admin).get(reverse("core:audit"), {"log": "change"})
    org_rows = [e for e in response.context["page"] if e.object_type == "organisations.orgunit"]
    assert org_rows and all(e.values_visible for e in org_rows)


def test_the_rule_per_object_type():
    assert value_action("clients.client", None) == Action.VIEW_INDIVIDUAL
    assert value_action("organisations.orgunit", None) is None
    assert value_action("anything.unknown", None) == Action.VIEW_INDIVIDUAL
    assert value_action("organisations.orgunit", 5) == Action.VIEW_INDIVIDUAL
