"""Survey responses, their answers, invitations and scheduled messages go where the case goes;
a survey round is unit-level and anonymous, linked to no case, and stays."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.urls import reverse

from insyn.clients.models import Case
from insyn.core.models import ChangeEntry
from insyn.followup.models import Enrollment, NonResponseReason
from insyn.followup.scope_follow import repair_enrollments, repair_responses
from insyn.surveys.models import Invitation, Response, ScheduledMessage
from insyn.surveys.services.invitations import invitation_create, round_create, round_invite
from tests.clients.moving import move, move_all
from tests.surveys.audit_probes import PROBES
from tests.surveys.factories import placement, response_for

BACKEND = "django.contrib.auth.backends.ModelBackend"
LISTS = {"surveys:occasions", "surveys:free_text"}
# The public answer page opens with the link's token, not through a unit: a move changes nothing.
PUBLIC = {"surveys:answer"}


def _get(client, user, url):
    client.force_login(user, backend=BACKEND)
    return client.get(url)


@pytest.mark.parametrize(
    "name", sorted(k for k in set(PROBES) - PUBLIC if not k.startswith("POST "))
)
def test_every_survey_route_follows_the_moved_case(name, tree, staff, client, catalogues):
    url = PROBES[name](tree, staff).url
    move_all(tree.vux_unit, tree.bof_unit, case_worker=staff.other_case_worker)
    ref = Enrollment.objects.get().client.client_ref
    old = _get(client, staff.case_worker, url)
    new = _get(client, staff.other_case_worker, url)
    assert new.status_code == 200, name
    if url.startswith("/api/"):
        if url.endswith("s/"):
            assert old.json()["results"] == [] and new.json()["results"], name
        else:
            assert old.status_code == 404, name
    elif name in LISTS:
        assert old.status_code in (200, 404)
        old_text = old.content.decode() if old.status_code == 200 else ""
        marker = ref if name == "surveys:occasions" else "Bra"
        assert marker in new.content.decode() and marker not in old_text, name
    else:
        assert old.status_code == 404, name


def test_responses_invitations_and_messages_move_with_the_case(tree, staff, surveys):
    occasion = placement(surveys.programme, tree.vux_unit)
    guardian = response_for(occasion, "guardian")
    invitation, _ = invitation_create(
        actor=None, response=guardian, channel="email", contact="vh@example.se", reminder_days=[7]
    )
    move(occasion.enrollment.intervention.case, tree.bof_unit)
    assert set(occasion.survey_responses.values_list("unit", flat=True)) == {tree.bof_unit.pk}
    invitation.refresh_from_db()
    assert invitation.unit == tree.bof_unit
    assert invitation.messages.count() == 2  # they hang off the invitation and move with it
    moved = ChangeEntry.objects.filter(action="move")
    assert moved.filter(object_type="surveys.response").count() == occasion.survey_responses.count()
    assert moved.filter(object_type="surveys.invitation", object_id=str(invitation.pk)).exists()
    # a response created after the move takes the new unit
    later = placement(surveys.programme, tree.bof_unit)
    assert {r.unit_id for r in later.survey_responses.all()} == {tree.bof_unit.pk}


def test_writes_follow_the_moved_case(tree, staff, surveys, client):
    occasion = placement(surveys.programme, tree.vux_unit)
    child = response_for(occasion, "child")
    guardian = response_for(occasion, "guardian")
    invitation, _ = invitation_create(actor=None, response=guardian, channel="handed")
    message_invitation, _ = invitation_create(
        actor=None, response=guardian, channel="email", contact="vh@example.se", reminder_days=[7]
    )
    message = message_invitation.messages.get(kind="reminder")
    move(occasion.enrollment.intervention.case, tree.bof_unit)
    reason = NonResponseReason.objects.first().code
    writes = [
        (reverse("surveyresponse-non-response", args=[child.pk]), {"reason": reason}),
        (reverse("surveyinvitation-revoke", args=[invitation.pk]), {}),
        (reverse("surveyinvitation-list"), {"response": guardian.pk, "channel": "handed"}),
    ]
    client.force_login(staff.case_worker, backend=BACKEND)
    for url, body in writes:
        assert client.post(url, body, content_type="application/json").status_code == 404, url
    web = client.post(reverse("surveys:response_enter", args=[child.pk]), {"mode": "dialog"})
    assert web.status_code == 404
    edit = client.post(reverse("surveys:message", args=[message.pk]), {"body": "x {link}"})
    assert edit.status_code == 404
    child.refresh_from_db()
    invitation.refresh_from_db()
    assert child.status == Response.Status.EXPECTED and invitation.revoked_at is None
    assert Invitation.objects.count() == 2
    message.refresh_from_db()
    assert message.body != "x {link}"
    client.force_login(staff.other_case_worker, backend=BACKEND)
    for url, body in writes:
        answer = client.post(url, body, content_type="application/json")
        assert answer.status_code in (200, 201), (url, answer.content)
    child.refresh_from_db()
    invitation.refresh_from_db()
    assert child.status == Response.Status.NON_RESPONSE and invitation.revoked_at is not None
    assert Invitation.objects.count() == 3


def test_a_survey_round_stays_with_its_unit(tree, staff, surveys):
    placement(surveys.programme, tree.vux_unit)
    today = dt.date.today()
    survey_round = round_create(
        actor=None,
        questionnaire=surveys.ifo_q,
        unit=tree.vux_unit,
        name="Brukarundersökning",
        opens_on=today,
        closes_on=today + dt.timedelta(days=20),
    )
    round_invite(actor=None, survey_round=survey_round, channel="handed", count=2)
    move_all(tree.vux_unit, tree.bof_unit)
    survey_round.refresh_from_db()
    assert survey_round.unit == tree.vux_unit
    assert set(Invitation.objects.filter(round=survey_round).values_list("unit", flat=True)) == {
        tree.vux_unit.pk
    }


def test_repair_migration_moves_responses_and_invitations(tree, staff, surveys):
    occasion = placement(surveys.programme, tree.vux_unit)
    kept = placement(surveys.programme, tree.vux_unit)
    invitation, _ = invitation_create(
        actor=None, response=response_for(occasion, "guardian"), channel="handed"
    )
    # the old rule: the case moved, everything below it stayed
    Case.objects.filter(pk=occasion.enrollment.intervention.case_id).update(unit=tree.bof_unit)
    assert repair_enrollments(apps) == 1
    assert repair_responses(apps) == occasion.survey_responses.count() + 1
    assert set(occasion.survey_responses.values_list("unit", flat=True)) == {tree.bof_unit.pk}
    assert set(kept.survey_responses.values_list("unit", flat=True)) == {tree.vux_unit.pk}
    invitation.refresh_from_db()
    assert invitation.unit == tree.bof_unit
    assert ScheduledMessage.objects.filter(invitation__unit=tree.vux_unit).count() == 0
    assert repair_responses(apps) == 0
