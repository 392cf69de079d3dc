"""A moved case takes its follow-up along: after the move the old unit's case worker gets the
same 404 as for something missing, on every follow-up page and endpoint, and the new unit's
case worker sees and changes it; work lists, completion and the analysis data move too."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.urls import reverse

from insyn.analytics.models import DataVersion
from insyn.clients.models import Case
from insyn.core.models import ChangeEntry
from insyn.core.roles import Role
from insyn.followup import selectors, services
from insyn.followup.models import Enrollment, Goal, NonResponseReason, Occasion
from insyn.followup.scope_follow import repair_enrollments
from tests.clients.moving import move, move_all
from tests.factories import user_with_role
from tests.followup.audit_probes import PROBES
from tests.followup.factories import enrolled

BACKEND = "django.contrib.auth.backends.ModelBackend"


def _get(client, user, url):
    client.force_login(user, backend=BACKEND)
    return client.get(url)


@pytest.mark.parametrize("name", sorted(k for k in PROBES if not k.startswith("POST ")))
def test_every_followup_route_follows_the_moved_case(name, tree, staff, client):
    url = PROBES[name](tree, staff).url
    if not Enrollment.objects.exists():  # the list probes build nothing themselves
        enrolled(tree, staff)
    if not Goal.objects.exists():
        services.goal_set(actor=None, enrollment=Enrollment.objects.get(), text="Mindre alkohol")
    move_all(tree.vux_unit, tree.bof_unit, case_worker=staff.other_case_worker)
    enrollment = Enrollment.objects.get()
    ref = enrollment.client.client_ref
    old = _get(client, staff.case_worker, url)
    new = _get(client, staff.other_case_worker, url)
    assert new.status_code == 200, name
    if url.startswith("/api/") and url.endswith("s/"):
        assert old.json()["results"] == [], name
        assert new.json()["results"], name
    elif name == "followup:worklist":
        assert old.status_code == 200
        assert "<caption>0 uppföljningar</caption>" in old.content.decode()
        assert ref in new.content.decode() and ref not in old.content.decode()
    else:
        assert old.status_code == 404, name
    # the old unit's manager has lost it too
    manager = _get(client, staff.unit_manager, url)
    if url.startswith("/api/") and url.endswith("s/"):
        assert manager.json()["results"] == []
    elif name != "followup:worklist":
        assert manager.status_code == 404


def test_the_enrolment_takes_the_cases_unit_and_a_responsible_who_works_there(tree, staff):
    enrollment = enrolled(tree, staff)
    assert enrollment.responsible == staff.case_worker
    case = enrollment.intervention.case
    move(case, tree.bof_unit, case_worker=staff.other_case_worker)
    enrollment.refresh_from_db()
    assert enrollment.unit == tree.bof_unit
    assert enrollment.responsible == staff.other_case_worker
    entry = ChangeEntry.objects.filter(object_type="followup.enrollment", action="move").get()
    assert (
        entry.before["unit_id"] == tree.vux_unit.pk and entry.after["unit_id"] == tree.bof_unit.pk
    )
    assert ChangeEntry.objects.filter(
        object_type="clients.case", object_id=str(case.pk), after__unit_id=tree.bof_unit.pk
    ).exists()
    # and back again: nobody of the new unit was responsible, so nobody is
    move(case, tree.vux_unit)
    enrollment.refresh_from_db()
    assert enrollment.unit == tree.vux_unit and enrollment.responsible is None


def test_writes_through_the_api_follow_the_moved_case(tree, staff, client):
    enrollment = enrolled(tree, staff)
    goal = services.goal_set(actor=None, enrollment=enrollment, text="Mindre alkohol")
    occasion = enrollment.occasions.get(stage__key="before")
    reason = NonResponseReason.objects.first()
    move(enrollment.intervention.case, tree.bof_unit)
    writes = [
        (reverse("enrollment-detail", args=[enrollment.pk]), {"responsible": None}),
        (reverse("goal-detail", args=[goal.pk]), {"outcome": "partly"}),
        (reverse("occasion-detail", args=[occasion.pk]), {"non_response_reason": reason.code}),
    ]
    for url, body in writes:
        client.force_login(staff.case_worker, backend=BACKEND)
        assert client.patch(url, body, content_type="application/json").status_code == 404
    goal.refresh_from_db()
    occasion.refresh_from_db()
    assert goal.outcome == "" and occasion.status != Occasion.Status.MISSED
    client.force_login(staff.case_worker, backend=BACKEND)
    refused = client.post(
        reverse("goal-list"),
        {"enrollment": enrollment.pk, "text": "Arbete"},
        content_type="application/json",
    )
    assert refused.status_code in (400, 404) and Goal.objects.count() == 1
    for url, body in writes:
        client.force_login(staff.other_case_worker, backend=BACKEND)
        answer = client.patch(url, body, content_type="application/json")
        assert answer.status_code == 200, (url, answer.content)
    goal.refresh_from_db()
    occasion.refresh_from_db()
    assert goal.outcome == "partly" and occasion.status == Occasion.Status.MISSED
    created = client.post(
        reverse("goal-list"),
        {"enrollment": enrollment.pk, "text": "Arbete"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content


def test_recording_page_follows_the_moved_case(tree, staff, client):
    occasion = enrolled(tree, staff).occasions.get(stage__key="before")
    move_all(tree.vux_unit, tree.bof_unit)
    url = reverse("followup:occasion_record", args=[occasion.pk])
    client.force_login(staff.case_worker, backend=BACKEND)
    assert client.post(url, {"done_on": dt.date.today().isoformat()}).status_code == 404
    client.force_login(staff.other_case_worker, backend=BACKEND)
    assert client.get(url).status_code == 200


def test_completion_and_work_lists_move_with_the_case(tree, staff):
    enrolled(tree, staff)
    today = dt.date.today()
    period = {"date_from": today - dt.timedelta(days=30), "date_to": today, "today": today}
    by_unit, _ = selectors.completion(staff.quality_lead, **period)
    assert [r.label for r in by_unit] == [tree.vux_unit.name]
    assert selectors.worklist(staff.case_worker, today).count() == 1
    move_all(tree.vux_unit, tree.bof_unit)
    by_unit, _ = selectors.completion(staff.quality_lead, **period)
    assert [r.label for r in by_unit] == [tree.bof_unit.name]
    assert selectors.completion(staff.unit_manager, **period) == ([], [])
    bof_manager = user_with_role(Role.UNIT_MANAGER, tree.bof, username="bof_manager")
    by_unit, _ = selectors.completion(bof_manager, **period)
    assert [(r.label, r.due) for r in by_unit] == [(tree.bof_unit.name, 1)]
    assert selectors.worklist(staff.case_worker, today).count() == 0
    assert selectors.worklist(staff.other_case_worker, today).count() == 1


def test_a_move_changes_the_analysis_data_version(tree, staff):
    enrollment = enrolled(tree, staff)
    key = (enrollment.programme.key, tree.vaxjo.pk)

    def version() -> int:
        row = DataVersion.objects.filter(programme_key=key[0], municipality_id=key[1]).first()
        return row.counter if row else 0

    before = version()
    move_all(tree.vux_unit, tree.bof_unit)
    assert version() > before


def test_repair_migration_moves_enrolments_made_under_the_old_rule(tree, staff):
    enrollment = enrolled(tree, staff)
    untouched = enrolled(tree, staff)
    # the old rule: the case moved, the enrolment stayed
    Case.objects.filter(pk=enrollment.intervention.case_id).update(unit=tree.bof_unit)
    assert repair_enrollments(apps) == 1
    enrollment.refresh_from_db()
    untouched.refresh_from_db()
    assert enrollment.unit == tree.bof_unit and enrollment.responsible is None
    assert untouched.unit == tree.vux_unit and untouched.responsible == staff.case_worker
    assert repair_enrollments(apps) == 0  # idempotent
