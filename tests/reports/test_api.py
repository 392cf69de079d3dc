"""The reports API: list and read within view_quality scope, start a background build and
follow it to its file, fetch an approved report's frozen file; the same 404 outside scope as
for a missing report, and writes refused to those who may only read."""

from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from insyn.core import roles
from insyn.core.models import AccessEntry
from insyn.core.roles import Action, Role
from insyn.reports.models import Report, ReportBuild
from insyn.reports.services import reports as services
from tests.reports import factories as rf

pytestmark = pytest.mark.usefixtures("english")

SMALL = rf.template(
    rf.chapter(
        {"id": "intro", "kind": "narrative", "text": "Värde {{ indicator:U31462 }}."},
        {"id": "kf", "kind": "key_figures", "indicators": [rf.KPI], "years": 2},
    )
)


def api(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def draft(tree, staff, unit=None, year=2024) -> Report:
    report = services.create_draft(
        actor=staff.quality_lead, unit=unit or tree.aov, template_key="default", year=year
    )
    Report.objects.filter(pk=report.pk).update(template=SMALL)  # two blocks: quick to build
    report.refresh_from_db()
    return report


@pytest.fixture
def world(tree):
    return rf.world(tree)


def test_list_filters_by_year_and_status_and_retrieve_shows_metadata(world, tree, staff):
    a = draft(tree, staff)
    b = draft(tree, staff, year=2023)
    services.approve(actor=staff.quality_lead, report=b, expected_version=b.version)
    client = api(staff.quality_lead)

    listed = client.get(reverse("report-list")).json()
    assert {r["id"] for r in listed["results"]} == {a.pk, b.pk}
    only_2024 = client.get(reverse("report-list"), {"year": 2024}).json()
    assert [r["id"] for r in only_2024["results"]] == [a.pk]
    approved = client.get(reverse("report-list"), {"status": "approved"}).json()
    assert [r["id"] for r in approved["results"]] == [b.pk]
    assert client.get(reverse("report-list"), {"status": "nope"}).status_code == 400
    assert client.get(reverse("report-list"), {"year": "1e3"}).status_code == 400

    body = client.get(reverse("report-detail", args=[b.pk])).json()
    assert body["status"] == "approved" and body["approved_by"] == staff.quality_lead.pk
    assert body["approved_at"] and body["year"] == 2023 and body["municipality_code"] == "0780"
    assert sorted(f["format"] for f in body["files"]) == ["docx", "html", "pdf"]
    stored = {f.format: f.sha256 for f in b.files.all()}
    assert {f["format"]: f["sha256"] for f in body["files"]} == stored
    assert client.get(reverse("report-detail", args=[a.pk])).json()["files"] == []


def test_build_is_accepted_runs_in_the_background_and_gives_the_file(
    world, tree, staff, django_capture_on_commit_callbacks
):
    report = draft(tree, staff)
    client = api(staff.quality_lead)
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(
            reverse("report-builds", args=[report.pk]), {"format": "docx"}, format="json"
        )
        assert started.status_code == 202
        assert started.json()["state"] == "queued" and started.json()["format"] == "docx"
    build_id = started.json()["id"]

    state = client.get(reverse("report-build", args=[report.pk, build_id])).json()
    assert state["state"] == "done" and state["error"] == ""
    assert state["progress_total"] == 2 and state["progress_done"] == 2  # the two blocks

    got = client.get(reverse("report-build-file", args=[report.pk, build_id]))
    assert got.status_code == 200
    assert got["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert got["Content-Disposition"] == (
        'attachment; filename="kvalitetsberattelse-0780-2024.docx"'
    )
    assert got.content[:2] == b"PK"
    assert hashlib.sha256(got.content).hexdigest() == state["sha256"]
    listed = client.get(reverse("report-builds", args=[report.pk])).json()
    assert [b["id"] for b in listed] == [build_id]


def test_a_queued_build_has_no_file_yet_and_a_bad_format_is_refused(world, tree, staff):
    report = draft(tree, staff)
    client = api(staff.quality_lead)
    started = client.post(reverse("report-builds", args=[report.pk]), {"format": "pdf"})
    assert started.status_code == 202  # the task runs when the transaction commits
    build_id = started.json()["id"]
    assert client.get(reverse("report-build-file", args=[report.pk, build_id])).status_code == 404
    again = client.post(reverse("report-builds", args=[report.pk]), {"format": "pdf"})
    assert again.json()["id"] == build_id  # the running build, not a second one
    bad = client.post(reverse("report-builds", args=[report.pk]), {"format": "odt"})
    assert bad.status_code == 400 and "format" in bad.json()
    assert ReportBuild.objects.count() == 1


def test_frozen_file_equals_the_stored_bytes_and_a_draft_has_none(world, tree, staff):
    report = draft(tree, staff)
    client = api(staff.quality_lead)
    assert client.get(reverse("report-file", args=[report.pk, "pdf"])).status_code == 404
    services.approve(actor=staff.quality_lead, report=report, expected_version=report.version)
    for fmt, ctype in [
        ("pdf", "application/pdf"),
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("html", "text/html; charset=utf-8"),
    ]:
        got = client.get(reverse("report-file", args=[report.pk, fmt]))
        assert got.status_code == 200 and got["Content-Type"] == ctype
        assert got.content == bytes(report.files.get(format=fmt).content)
        assert f'filename="kvalitetsberattelse-0780-2024.{fmt}"' in got["Content-Disposition"]


def test_a_build_of_an_approved_report_is_its_frozen_file(
    world, tree, staff, django_capture_on_commit_callbacks
):
    report = draft(tree, staff)
    services.approve(actor=staff.quality_lead, report=report, expected_version=report.version)
    rf.own(world["computed"], tree.aov, 2023, 1, 2)  # later data must not matter
    client = api(staff.quality_lead)
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(reverse("report-builds", args=[report.pk]), {"format": "pdf"})
    build_id = started.json()["id"]
    state = client.get(reverse("report-build", args=[report.pk, build_id])).json()
    assert state["state"] == "done" and state["frozen"] is True
    got = client.get(reverse("report-build-file", args=[report.pk, build_id]))
    assert got.content == bytes(report.files.get(format="pdf").content)


@pytest.mark.parametrize("who", ["case_worker", "analyst", "kalmar_admin", "unit_manager"])
def test_outside_scope_is_the_same_404_as_missing(
    world, tree, staff, who, django_capture_on_commit_callbacks
):
    report = draft(tree, staff)  # the administration AOV: the unit manager of VUX is below it
    with django_capture_on_commit_callbacks(execute=True):
        build = api(staff.quality_lead).post(
            reverse("report-builds", args=[report.pk]), {"format": "html"}
        )
    build_id = build.json()["id"]
    services.approve(actor=staff.quality_lead, report=report, expected_version=report.version)
    client = api(getattr(staff, who))
    missing = client.get(reverse("report-detail", args=[report.pk + 100]))
    assert missing.status_code == 404
    for url in (
        reverse("report-detail", args=[report.pk]),
        reverse("report-builds", args=[report.pk]),
        reverse("report-build", args=[report.pk, build_id]),
        reverse("report-build-file", args=[report.pk, build_id]),
        reverse("report-file", args=[report.pk, "pdf"]),
    ):
        got = client.get(url)
        assert got.status_code == 404 and got.json() == missing.json(), url
    post = client.post(reverse("report-builds", args=[report.pk]), {"format": "pdf"})
    assert post.status_code == 404
    assert ReportBuild.objects.count() == 1
    listed = client.get(reverse("report-list"))
    assert listed.status_code == 404 or listed.json()["results"] == []
    if who == "unit_manager":  # holds view_quality below: the attempt is in the audit trail
        assert AccessEntry.objects.filter(
            actor=staff.unit_manager, action="denied", object_id=str(report.pk)
        ).exists()


def test_a_reader_may_read_and_fetch_but_not_start_a_build(
    world, tree, staff, monkeypatch, django_capture_on_commit_callbacks
):
    report = draft(tree, staff)
    with django_capture_on_commit_callbacks(execute=True):
        build_id = (
            api(staff.quality_lead)
            .post(reverse("report-builds", args=[report.pk]), {"format": "html"})
            .json()["id"]
        )
    reader_actions = roles.PERMISSIONS[Role.QUALITY_LEAD] - {Action.HANDLE_QUALITY}
    monkeypatch.setitem(roles.PERMISSIONS, Role.QUALITY_LEAD, reader_actions)
    reader = api(type(staff.quality_lead).objects.get(pk=staff.quality_lead.pk))  # no cache
    assert reader.get(reverse("report-detail", args=[report.pk])).status_code == 200
    got = reader.get(reverse("report-build-file", args=[report.pk, build_id]))
    assert got.status_code == 200 and b"<html" in got.content
    refused = reader.post(reverse("report-builds", args=[report.pk]), {"format": "pdf"})
    assert refused.status_code == 404
    assert ReportBuild.objects.count() == 1
