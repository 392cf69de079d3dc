"""What a case worker does with a sent invitation from the occasion page (revoke the link,
change or cancel a reminder not yet sent), and a link that expires while the respondent has the
page open. Through the pages, as the users meet them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from insyn.core.models import ChangeEntry
from insyn.surveys.models import Answer, Invitation, ScheduledMessage
from insyn.surveys.services import invitations as services
from tests.surveys.factories import placement, response_for


@pytest.fixture
def occasion(surveys, tree):
    return placement(surveys.programme, tree.vux_unit)


@pytest.fixture
def invited(staff, occasion, django_capture_on_commit_callbacks):
    """The guardian invited by e-mail with a reminder in 7 days; the link of the invitation."""
    with django_capture_on_commit_callbacks(execute=True):
        invitation, _none = services.invitation_create(
            actor=staff.case_worker,
            response=response_for(occasion, "guardian"),
            channel=Invitation.Channel.EMAIL,
            contact="vh@example.se",
            reminder_days=[7],
        )
    return invitation


@pytest.fixture
def case_worker(login, staff):
    client = login(staff.case_worker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _reminder(invitation: Invitation) -> ScheduledMessage:
    return invitation.messages.get(kind="reminder")


# --- revoking a link on the occasion page ----------------------------------------------------


def test_case_worker_revokes_a_link_on_the_occasion_page(case_worker, occasion, invited):
    page = reverse("surveys:occasion", args=[occasion.pk])
    html = case_worker.get(page).content.decode()
    assert f'name="invitation" value="{invited.pk}"' in html and "Revoke link" in html
    response = case_worker.post(page, {"op": "revoke", "invitation": str(invited.pk)})
    assert response.status_code == 302 and response["Location"] == page
    html = case_worker.get(page).content.decode()
    assert "The link no longer works." in html
    assert f'name="invitation" value="{invited.pk}"' not in html  # no second revoke button
    invited.refresh_from_db()
    assert invited.revoked_at is not None
    assert _reminder(invited).status == "cancelled"  # nothing more is sent for it
    assert ChangeEntry.objects.filter(
        object_type="surveys.invitation", object_id=str(invited.pk), action="revoke"
    ).exists()


def test_revoking_a_link_of_another_occasion_or_nothing_is_not_found(
    case_worker, surveys, tree, occasion, invited
):
    other = placement(surveys.programme, tree.vux_unit, birth_date=dt.date(2011, 4, 2))
    page = reverse("surveys:occasion", args=[other.pk])
    assert (
        case_worker.post(page, {"op": "revoke", "invitation": str(invited.pk)}).status_code == 404
    )
    assert case_worker.post(page, {"op": "revoke", "invitation": "x"}).status_code == 404
    invited.refresh_from_db()
    assert invited.revoked_at is None


def test_a_case_worker_of_another_unit_cannot_revoke(login, staff, occasion, invited):
    outsider = login(staff.other_case_worker)
    page = reverse("surveys:occasion", args=[occasion.pk])
    assert outsider.post(page, {"op": "revoke", "invitation": str(invited.pk)}).status_code == 404
    invited.refresh_from_db()
    assert invited.revoked_at is None


# --- changing and cancelling a message -------------------------------------------------------


def test_case_worker_changes_a_reminder_before_it_goes(case_worker, occasion, invited):
    reminder = _reminder(invited)
    url = reverse("surveys:message", args=[reminder.pk])
    form = case_worker.get(url)
    assert form.status_code == 200 and reminder.body[:20] in form.content.decode()
    later = timezone.localtime(reminder.send_at) + dt.timedelta(days=3)
    response = case_worker.post(
        url,
        {
            "send_at": later.strftime("%Y-%m-%dT%H:%M"),
            "subject": "Påminnelse om enkäten",
            "body": "Hej! Svara gärna här: {link}",
        },
    )
    assert response["Location"] == reverse("surveys:occasion", args=[occasion.pk])
    reminder.refresh_from_db()
    assert (reminder.subject, reminder.body, reminder.status) == (
        "Påminnelse om enkäten",
        "Hej! Svara gärna här: {link}",
        "pending",
    )
    assert timezone.localtime(reminder.send_at).replace(tzinfo=None) == later.replace(
        second=0, microsecond=0, tzinfo=None
    )
    assert ChangeEntry.objects.filter(
        object_type="surveys.scheduledmessage", object_id=str(reminder.pk), action="update"
    ).exists()


def test_a_message_without_text_is_sent_back(case_worker, invited):
    reminder = _reminder(invited)
    url = reverse("surveys:message", args=[reminder.pk])
    response = case_worker.post(url, {"send_at": "2030-01-01T09:00", "body": " "})
    assert response.status_code == 400
    assert 'id="id_body_error"' in response.content.decode()
    reminder.refresh_from_db()
    assert reminder.body.strip() and reminder.send_at.year != 2030


def test_case_worker_cancels_a_reminder_and_it_cannot_change_after(case_worker, occasion, invited):
    reminder = _reminder(invited)
    url = reverse("surveys:message", args=[reminder.pk])
    response = case_worker.post(url, {"op": "cancel"})
    assert response["Location"] == reverse("surveys:occasion", args=[occasion.pk])
    reminder.refresh_from_db()
    assert (reminder.status, reminder.outcome) == ("cancelled", "cancelled by staff")
    assert ChangeEntry.objects.filter(
        object_type="surveys.scheduledmessage", object_id=str(reminder.pk), action="cancel"
    ).exists()
    response = case_worker.post(url, {"op": "cancel"}, follow=True)
    assert "The message has already been handled and cannot be changed." in (
        response.content.decode()
    )
    response = case_worker.post(url, {"send_at": "2030-01-01T09:00", "body": "Ny text {link}"})
    assert response.status_code == 400
    assert "The message has already been handled" in response.content.decode()
    reminder.refresh_from_db()
    assert reminder.status == "cancelled" and reminder.send_at.year != 2030


def test_a_case_worker_of_another_unit_cannot_see_or_change_a_message(login, staff, invited):
    reminder = _reminder(invited)
    outsider = login(staff.other_case_worker)
    url = reverse("surveys:message", args=[reminder.pk])
    assert outsider.get(url).status_code == 404
    assert outsider.post(url, {"op": "cancel"}).status_code == 404
    reminder.refresh_from_db()
    assert reminder.status == "pending"


# --- a link that expires while the page is open ----------------------------------------------


def test_a_link_that_expired_while_open_takes_no_answers(client, surveys, tree, staff):
    occasion = placement(surveys.programme, tree.vux_unit)
    invitation, token = services.invitation_create(
        actor=staff.case_worker,
        response=response_for(occasion, "child"),
        channel=Invitation.Channel.HANDED,
    )
    url = reverse("surveys:answer", args=[token])
    assert client.get(url).status_code == 200  # the child opens the page
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    for action in ("save", "submit"):
        response = client.post(url, {"q_barn_trygg": "4", "action": action})
        assert response.status_code == 410
        assert "gått ut" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.draft == {} and invitation.used_at is None
    assert Answer.objects.count() == 0
    assert response_for(occasion, "child").status == "expected"
