"""The audit trail reads like a log a person keeps: who did what (in Swedish) to which object
(named as a colleague would name it) and when; the changed fields labelled, before and after
side by side — and all of what the object holds only for an auditor who may read the client,
with that reading recorded. An administrator audits without reading clients' data."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from insyn.core.models import AccessEntry
from insyn.followup import services
from tests.followup.factories import audit_items, enrolled

TODAY = dt.date.today()
GOAL_TEXT = "Dricka högst två dagar i veckan"


@pytest.fixture
def recorded(tree, staff):
    """A client of the Växjö adult unit whose before-occasion was recorded (AUDIT answers,
    problem days, housing) and who has a goal, all by the case worker."""
    enrollment = enrolled(tree, staff, started_days_ago=3)
    occasion = enrollment.occasions.get(stage__key="before")
    services.occasion_record(
        actor=staff.case_worker,
        occasion=occasion,
        values={
            **audit_items([4, 3, 2, 1, 0, 0, 1, 2, 0, 4]),
            "problem_days": "17",
            "housing": "no",
        },
        done_on=TODAY,
    )
    services.goal_set(actor=staff.case_worker, enrollment=enrollment, text=GOAL_TEXT)
    return occasion


def _page(login, user, **query):
    response = login(user).get(reverse("core:audit"), {"log": "change", **query})
    assert response.status_code == 200
    return response


def _record_row(response, occasion):
    rows = [
        e
        for e in response.context["page"]
        if e.object_type == "followup.occasion" and e.object_id == str(occasion.pk)
    ]
    assert len(rows) == 1, "the recording is one change entry"
    return rows[0]


def test_administrator_sees_who_recorded_what_kind_of_thing_not_the_values(login, staff, recorded):
    response = _page(login, staff.admin)
    html = response.content.decode()
    row = _record_row(response, recorded)
    assert row.action_name == "Registrerade värden"
    assert row.object_name == f"Mättillfälle #{recorded.pk}"  # no stage, no client reference
    assert row.changes == []
    client_ref = recorded.enrollment.client.client_ref
    for secret in (client_ref, GOAL_TEXT, "Problemdagar", "17", "Boende", "Nej"):
        assert f">{secret}<" not in html and f"{secret}," not in html, secret
    assert GOAL_TEXT not in html and client_ref not in html
    assert not AccessEntry.objects.filter(actor=staff.admin, purpose="audit").exists()


def test_quality_lead_reads_labelled_fields_side_by_side_and_the_read_is_recorded(
    login, staff, recorded
):
    response = _page(login, staff.quality_lead)
    row = _record_row(response, recorded)
    client_ref = recorded.enrollment.client.client_ref
    assert row.object_name == f"Mättillfälle Före, {client_ref}"
    changes = {c.label: (c.before, c.after) for c in row.changes}
    assert changes["Problemdagar"] == ("–", "17")  # the programme's label, not "problem_days"
    assert changes["Boende"] == ("–", "no")
    assert changes["Status"][1] == "Genomförd"  # the choice's label, not "done"
    assert any(label.startswith("AUDIT: ") for label in changes)  # instrument items
    html = response.content.decode()
    assert '<th scope="col">Före</th><th scope="col">Efter</th>' in html
    goal = next(e for e in response.context["page"] if e.object_type == "followup.goal")
    assert goal.object_name.startswith("Mål") and client_ref in goal.object_name
    assert GOAL_TEXT in html  # the quality lead may read the client
    reads = AccessEntry.objects.filter(actor=staff.quality_lead, purpose="audit")
    assert reads.filter(object_type="followup.occasion", object_id=str(recorded.pk)).exists()
    assert reads.filter(object_type="followup.goal").exists()


def test_search_by_client_reference_goes_through_the_readers_scope(login, staff, recorded):
    client_ref = recorded.enrollment.client.client_ref
    found = _page(login, staff.quality_lead, client=client_ref.lower())
    assert {e.client_id for e in found.context["page"]} == {recorded.enrollment.client_id}
    assert found.context["page"].paginator.count >= 2
    # Those who may not read the client find nothing, the same as for a reference that
    # does not exist: no hint that it does.
    for user in (staff.admin, staff.kalmar_admin):
        assert _page(login, user, client=client_ref).context["page"].paginator.count == 0
    assert _page(login, staff.quality_lead, client="K-NOPE").context["page"].paginator.count == 0
    # the search's own entry names the client by id, for that client's auditors
    search = AccessEntry.objects.filter(
        actor=staff.quality_lead, action="list", client_id=recorded.enrollment.client_id
    )
    assert search.exists()
    assert all(client_ref.lower() not in str(e.detail).lower() for e in search)
    # nor in the address of any entry the audit page wrote, found or not
    own = AccessEntry.objects.filter(path__startswith=reverse("core:audit"))
    assert own.count() >= 4
    assert all(
        client_ref.lower() not in e.path.lower() and "k-nope" not in e.path.lower() for e in own
    )


def test_reads_log_hides_what_a_client_search_typed_from_the_administrator(login, staff, recorded):
    client_ref = recorded.enrollment.client.client_ref
    assert login(staff.case_worker).get(reverse("clients:client_list"), {"q": client_ref})
    admin = login(staff.admin).get(reverse("core:audit"), {"log": "access", "actor": "cw"})
    assert client_ref not in admin.content.decode()  # neither in the address nor the detail
    rows = [e for e in admin.context["page"] if e.object_type == "clients.client"]
    assert rows and all(e.shown_path == reverse("clients:client_list") for e in rows)
    assert all(e.shown_detail == "" for e in rows)
    quality = login(staff.quality_lead).get(reverse("core:audit"), {"actor": "cw"})
    rows = [e for e in quality.context["page"] if e.object_type == "clients.client"]
    assert rows and all(client_ref in e.shown_path and client_ref in e.shown_detail for e in rows)
    assert all(e.object_name == f"Klient, {client_ref}" for e in rows)


def test_csv_follows_the_same_rule(login, staff, recorded):
    def rows(user, log):
        response = login(user).get(reverse("core:audit_export"), {"log": log})
        body = b"".join(response.streaming_content).decode("utf-8-sig")
        return body, list(csv.DictReader(io.StringIO(body)))

    client_ref = recorded.enrollment.client.client_ref
    body, admin = rows(staff.admin, "change")
    record = next(r for r in admin if r["object_type"] == "followup.occasion")
    assert record["event"] == "Registrerade värden"
    assert record["object"] == f"Mättillfälle #{recorded.pk}"
    assert record["changes"] == record["before"] == record["after"] == "(hidden)"
    assert client_ref not in body and GOAL_TEXT not in body
    body, quality = rows(staff.quality_lead, "change")
    record = next(r for r in quality if r["object_type"] == "followup.occasion")
    assert record["object"] == f"Mättillfälle Före, {client_ref}"
    assert "Problemdagar: – → 17" in record["changes"]
    login(staff.case_worker).get(reverse("clients:client_list"), {"q": client_ref})
    body, reads = rows(staff.admin, "access")
    assert client_ref not in body
    searches = [r for r in reads if r["object_type"] == "clients.client"]
    assert searches and all(r["address"] == reverse("clients:client_list") for r in searches)
    assert all(r["detail"] in ("", "(hidden)") for r in searches)
