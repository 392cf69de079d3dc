"""Staff pages and the API of complaints: who sees what (out of scope is the same 404 as
missing, web and API), steps on the page, register form errors, audit entries, digest."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from insyn.core.models import AccessEntry, ChangeEntry
from insyn.quality.digest import digest_sections
from insyn.quality.models import Complaint
from tests.quality.complaints_factories import complaint_in, intake

S = Complaint.State


def test_list_shows_only_the_subtree(login, tree, staff, catalogues):
    vux = complaint_in(tree, S.ASSIGNED, unit=tree.vux_unit, text="VUX-ärende")
    bof = complaint_in(tree, S.ASSIGNED, unit=tree.bof_unit, text="BOF-ärende")
    response = login(staff.unit_manager).get(reverse("quality:complaint_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert vux.receipt_number in html and bof.receipt_number not in html
    entry = AccessEntry.objects.filter(actor=staff.unit_manager, action="list").latest("id")
    assert entry.object_id == str(vux.pk)


def test_list_filters_overdue(login, tree, staff, catalogues):
    today = timezone.localdate()
    late = complaint_in(tree, received_on=today - dt.timedelta(days=20))
    fresh = complaint_in(tree, received_on=today - dt.timedelta(days=2))
    html = (
        login(intake(tree)).get(reverse("quality:complaint_list") + "?target=overdue").content
    ).decode()
    assert late.receipt_number in html and fresh.receipt_number not in html


def test_outside_scope_is_the_same_404_as_missing_on_the_web(login, tree, staff, catalogues):
    bof = complaint_in(tree, S.ASSIGNED, unit=tree.bof_unit)
    client = login(staff.unit_manager)
    outside = client.get(reverse("quality:complaint_detail", args=[bof.pk]))
    missing = client.get(reverse("quality:complaint_detail", args=[bof.pk + 1000]))
    assert outside.status_code == missing.status_code == 404
    assert outside.content == missing.content
    step = client.post(reverse("quality:complaint_step", args=[bof.pk, "investigate"]), {})
    assert step.status_code == 404
    bof.refresh_from_db()
    assert bof.state == S.ASSIGNED
    assert AccessEntry.objects.filter(
        actor=staff.unit_manager, action="denied", object_id=str(bof.pk)
    ).exists()


def test_case_worker_without_view_quality_gets_404(login, tree, staff, catalogues):
    c = complaint_in(tree, S.ASSIGNED, unit=tree.vux_unit)
    client = login(staff.case_worker)
    assert client.get(reverse("quality:complaint_list")).status_code == 404
    assert client.get(reverse("quality:complaint_detail", args=[c.pk])).status_code == 404


def test_detail_records_access_and_offers_only_available_steps(login, tree, staff, catalogues):
    c = complaint_in(tree, S.ASSIGNED, unit=tree.vux_unit)
    response = login(staff.unit_manager).get(reverse("quality:complaint_detail", args=[c.pk]))
    html = response.content.decode()
    assert "anna@example.se" in html
    assert reverse("quality:complaint_step", args=[c.pk, "investigate"]) in html
    assert reverse("quality:complaint_step", args=[c.pk, "assign"]) in html
    assert reverse("quality:complaint_step", args=[c.pk, "answer"]) not in html
    assert AccessEntry.objects.filter(
        actor=staff.unit_manager, action="view", object_id=str(c.pk)
    ).exists()


def test_steps_through_the_page(login, tree, staff, catalogues):
    c = complaint_in(tree, S.ASSIGNED, unit=tree.vux_unit)
    client = login(staff.unit_manager)

    def step(name, **data):
        c.refresh_from_db()
        body = {f"{name}-{k}": v for k, v in data.items()}
        body[f"{name}-version"] = c.version
        return client.post(reverse("quality:complaint_step", args=[c.pk, name]), body)

    assert step("investigate", investigation="Pratat med personalen").status_code == 302
    empty = step("answer", answer_text="")
    assert empty.status_code == 400
    assert "Skriv svaret som lämnades." in empty.content.decode()
    c.refresh_from_db()
    assert c.state == S.INVESTIGATING
    future = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    bad_date = step("answer", answer_text="Svar", answered_on=future)
    assert bad_date.status_code == 400
    assert "Datumet kan inte ligga i framtiden." in bad_date.content.decode()
    assert step("answer", answer_text="Vi beklagar det inträffade.").status_code == 302
    assert step("close").status_code == 302
    c.refresh_from_db()
    assert c.state == S.CLOSED and c.answer_text == "Vi beklagar det inträffade."
    # an illegal step (closed already) shows the message and changes nothing
    again = step("close")
    assert again.status_code == 400
    assert "kan inte göras nu" in again.content.decode()


def test_stale_form_is_a_conflict(login, tree, staff, catalogues):
    c = complaint_in(tree, S.ASSIGNED, unit=tree.vux_unit)
    old = c.version
    client = login(staff.unit_manager)
    from insyn.quality.services import complaints as services

    services.complaint_assign(actor=staff.unit_manager, complaint=c, unit=tree.vux_unit)
    response = client.post(
        reverse("quality:complaint_step", args=[c.pk, "investigate"]),
        {"investigate-version": old},
    )
    assert response.status_code == 400
    c.refresh_from_db()
    assert c.state == S.ASSIGNED


def test_register_form(login, tree, staff, catalogues):
    client = login(staff.case_worker)
    url = reverse("quality:complaint_register")
    assert client.get(url).status_code == 200
    future = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    bad = client.post(
        url,
        {"unit": tree.vux_unit.pk, "kind": "complaint", "channel": "phone", "received_on": future},
    )
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "Datumet kan inte ligga i framtiden." in html
    assert "Skriv vad ditt klagomål eller din synpunkt handlar om." in html
    assert Complaint.objects.count() == 0
    ok = client.post(
        url,
        {
            "unit": tree.vux_unit.pk,
            "kind": "suggestion",
            "channel": "letter",
            "received_on": timezone.localdate().isoformat(),
            "text": "Ett brev med förslag.",
        },
    )
    assert ok.status_code == 302
    c = Complaint.objects.get()
    assert (c.channel, c.unit, c.registered_by) == ("letter", tree.vux_unit, staff.case_worker)
    # a unit outside the case worker's scope is not a choice
    other = client.post(
        url,
        {
            "unit": tree.bof_unit.pk,
            "kind": "complaint",
            "channel": "phone",
            "received_on": timezone.localdate().isoformat(),
            "text": "x",
        },
    )
    assert other.status_code == 400 and Complaint.objects.count() == 1


def test_action_plan_link_only_when_the_page_exists(login, tree, staff, catalogues):
    from django.urls import NoReverseMatch

    c = complaint_in(tree, S.ANSWERED, unit=tree.vux_unit)
    html = login(staff.unit_manager).get(reverse("quality:complaint_detail", args=[c.pk]))
    try:
        target = reverse("quality:action_plan_create") + f"?complaint={c.pk}"
    except NoReverseMatch:
        assert "Skapa handlingsplan" not in html.content.decode()
    else:
        assert target in html.content.decode()


# --- API ------------------------------------------------------------------------------------


def test_api_list_retrieve_and_404(login, tree, staff, catalogues):
    vux = complaint_in(tree, S.ASSIGNED, unit=tree.vux_unit)
    bof = complaint_in(tree, S.ASSIGNED, unit=tree.bof_unit)
    client = login(staff.unit_manager)
    listed = client.get("/api/quality/complaints/").json()
    ids = {row["id"] for row in (listed["results"] if isinstance(listed, dict) else listed)}
    assert ids == {vux.pk}
    one = client.get(f"/api/quality/complaints/{vux.pk}/")
    assert one.status_code == 200 and one.json()["receipt_number"] == vux.receipt_number
    outside = client.get(f"/api/quality/complaints/{bof.pk}/")
    missing = client.get(f"/api/quality/complaints/{bof.pk + 1000}/")
    assert outside.status_code == missing.status_code == 404
    assert outside.json() == missing.json()
    step = client.post(
        f"/api/quality/complaints/{bof.pk}/investigate/", {}, content_type="application/json"
    )
    assert step.status_code == 404


def test_api_steps_and_errors(login, tree, staff, catalogues):
    c = complaint_in(tree, S.ASSIGNED, unit=tree.vux_unit)
    client = login(staff.unit_manager)
    url = f"/api/quality/complaints/{c.pk}/"
    bad = client.post(url + "answer/", {"answer_text": "x"}, content_type="application/json")
    assert bad.status_code == 400  # not under investigation yet
    ok = client.post(url + "investigate/", {}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["state"] == "investigating"
    stale = client.post(
        url + "answer/",
        {"answer_text": "Svar", "version": ok.json()["version"] - 1},
        content_type="application/json",
    )
    assert stale.status_code == 409
    empty = client.post(url + "answer/", {"answer_text": ""}, content_type="application/json")
    assert empty.status_code == 400 and "answer_text" in empty.json()
    done = client.post(url + "answer/", {"answer_text": "Svar"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["state"] == "answered"


def test_api_register(login, tree, staff, catalogues):
    client = login(staff.case_worker)
    body = {
        "unit": tree.vux_unit.pk,
        "kind": "complaint",
        "channel": "phone",
        "received_on": timezone.localdate().isoformat(),
        "text": "Samtal från anhörig",
        "theme": "bemotande",
    }
    created = client.post("/api/quality/complaints/", body, content_type="application/json")
    assert created.status_code == 201
    assert set(created.json()) == {"id", "receipt_number"}
    assert ChangeEntry.objects.filter(
        object_type="quality.complaint", object_id=str(created.json()["id"]), action="create"
    ).exists()
    outside = client.post(
        "/api/quality/complaints/",
        {**body, "unit": tree.bof_unit.pk},
        content_type="application/json",
    )
    assert outside.status_code == 400 and Complaint.objects.count() == 1
    future = client.post(
        "/api/quality/complaints/",
        {**body, "received_on": (timezone.localdate() + dt.timedelta(days=3)).isoformat()},
        content_type="application/json",
    )
    assert future.status_code == 400 and "received_on" in future.json()


# --- digest ---------------------------------------------------------------------------------


def test_digest_reminds_handler_or_leads_without_personal_details(tree, staff, catalogues):
    today = timezone.localdate()
    section = next(s for s in digest_sections() if s.key == "complaints")
    handled = complaint_in(
        tree,
        S.ASSIGNED,
        unit=tree.vux_unit,
        handler=staff.unit_manager,
        received_on=today - dt.timedelta(days=12),  # due in 2 days
    )
    unassigned = complaint_in(tree, received_on=today - dt.timedelta(days=20))  # overdue
    complaint_in(tree, received_on=today - dt.timedelta(days=1))  # due in 13 days: not yet
    complaint_in(
        tree, S.ANSWERED, unit=tree.vux_unit, received_on=today - dt.timedelta(days=30)
    )  # answered: not reminded
    lines = section.source(today)
    by_user = {u.username: [line.text for line in ls] for u, ls in lines.items()}
    assert [handled.receipt_number in t for t in by_user["manager"]] == [True]
    # unassigned: the municipality's quality lead (on Växjö itself)
    assert len(by_user["intake"]) == 1 and unassigned.receipt_number in by_user["intake"][0]
    assert all(line.overdue for line in lines[intake(tree)])
    for texts in by_user.values():
        for text in texts:
            assert "Anna" not in text and "anna@example.se" not in text and "vänta" not in text


@pytest.mark.parametrize("days", [14])
def test_demo_is_idempotent(tree, staff, catalogues, days):
    import io

    from insyn.organisations import demo as org_demo
    from insyn.quality import demo_complaints

    org_demo.load(io.StringIO())
    demo_complaints.load(io.StringIO())
    count = Complaint.objects.count()
    demo_complaints.load(io.StringIO())
    assert count == Complaint.objects.count() == 18
    late = [
        c
        for c in Complaint.objects.filter(answered_on__isnull=False)
        if (c.answered_on - c.received_on).days > days
    ]
    assert 0 < len(late) < 18
    assert Complaint.objects.filter(state__in=["received", "assigned", "investigating"]).exists()
