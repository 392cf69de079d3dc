"""The public complaint page: no login, plain errors on the field, throttled, a honeypot, a
receipt shown and mailed, English, and an unknown municipality that looks like any missing page."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from insyn.core.models import ChangeEntry
from insyn.quality.models import Complaint, ComplaintTheme, QualitySettings

URL = "/feedback/0780/"


@pytest.fixture(autouse=True)
def _fresh_throttle(db):
    cache.clear()
    yield
    cache.clear()


def _post(client, **data):
    body = {"kind": "complaint", "text": "Jag fick aldrig något svar på mitt brev."}
    body.update(data)
    return client.post(URL, body)


def test_form_opens_without_login(client, tree, catalogues):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Klagomål och synpunkter" in html
    assert 'autocomplete="email"' in html and 'autocomplete="tel"' in html
    assert "<fieldset" in html and "<legend>" in html
    assert 'lang="sv"' in html


def test_submit_stores_shows_receipt_and_mails_it(client, tree, catalogues):
    theme = ComplaintTheme.objects.get(code="bemotande")
    response = _post(
        client,
        theme=theme.pk,
        submitter="relative",
        contact_name="Bo Berg",
        contact_email="bo@example.se",
        wants_answer="on",
    )
    assert response.status_code == 302
    c = Complaint.objects.get()
    assert (c.unit, c.municipality, c.channel, c.state) == (
        tree.vaxjo,
        tree.vaxjo,
        "web",
        "received",
    )
    assert (c.contact_email, c.wants_answer, c.theme, c.submitter) == (
        "bo@example.se",
        True,
        theme,
        "relative",
    )
    assert c.receipt_number not in response["Location"]  # a signed token, not the number
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert c.receipt_number in page.content.decode()
    assert "Jag fick aldrig" not in page.content.decode()
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["bo@example.se"] and c.receipt_number in sent.body
    assert "Jag fick aldrig" not in sent.body  # nothing of what was written leaves by mail
    entry = ChangeEntry.objects.get(object_id=str(c.pk), object_type="quality.complaint")
    assert entry.actor is None and entry.action == "create"
    assert tree.vaxjo.path in entry.org_paths


def test_missing_text_is_a_field_error_and_nothing_is_stored(client, tree, catalogues):
    response = _post(client, text="   ")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'href="#id_text"' in html  # the summary links to the field
    assert 'id="id_text_error"' in html and 'aria-invalid="true"' in html
    assert "Skriv vad ditt klagomål eller din synpunkt handlar om." in html
    assert Complaint.objects.count() == 0 and len(mail.outbox) == 0


def test_missing_kind_and_text_show_both(client, tree, catalogues):
    response = client.post(URL, {"text": ""})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_kind_0"' in html and 'href="#id_text"' in html
    assert Complaint.objects.count() == 0


def test_wants_answer_needs_a_way_to_answer(client, tree, catalogues):
    response = _post(client, wants_answer="on")
    assert response.status_code == 400
    assert "id_contact_email_error" in response.content.decode()
    assert Complaint.objects.count() == 0


def test_anonymous_keeps_no_contact_details(client, tree, catalogues):
    _post(client, anonymous="on", contact_email="x@example.se", contact_name="X")
    c = Complaint.objects.get()
    assert (c.anonymous, c.contact_email, c.contact_name) == (True, "", "")
    assert mail.outbox == []


def test_too_long_text_is_refused(client, tree, catalogues):
    response = _post(client, text="a" * 5001)
    assert response.status_code == 400 and Complaint.objects.count() == 0


def test_throttle_answers_429_after_the_limit(client, tree, catalogues, settings):
    settings.INSYN_COMPLAINTS_PER_ADDRESS_HOUR = 3
    for _ in range(3):
        assert _post(client).status_code == 302
    response = _post(client)
    assert response.status_code == 429
    assert "Vänta en stund" in response.content.decode()
    assert Complaint.objects.count() == 3
    # another address still gets through: the limit is per address …
    other = client.post(URL, {"kind": "complaint", "text": "Hej"}, REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 302


def test_throttle_per_municipality(client, tree, catalogues, settings):
    settings.INSYN_COMPLAINTS_PER_MUNICIPALITY_HOUR = 2
    for n in range(2):
        assert (
            client.post(
                URL, {"kind": "complaint", "text": "x"}, REMOTE_ADDR=f"10.0.0.{n}"
            ).status_code
            == 302
        )
    assert (
        client.post(URL, {"kind": "complaint", "text": "x"}, REMOTE_ADDR="10.0.0.99").status_code
        == 429
    )
    # … and per municipality: Kalmar is not affected
    assert client.post("/feedback/0880/", {"kind": "complaint", "text": "x"}).status_code == 302


def test_honeypot_stores_nothing_but_looks_like_success(client, tree, catalogues):
    response = _post(client, website="http://spam.example")
    assert response.status_code == 302
    assert Complaint.objects.count() == 0
    page = client.get(response["Location"])
    assert page.status_code == 200 and "K-" not in page.content.decode()


def test_english_version_through_the_switch(client, tree, catalogues):
    response = client.get(URL + "?lang=en")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Complaints and suggestions" in html and 'lang="en"' in html
    # remembered without login
    assert "Complaints and suggestions" in client.get(URL).content.decode()
    bad = _post(client, text="")
    assert "Write what your complaint or suggestion is about." in bad.content.decode()
    _post(client, contact_email="e@example.se")
    assert Complaint.objects.get().language == "en"
    assert "Your receipt number" in mail.outbox[0].body


def test_unknown_or_closed_municipality_is_the_same_404_as_a_missing_page(client, tree, catalogues):
    missing = client.get("/no-such-page/")
    unknown = client.get("/feedback/9999/")
    assert unknown.status_code == missing.status_code == 404
    assert unknown.content == missing.content
    assert client.post("/feedback/9999/", {"kind": "complaint", "text": "x"}).status_code == 404
    QualitySettings.objects.create(municipality=tree.vaxjo, public_complaints=False)
    closed = client.get(URL)
    assert closed.status_code == 404 and closed.content == missing.content
    assert _post(client).status_code == 404 and Complaint.objects.count() == 0
    # a unit code that is not a municipality is not a public page either
    assert client.get("/feedback/AOV/").status_code == 404


def test_no_account_enumeration(client, tree, staff, catalogues):
    """An e-mail of a user, or of a previous complaint, gives the very same answer."""
    staff.quality_lead.email = "karin@vaxjo.se"
    staff.quality_lead.save()
    _post(client, contact_email="someone@example.se")

    def page_for(email: str) -> str:
        response = _post(client, contact_email=email)
        assert response.status_code == 302
        html = client.get(response["Location"]).content.decode()
        html = re.sub(r"t=[^&\"]+", "t=TOKEN", html)  # the signed receipt token
        return re.sub(r"K-\d{4}-[A-Z0-9]{6}", "K-NUMBER", html)

    cache.clear()
    assert (
        page_for("karin@vaxjo.se") == page_for("someone@example.se") == page_for("new@example.se")
    )


def test_receipt_link_cannot_be_forged(client, tree, catalogues):
    response = client.get(
        reverse("quality_public:complaint_receipt", args=["0780"]) + "?t=K-2026-AAAAAA"
    )
    assert response.status_code == 200
    assert "K-2026-AAAAAA" not in response.content.decode()


def test_control_characters_are_refused(client, tree, catalogues):
    response = _post(client, text="hej\x00")
    assert response.status_code == 400
    assert Complaint.objects.count() == 0


def test_language_switch_on_the_receipt_keeps_the_number(client, tree, catalogues):
    response = _post(client)
    number = Complaint.objects.get().receipt_number
    page = client.get(response["Location"]).content.decode()
    switch = re.search(r'href="(\?[^"]*lang=en[^"]*)"', page)
    assert switch is not None
    english = client.get(response["Location"].split("?")[0] + switch.group(1).replace("&amp;", "&"))
    html = english.content.decode()
    assert number in html and "Your receipt number" in html


def test_a_failing_mail_server_still_gives_the_receipt(client, tree, catalogues, monkeypatch):
    from insyn.quality.services import complaints as services

    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(services, "send_mail", broken)
    response = _post(client, contact_email="a@example.se")
    assert response.status_code == 302
    number = Complaint.objects.get().receipt_number
    assert number in client.get(response["Location"]).content.decode()
