"""Who sees a lex Sarah report, role by role, in the web list and page, the API and the IVO
document downloads. Outside: the same 404 as for a report that does not exist."""

from __future__ import annotations

import pytest
from django.urls import reverse

from insyn.core.models import AccessEntry
from insyn.quality.models import LexSarahReport
from insyn.quality.services import lex_sarah_intake as intake
from tests.factories import user_with_role
from tests.quality import lex_sarah_factories as lf

S = LexSarahReport.State
MISSING = 999999


@pytest.fixture
def world(tree, staff, officer):
    """A serious, assessed report about the vux unit, reported by the case worker."""
    report = lf.in_state(S.ASSESSED, staff.case_worker, tree.vux_unit, officer, serious=True)
    granted = user_with_role("case_worker", tree.bof_unit, username="granted_cw")
    intake.lex_sarah_grant(actor=officer, report=report, user=granted)
    users = {
        "reporter (case worker)": (staff.case_worker, True),
        "other case worker of the same unit": (
            user_with_role("case_worker", tree.vux_unit, username="cw_same_unit"),
            False,
        ),
        "unit manager of the unit": (staff.unit_manager, False),
        "quality lead": (staff.quality_lead, True),
        "officer in scope": (officer, True),
        "officer of another municipality": (
            user_with_role("lex_sarah_officer", tree.kalmar, username="ls_kalmar"),
            False,
        ),
        "admin": (staff.admin, False),
        "analyst": (staff.analyst, False),
        "granted user": (granted, True),
    }
    return report, users


ROLES = [
    "reporter (case worker)",
    "other case worker of the same unit",
    "unit manager of the unit",
    "quality lead",
    "officer in scope",
    "officer of another municipality",
    "admin",
    "analyst",
    "granted user",
]


def _get(client, user, url):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client.get(url)


@pytest.mark.parametrize("role", ROLES)
def test_web_list_and_page(role, world, client):
    report, users = world
    user, sees = users[role]
    listed = _get(client, user, reverse("quality:lex_sarah_list"))
    assert listed.status_code == 200
    assert (reverse("quality:lex_sarah_detail", args=[report.pk]) in listed.text) is sees
    page = _get(client, user, reverse("quality:lex_sarah_detail", args=[report.pk]))
    missing = _get(client, user, reverse("quality:lex_sarah_detail", args=[MISSING]))
    assert missing.status_code == 404
    if sees:
        assert page.status_code == 200
        assert report.description in page.text
    else:
        assert page.status_code == 404
        same = missing.content.replace(str(MISSING).encode(), str(report.pk).encode())
        assert page.content == same


@pytest.mark.parametrize("role", ROLES)
def test_api_list_and_retrieve(role, world, client):
    report, users = world
    user, sees = users[role]
    listed = _get(client, user, reverse("lexsarahreport-list"))
    assert listed.status_code == 200
    body = listed.json()
    rows = body["results"] if isinstance(body, dict) else body
    assert (report.pk in [r["id"] for r in rows]) is sees
    one = _get(client, user, reverse("lexsarahreport-detail", args=[report.pk]))
    missing = _get(client, user, reverse("lexsarahreport-detail", args=[MISSING]))
    assert missing.status_code == 404
    if sees:
        assert one.status_code == 200 and one.json()["diary_number"] == report.diary_number
    else:
        assert one.status_code == 404 and one.json() == missing.json() == {"detail": "Not found."}


@pytest.mark.parametrize("role", ROLES)
def test_ivo_document_downloads(role, world, client):
    report, users = world
    user, sees = users[role]
    for url_name, args, missing_args in (
        ("quality:lex_sarah_ivo_document", [report.pk, "pdf"], [MISSING, "pdf"]),
        ("quality:lex_sarah_ivo_document", [report.pk, "docx"], [MISSING, "docx"]),
        ("lexsarahreport-ivo-pdf", [report.pk], [MISSING]),
        ("lexsarahreport-ivo-docx", [report.pk], [MISSING]),
    ):
        before = AccessEntry.objects.filter(action="export").count()
        got = _get(client, user, reverse(url_name, args=args))
        assert _get(client, user, reverse(url_name, args=missing_args)).status_code == 404
        if sees:
            assert got.status_code == 200, url_name
            assert got["Content-Disposition"].startswith("attachment")
            assert AccessEntry.objects.filter(action="export", actor=user).count() == before + 1
        else:
            assert got.status_code == 404, url_name
            assert AccessEntry.objects.filter(action="export").count() == before


def test_revoked_access_is_gone(world, client, officer):
    report, users = world
    granted, _sees = users["granted user"]
    intake.lex_sarah_revoke(actor=officer, report=report, user=granted)
    page = _get(client, granted, reverse("quality:lex_sarah_detail", args=[report.pk]))
    assert page.status_code == 404


def test_a_granted_reader_cannot_do_a_step(world, client):
    report, users = world
    granted, _sees = users["granted user"]
    client.force_login(granted, backend="django.contrib.auth.backends.ModelBackend")
    answer = client.post(
        reverse("quality:lex_sarah_step", args=[report.pk, "decide_measures"]),
        {"measures_text": "x", "measures_on": "2026-01-01"},
    )
    assert answer.status_code == 404
    report.refresh_from_db()
    assert report.measures_text == ""
