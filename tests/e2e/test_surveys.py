"""Done-when of the surveys issue, in a real browser: a case worker creates invitations for the
child and the guardian at a placement's end; the child's link, opened 375 px wide, is answered
with the keyboard only; reusing the link shows a clear message and stores nothing; the results
page then counts the answer. axe-core finds nothing serious on the answer and results pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.e2e.conftest import assert_accessible, log_in


@pytest.fixture
def placement_world(transactional_db):
    from insyn.core.catalogue_loader import load_catalogues
    from insyn.core.roles import Role
    from insyn.organisations.models import OrgUnit
    from insyn.surveys.services.responses import response_enter
    from tests.factories import org_unit, user_with_role
    from tests.surveys.factories import (
        PLACEMENT,
        load_templates,
        placement,
        placement_programme,
        provider,
        response_for,
    )

    load_catalogues()
    K = OrgUnit.Kind
    nation = org_unit(None, "0000", "Riket", K.NATION)
    region = org_unit(nation, "0007", "Region Kronoberg", K.REGION)
    vaxjo = org_unit(region, "0780", "Växjö", K.MUNICIPALITY)
    aov = org_unit(vaxjo, "AOV", "Arbete och välfärd", K.ADMINISTRATION)
    unit = org_unit(aov, "BOF-UTR", "Utredning barn och unga", K.UNIT)
    worker = user_with_role(Role.CASE_WORKER, unit, username="sara")
    questionnaires = load_templates(nation)
    programme = placement_programme(vaxjo, questionnaires[PLACEMENT])
    home = provider("Björkgårdens HVB")
    for _ in range(5):  # earlier placements, so one more child answer makes a visible group
        earlier = placement(
            programme, unit, care_home=home, ended_on=dt.date.today() - dt.timedelta(days=60)
        )
        response_enter(
            actor=None,
            response=response_for(earlier, "child"),
            draft={"barn_helhet": "4"},
            mode="dialog",
        )
    occasion = placement(
        programme, unit, care_home=home, birth_date=dt.date.today() - dt.timedelta(days=12 * 365)
    )
    return worker, occasion


def _invite(page, role_label: str) -> str:
    form = page.get_by_role("region", name="Bjud in att svara")
    form.get_by_label(re.compile(r"^Svarande")).select_option(label=role_label)
    form.get_by_label(re.compile(r"^Hur länken når")).select_option(
        label="Lämnas över (visas en gång)"
    )
    form.get_by_label("Påminnelser efter (dagar)").fill("")
    form.get_by_role("button", name="Skapa inbjudan").click()
    link = page.locator("#new-link").get_attribute("href")
    return "/" + link.split("/", 3)[3]


def test_invite_answer_by_keyboard_on_a_phone_and_see_it_counted(
    page, browser, live_server, placement_world, password
):
    from insyn.surveys.models import Answer, Response

    worker, occasion = placement_world
    log_in(page, worker.username, password)
    page.goto("/surveys/occasions/")
    page.get_by_role("link", name=occasion.enrollment.client.client_ref).click()
    child_link = _invite(page, "Barn eller ungdom")
    guardian_link = _invite(page, "Vårdnadshavare")
    assert child_link != guardian_link and child_link.startswith("/surveys/a/")
    assert page.csp_errors == []

    phone = browser.new_context(
        base_url=live_server.url, viewport={"width": 375, "height": 740}, locale="sv-SE"
    )
    child = phone.new_page()
    child.goto(child_link)
    assert child.get_by_role("heading", level=1).inner_text().startswith("Uppföljning av placering")
    assert child.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(child)

    # Keyboard only: Tab into each question, arrow keys choose, type in the text box, Enter sends.
    answered: set[str] = set()
    for _ in range(80):
        child.keyboard.press("Tab")
        focused = child.evaluate(
            "(() => { const e = document.activeElement; return {tag: e.tagName,"
            " type: e.type || '', name: e.name || '', text: e.textContent.trim()}; })()"
        )
        if focused["type"] == "radio" and focused["name"] not in answered:
            child.keyboard.press("ArrowDown")  # selects the 2nd option
            child.keyboard.press("ArrowDown")
            child.keyboard.press("ArrowDown")  # 4 on a five-point scale
            answered.add(focused["name"])
        elif focused["tag"] == "TEXTAREA":
            child.keyboard.type("Personalen lyssnade.")
        elif focused["tag"] == "BUTTON" and focused["text"] == "Skicka svaren":
            with child.expect_navigation():
                child.keyboard.press("Enter")
            break
    child.wait_for_load_state("networkidle")
    assert "Tack – dina svar har kommit fram" in child.content(), child.content()
    assert "Personalen lyssnade" not in child.content()
    response = Response.objects.get(occasion=occasion, respondent_role="child")
    assert response.status == "submitted" and response.mode == "self"
    assert Answer.objects.get(response=response, question__key="barn_helhet").number == 4
    stored = Answer.objects.count()

    # Reusing the link: a clear message, and nothing stored.
    child.goto(child_link)
    assert "Frågorna har redan besvarats med den här länken" in child.content()
    assert child.locator("form.answer-form").count() == 0
    assert Answer.objects.count() == stored
    phone.close()

    # The results page counts the answer: six children now, a visible group.
    page.goto("/surveys/results/?questionnaire=placering-barn-unga&by=role")
    row = (
        page.locator("#results-table tr", has_text="Barn eller ungdom").filter(has_text="5: ").first
    )
    assert row.count() == 1
    cells = page.locator("#results-table tbody tr").all_inner_texts()
    assert any(
        "Barn eller ungdom\t6\t4,00" in c or "Barn eller ungdom\t6\t4.00" in c for c in cells
    ), cells
    assert_accessible(page)
    assert page.csp_errors == []


def test_english_switch_on_the_answer_page(page, placement_world):
    from insyn.surveys.models import Invitation
    from insyn.surveys.services.invitations import invitation_create
    from tests.surveys.factories import response_for

    _worker, occasion = placement_world
    _inv, token = invitation_create(
        actor=None, response=response_for(occasion, "guardian"), channel=Invitation.Channel.HANDED
    )
    page.goto(f"/surveys/a/{token}/")
    page.get_by_role("link", name="English").click()
    assert page.get_by_role("button", name="Send answers").count() == 1
    assert page.evaluate("document.documentElement.lang") == "en"
    assert_accessible(page)
