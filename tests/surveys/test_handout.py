"""A handed-over questionnaire link on paper or on a screen (QR code drawn on the server,
audited, only for staff who may change the response), and `insyn survey invite`."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from insyn.core.models import AccessEntry, ChangeEntry
from insyn.surveys.models import Invitation, SurveyRound
from insyn.surveys.services.invitations import invitation_create, invitation_revoke, round_create
from tests.surveys.factories import placement, provider, response_for

QR = "data:image/svg+xml"


@pytest.fixture
def occasion(surveys, tree):
    return placement(surveys.programme, tree.vux_unit, care_home=provider("Björkgården HVB"))


def _handed(occasion, role="guardian"):
    return invitation_create(actor=None, response=response_for(occasion, role), channel="handed")


def test_occasion_page_shows_the_new_link_as_qr_code_and_offers_a_printed_sheet(
    login, staff, occasion
):
    client = login(staff.case_worker)
    page = client.post(
        reverse("surveys:occasion", args=[occasion.pk]),
        {
            "op": "invite",
            "invite-response": response_for(occasion, "guardian").pk,
            "invite-channel": "handed",
            "invite-language": "sv",
            "invite-expires_in_days": 30,
            "invite-reminder_days": "",
        },
    ).content.decode()
    assert QR in page and 'alt="QR-kod med länken"' in page
    assert reverse("surveys:handout") in page and "Skriv ut länken med QR-kod" in page


def test_printed_sheet_has_link_qr_and_instructions_and_is_audited(login, staff, occasion):
    invitation, token = _handed(occasion)
    response = login(staff.case_worker).post(reverse("surveys:handout"), {"token": token})
    assert response.status_code == 200
    html = response.content.decode()
    assert f"/surveys/a/{token}/" in html and QR in html
    assert "Skanna koden med mobilens kamera" in html
    assert timezone.localtime(invitation.expires_at).date().isoformat() in html
    entry = AccessEntry.objects.filter(action="print_link").get()
    assert (entry.actor_id, entry.object_id) == (staff.case_worker.pk, str(invitation.pk))


def test_sheet_only_for_open_handed_links_in_scope(login, staff, occasion):
    invitation, token = _handed(occasion)
    url = reverse("surveys:handout")
    assert login(staff.kalmar_case_worker).post(url, {"token": token}).status_code == 404
    assert login(staff.analyst).post(url, {"token": token}).status_code == 404
    client = login(staff.case_worker)
    assert client.get(url).status_code == 405
    assert client.post(url, {"token": "not-a-token"}).status_code == 404
    invitation_revoke(actor=None, invitation=invitation)
    assert client.post(url, {"token": token}).status_code == 404
    assert not AccessEntry.objects.filter(action="print_link").exists()


def test_a_round_prints_one_sheet_per_link(login, staff, surveys, tree):
    client = login(staff.case_worker)
    survey_round = round_create(
        actor=None,
        questionnaire=surveys.ifo_q,
        unit=tree.vux_unit,
        name="IFO våren",
        opens_on=dt.date.today(),
        closes_on=dt.date.today() + dt.timedelta(days=14),
    )
    issued = client.post(
        reverse("surveys:round", args=[survey_round.pk]), {"channel": "handed", "count": 3}
    ).content.decode()
    assert issued.count('name="token"') == 3
    tokens = [part.split('"')[0] for part in issued.split('name="token" value="')[1:]]
    sheets = client.post(reverse("surveys:handout"), {"token": tokens}).content.decode()
    assert sheets.count('class="card handout"') == 3 and sheets.count(QR) == 3
    assert AccessEntry.objects.filter(action="print_link").count() == 3


def test_cli_invites_an_occasion_respondent_and_prints_the_link_once(occasion, tmp_path):
    out = StringIO()
    qr = tmp_path / "link.svg"
    call_command(
        "survey", "invite", "--occasion", str(occasion.pk), "--role", "guardian",
        "--qr", str(qr), stdout=out,
    )  # fmt: skip
    invitation = Invitation.objects.get(response__occasion=occasion)
    assert invitation.respondent_role == "guardian" and invitation.channel == "handed"
    assert invitation.created_by is None
    assert ChangeEntry.objects.filter(action="create", object_id=str(invitation.pk)).exists()
    lines = out.getvalue().splitlines()
    assert "/surveys/a/" in lines[0] and "shown only now" in lines[1]
    assert qr.read_text().lstrip().startswith(("<?xml", "<svg"))


def test_cli_invite_refuses_bad_input_and_writes_nothing(occasion):
    with pytest.raises(CommandError, match=r"give --role: occasion .* expects .*guardian"):
        call_command("survey", "invite", "--occasion", str(occasion.pk), stdout=StringIO())
    with pytest.raises(CommandError, match="e-postadress"):
        call_command(
            "survey", "invite", "--occasion", str(occasion.pk), "--role", "guardian",
            "--channel", "email", "--contact", "not-an-address", stdout=StringIO(),
        )  # fmt: skip
    with pytest.raises(CommandError, match="no occasion"):
        call_command("survey", "invite", "--occasion", "999999", stdout=StringIO())
    assert not Invitation.objects.exists()


def test_cli_invites_a_round(surveys, tree):
    survey_round = SurveyRound.objects.create(
        questionnaire=surveys.ifo_q,
        unit=tree.vux_unit,
        name="Hösten",
        opens_on=dt.date.today(),
        closes_on=dt.date.today() + dt.timedelta(days=10),
    )
    out = StringIO()
    call_command("survey", "invite", "--round", str(survey_round.pk), "--count", "2", stdout=out)
    assert out.getvalue().count("/surveys/a/") == 2
    assert Invitation.objects.filter(round=survey_round).count() == 2
    emailed = StringIO()
    call_command(
        "survey", "invite", "--round", str(survey_round.pk), "--channel", "email",
        "--contact", "a@example.se", "--contact", "b@example.se", stdout=emailed,
    )  # fmt: skip
    assert "2 invitation(s) scheduled (email)" in emailed.getvalue()
