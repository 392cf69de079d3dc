"""The reports pages as the quality lead and as users who may not see them."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from insyn.reports.models import Report
from tests.reports import factories as rf


@pytest.fixture
def world(tree):
    return rf.world(tree)


def _create(client, tree, **extra):
    data = {"unit": tree.aov.pk, "template": "default", "year": 2024, "language": "sv"}
    data.update(extra)
    return client.post(reverse("reports:list"), data)


def test_quality_lead_makes_edits_previews_approves_and_downloads(world, tree, staff, login):
    client = login(staff.quality_lead)
    response = _create(client, tree)
    report = Report.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "reports:detail", args=[report.pk]
    )

    page = client.get(response.url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Kvalitetsberättelse 2024" in html and "62,5 %" in html
    edit = reverse("reports:edit_text", args=[report.pk, "forord_text"])
    assert edit in html

    form = client.get(edit)
    assert form.status_code == 200 and "{{ municipality }}" in form.content.decode()
    saved = client.post(edit, {"text": "Vårt förord om {{ indicator:U31462 }}.", "version": 1})
    assert saved.status_code == 302
    shown = re.sub(r"<[^>]+>", "", client.get(response.url).content.decode())
    assert "Vårt förord om 62,5 %." in shown

    draft_pdf = client.get(reverse("reports:download", args=[report.pk, "pdf"]))
    assert draft_pdf["Content-Type"] == "application/pdf" and draft_pdf.content[:4] == b"%PDF"

    report.refresh_from_db()
    refused = client.post(response.url, {"version": report.version})  # not confirmed
    assert refused.status_code == 400
    approved = client.post(response.url, {"version": report.version, "confirm": "on"})
    assert approved.status_code == 302
    report.refresh_from_db()
    assert report.is_frozen
    docx = client.get(reverse("reports:download", args=[report.pk, "docx"]))
    assert docx.content == bytes(report.files.get(format="docx").content)
    again = client.post(response.url, {"version": report.version, "confirm": "on"})
    assert again.status_code == 404 or b"redan" in again.content or again.status_code == 409
    assert client.get(edit).status_code == 404  # a frozen text has no edit page


def test_bad_input_gives_a_message_and_creates_nothing(world, tree, staff, login):
    client = login(staff.quality_lead)
    response = _create(client, tree, year=1800, template="nope")
    assert response.status_code == 400
    assert not Report.objects.exists()
    assert "nope" in response.content.decode() or "giltigt val" in response.content.decode()


@pytest.mark.parametrize("who", ["case_worker", "analyst", "kalmar_admin"])
def test_others_get_the_same_404_as_for_a_missing_report(world, tree, staff, login, who):
    lead = login(staff.quality_lead)
    _create(lead, tree)
    report = Report.objects.get()
    lead.logout()
    client = login(getattr(staff, who))
    for url in (
        reverse("reports:detail", args=[report.pk]),
        reverse("reports:download", args=[report.pk, "pdf"]),
        reverse("reports:edit_text", args=[report.pk, "forord_text"]),
    ):
        assert client.get(url).status_code == 404
    assert client.get(reverse("reports:detail", args=[report.pk + 100])).status_code == 404
