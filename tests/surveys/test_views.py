"""Staff pages: invitations at an occasion, dialog interviews, non-response, results for each
role, scope (outside = 404 like missing), free text only with individual access."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from insyn.core.models import AccessEntry
from insyn.followup.models import NonResponseReason
from insyn.surveys.models import Invitation, Response
from insyn.surveys.services.responses import response_enter
from tests.surveys.factories import placement, placement_programme, provider, response_for


@pytest.fixture
def occasion(surveys, tree):
    return placement(surveys.programme, tree.vux_unit, care_home=provider("Björkgården HVB"))


def test_case_worker_invites_child_and_guardian_and_sees_the_link_once(login, staff, occasion):
    client = login(staff.case_worker)
    url = reverse("surveys:occasion", args=[occasion.pk])
    page = client.get(url).content.decode()
    assert "Barn eller ungdom" in page and "Vårdnadshavare" in page and "Handläggare" in page
    for role in ("child", "guardian"):
        r = response_for(occasion, role)
        response = client.post(
            url,
            {
                "op": "invite",
                "invite-response": r.pk,
                "invite-channel": "handed",
                "invite-language": "sv",
                "invite-expires_in_days": 30,
                "invite-reminder_days": "",
            },
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "/surveys/a/" in html and "visas bara en gång" in html
    assert Invitation.objects.filter(response__occasion=occasion).count() == 2
    assert "/surveys/a/" not in client.get(url).content.decode()  # never shown again


def test_bad_invitation_input_gets_a_message_and_changes_nothing(login, staff, occasion):
    client = login(staff.case_worker)
    r = response_for(occasion, "guardian")
    response = client.post(
        reverse("surveys:occasion", args=[occasion.pk]),
        {
            "op": "invite",
            "invite-response": r.pk,
            "invite-channel": "sms",
            "invite-contact": "abc",
            "invite-language": "sv",
            "invite-expires_in_days": 30,
            "invite-reminder_days": "7",
        },
    )
    assert response.status_code == 400 and "mobilnummer" in response.content.decode()
    assert Invitation.objects.count() == 0


def test_dialog_interview_is_entered_and_marked(login, staff, occasion):
    client = login(staff.case_worker)
    r = response_for(occasion, "child")
    url = reverse("surveys:response_enter", args=[r.pk])
    assert "Kände du dig trygg" in client.get(url).content.decode()
    bad = client.post(url, {"mode": "dialog", "q_barn_trygg": "4"})
    assert bad.status_code == 400 and "error-summary" in bad.content.decode()
    ok = client.post(url, {"mode": "dialog", "q_barn_trygg": "4", "q_barn_helhet": "5"})
    assert ok.status_code == 302
    r.refresh_from_db()
    assert (r.status, r.mode, r.entered_by) == ("submitted", "dialog", staff.case_worker)


def test_non_response_is_recorded_with_a_reason(login, staff, occasion):
    client = login(staff.case_worker)
    r = response_for(occasion, "guardian")
    reason = NonResponseReason.objects.get(code="not_reachable")
    response = client.post(
        reverse("surveys:occasion", args=[occasion.pk]),
        {
            "op": "non_response",
            "nr-response": r.pk,
            "nr-reason": reason.pk,
            "nr-note": "Tre försök",
        },
    )
    assert response.status_code == 302
    r.refresh_from_db()
    assert (r.status, r.non_response_reason, r.note) == ("non_response", reason, "Tre försök")


def test_outside_scope_is_not_found_like_missing(login, staff, occasion):
    for user in (staff.kalmar_case_worker, staff.other_case_worker):
        client = login(user)
        assert client.get(reverse("surveys:occasion", args=[occasion.pk])).status_code == 404
        assert client.get(reverse("surveys:occasion", args=[999999])).status_code == 404
        r = response_for(occasion, "child")
        assert (
            client.post(
                reverse("surveys:response_enter", args=[r.pk]),
                {"mode": "dialog", "q_barn_helhet": "5"},
            ).status_code
            == 404
        )
    r.refresh_from_db()
    assert r.status == "expected"


def test_analyst_sees_no_individual_pages(login, staff, occasion):
    client = login(staff.analyst)
    assert client.get(reverse("surveys:occasions")).status_code == 404
    assert client.get(reverse("surveys:free_text", args=["placering-barn-unga"])).status_code == 404
    assert client.get(reverse("surveys:results")).status_code == 200


@pytest.fixture
def answered(surveys, tree, staff):
    """Six placements in Växjö and six in Kalmar at one shared care home."""
    home = provider("Gemensamma HVB")
    kalmar = placement_programme(tree.kalmar, surveys.placement_q, key="placering-kalmar")
    for programme, unit in ((surveys.programme, tree.vux_unit), (kalmar, tree.kalmar_unit)):
        for i in range(6):
            o = placement(programme, unit, care_home=home)
            response_enter(
                actor=None,
                response=response_for(o, "child"),
                draft={
                    "barn_helhet": str(3 + i % 3),
                    "barn_kommentar": f"Hemlig kommentar {unit.code}{i}",
                },
                mode="dialog",
            )
    return home


def test_results_page_is_suppressed_and_has_no_free_text(login, staff, answered):
    client = login(staff.case_worker)
    html = client.get(
        reverse("surveys:results"), {"questionnaire": "placering-barn-unga", "by": ["provider"]}
    ).content.decode()
    assert "Om du tänker på hela tiden där" in html and "Hemlig kommentar" not in html
    assert "Gemensamma HVB" in html


def test_regional_analyst_compares_providers_across_municipalities(login, staff, answered, tree):
    from insyn.organisations.models import Membership

    Membership.objects.filter(user=staff.analyst).update(org_unit=tree.nation)
    staff.analyst.__dict__.pop("_insyn_granted_paths", None)
    client = login(staff.analyst)
    data = client.get(
        reverse("survey-results"), {"questionnaire": "placering-barn-unga", "by": "provider"}
    ).json()
    row = next(
        r
        for r in data["rows"]
        if r["question"] == "barn_helhet" and r.get("provider") == "Gemensamma HVB"
    )
    assert row["n"] == 12 and row["suppressed"] is False
    assert "Hemlig" not in str(data)


def test_case_worker_sees_own_unit_only_in_results(login, staff, answered):
    client = login(staff.case_worker)
    data = client.get(reverse("survey-results"), {"questionnaire": "placering-barn-unga"}).json()
    row = next(r for r in data["rows"] if r["question"] == "barn_helhet")
    assert row["n"] == 6


def test_free_text_only_for_individual_access_and_audited(login, staff, answered):
    client = login(staff.case_worker)
    before = AccessEntry.objects.count()
    html = client.get(reverse("surveys:free_text", args=["placering-barn-unga"])).content.decode()
    assert "Hemlig kommentar VUX-OPV0" in html and "Hemlig kommentar IFO0" not in html
    assert AccessEntry.objects.count() - before == 6


def test_anonymous_results_page_below_threshold(login, staff, surveys, tree):
    from insyn.surveys.services import invitations as services

    survey_round = services.round_create(
        actor=staff.case_worker,
        questionnaire=surveys.ifo_q,
        unit=tree.vux_unit,
        name="IFO",
        opens_on=dt.date.today(),
        closes_on=dt.date.today() + dt.timedelta(days=9),
    )
    for inv, _t in services.round_invite(
        actor=staff.case_worker, survey_round=survey_round, channel="handed", count=3
    ):
        services.invitation_submit(invitation=inv, draft={"ifo_battre": "5"})
    html = (
        login(staff.case_worker)
        .get(reverse("surveys:results"), {"questionnaire": "ifo-brukarundersokning"})
        .content.decode()
    )
    assert 'id="withheld"' in html and 'id="results-table"' not in html
    assert Response.objects.filter(round=survey_round).count() == 3


def test_questionnaire_pages_and_yaml_export(login, staff, surveys):
    client = login(staff.case_worker)
    assert "Brukarundersökning" in client.get(reverse("surveys:questionnaires")).content.decode()
    detail = client.get(reverse("surveys:questionnaire", args=[surveys.ifo_q.pk]))
    assert detail.status_code == 200
    export = client.get(reverse("surveys:export", args=[surveys.ifo_q.pk]))
    assert (
        export["Content-Type"].startswith("application/yaml")
        and b"ifo-brukarundersokning" in export.content
    )
    assert (
        client.post(
            reverse("surveys:questionnaire", args=[surveys.ifo_q.pk]), {"op": "retire"}
        ).status_code
        == 404
    )
    surveys.ifo_q.refresh_from_db()
    assert surveys.ifo_q.status == "published"  # a case worker does not design


def test_start_page_counts_waiting_answers(login, staff, occasion):
    html = login(staff.case_worker).get(reverse("core:home")).content.decode()
    assert "3 svar väntas i dina enheter" in html


def test_designer_edits_a_draft_as_yaml_but_never_a_published_version(login, staff, surveys, tree):
    import yaml

    from insyn.surveys.models import Question, Questionnaire
    from insyn.surveys.services import questionnaires as services

    data = yaml.safe_load(services.questionnaire_export(surveys.ifo_q))
    data.update(key="vaxjo-enkat", status="draft")
    draft, _what = services.questionnaire_import(
        actor=None, text=yaml.safe_dump(data, allow_unicode=True), owner=tree.aov
    )
    client = login(staff.quality_lead)
    assert client.get(reverse("surveys:edit", args=[surveys.ifo_q.pk])).status_code == 404
    url = reverse("surveys:edit", args=[draft.pk])
    text = client.get(url).content.decode()
    assert "vaxjo-enkat" in text
    data["sections"][0]["questions"][0]["text"] = "Hur lätt var det att nå oss?"
    ok = client.post(url, {"definition": yaml.safe_dump(data, allow_unicode=True)})
    assert ok.status_code == 302
    assert (
        Question.objects.get(section__questionnaire=draft, key="ifo_na_handlaggare").text
        == "Hur lätt var det att nå oss?"
    )
    data["version"] = 7
    bad = client.post(url, {"definition": yaml.safe_dump(data, allow_unicode=True)})
    assert bad.status_code == 400 and Questionnaire.objects.filter(key="vaxjo-enkat").count() == 1
    broken = client.post(
        url, {"definition": "key: vaxjo-enkat\nversion: 1\nname: X\nsections: []\n"}
    )
    assert broken.status_code == 400 and "minst ett avsnitt" in broken.content.decode()
    assert client.get(reverse("surveys:edit", args=[draft.pk]), follow=True).status_code == 200
    assert login(staff.case_worker).get(url).status_code == 404
