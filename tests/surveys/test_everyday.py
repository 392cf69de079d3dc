"""Small things a new user trips over on the survey pages (issue 14, item 6): the invitation
form's defaults, what the child's answer page says, no mean for yes/no, and statuses that
say each word once."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from insyn.followup.services import occasion_mark_done
from insyn.surveys.models import Invitation, Response
from insyn.surveys.services import invitations
from insyn.surveys.services.responses import response_enter
from tests.surveys.factories import placement, provider, response_for


class _Defaults(HTMLParser):
    """The values a form is sent with when nobody changes anything (inputs, selects)."""

    def __init__(self, prefix: str) -> None:
        super().__init__()
        self.prefix, self.values, self._select = prefix, {}, None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        name = a.get("name") or ""
        if tag == "input" and name.startswith(self.prefix):
            self.values.setdefault(name, a.get("value") or "")
        elif tag == "select" and name.startswith(self.prefix):
            self._select = name
        elif (
            tag == "option"
            and self._select
            and (self._select not in self.values or "selected" in a)
        ):
            self.values[self._select] = a.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


@pytest.fixture
def occasion(surveys, tree):
    return placement(surveys.programme, tree.vux_unit, care_home=provider("Björkgården HVB"))


def test_the_invitation_forms_defaults_can_be_sent_as_they_are(login, staff, occasion):
    client = login(staff.case_worker)
    url = reverse("surveys:occasion", args=[occasion.pk])
    parser = _Defaults("invite-")
    parser.feed(client.get(url).content.decode())
    assert parser.values["invite-channel"] == Invitation.Channel.HANDED
    response = client.post(url, {"op": "invite", **parser.values})
    assert response.status_code == 200, response.content.decode()
    assert "/surveys/a/" in response.content.decode()
    assert Invitation.objects.filter(response__occasion=occasion).count() == 1


def test_the_childs_page_names_the_municipality_not_the_staff_description(
    client, surveys, occasion, staff
):
    _inv, token = invitations.invitation_create(
        actor=staff.case_worker,
        response=response_for(occasion, "child"),
        channel=Invitation.Channel.HANDED,
    )
    html = client.get(reverse("surveys:answer", args=[token])).content.decode()
    assert "socialtjänsten i Växjö" in html
    assert surveys.placement_q.description not in html
    assert "Handläggaren" not in html
    # One question of the child's is required: the page says which may be skipped.
    assert "De andra kan du hoppa över." in html


def test_a_yes_no_question_shows_a_share_not_a_mean(login, staff, surveys, tree):
    for _ in range(6):
        o = placement(surveys.programme, tree.vux_unit)
        response_enter(
            actor=None,
            response=response_for(o, "case_worker"),
            draft={"hl_placeringsorsak": "hemmiljo", "hl_mal_fanns": "yes", "hl_helhet": "4"},
            mode="dialog",
        )
    html = (
        login(staff.quality_lead)
        .get(reverse("surveys:results"), {"questionnaire": "placering-barn-unga"})
        .content.decode()
    )
    row = re.search(r"Fanns det uttalade mål för placeringen.*?</tr>", html, re.S)
    assert row is not None
    cells = re.findall(r'<td class="num">([^<]*)</td>', row.group(0))
    n, mean, share = cells[:3]
    assert (n, mean, share) == ("6", "–", "100 %")


def test_statuses_say_each_word_once(login, staff, occasion):
    child = response_for(occasion, "child")
    response_enter(actor=None, response=child, draft={"barn_helhet": "4"}, mode="dialog")
    client = login(staff.case_worker)
    page = client.get(reverse("surveys:occasion", args=[occasion.pk])).content.decode()
    assert "Besvarad i dialogintervju" in page
    assert "Besvarad (" not in page
    detail = client.get(reverse("surveys:response", args=[child.pk])).content.decode()
    assert detail.count("Besvarad") == 1

    occasion_mark_done(actor=None, occasion=occasion, done_on=dt.date.today())
    page = client.get(reverse("followup:occasion", args=[occasion.pk])).content.decode()
    line = re.search(r'<span class="badge[^"]*">([^<]+)</span>(.*?)</p>', page, re.S)
    assert line is not None
    assert line.group(1) == "Genomförd" and "Genomförd" not in line.group(2), line.group(0)


def test_the_start_panel_counts_without_repeating_the_word(login, staff, surveys, tree):
    client = login(staff.case_worker)
    html = client.get(reverse("core:home")).content.decode()
    assert 'id="surveys-panel"' in html
    assert "Inga svar väntas i dina enheter just nu." in html and "0 " not in _panel(html)
    placement(surveys.programme, tree.vux_unit)
    assert Response.objects.filter(status=Response.Status.EXPECTED).count() == 3
    html = client.get(reverse("core:home")).content.decode()
    assert "3 svar väntas i dina enheter." in _panel(html)
    assert "väntade svar väntar" not in html


def _panel(html: str) -> str:
    return html.split('id="surveys-panel"')[1].split("</section>")[0]
