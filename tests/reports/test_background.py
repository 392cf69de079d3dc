"""Background builds: the state machine, progress that reaches the total, a failure with a
plain message, a task that runs twice, and the report page that starts a build, follows it
and offers the file to those who may read the report (others get 404)."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from insyn.reports.models import Report, ReportBuild, ReportFile
from insyn.reports.services import builds
from insyn.reports.services import reports as services
from insyn.reports.services.build import resolve
from tests.reports import factories as rf

BLOCKS = [
    {"id": "intro", "kind": "narrative", "text": "Värde {{ indicator:U31462 }}."},
    {"id": "kf", "kind": "key_figures", "indicators": [rf.KPI], "years": 2},
    {"id": "slut", "kind": "narrative", "text": "Slut {{ year }}."},
]
SMALL = rf.template(rf.chapter(*BLOCKS))


@pytest.fixture
def report(tree, staff) -> Report:
    rf.world(tree)
    made = services.create_draft(
        actor=staff.quality_lead, unit=tree.aov, template_key="default", year=2024
    )
    Report.objects.filter(pk=made.pk).update(template=SMALL)
    made.refresh_from_db()
    return made


def test_resolve_tells_progress_block_by_block_without_changing_the_result(tree, staff, report):
    seen: list[tuple[int, int]] = []
    kwargs = {"user": staff.quality_lead, "unit": tree.aov, "year": 2024}
    told = resolve(SMALL, progress=lambda d, t: seen.append((d, t)), **kwargs)
    plain = resolve(SMALL, **kwargs)
    assert seen == [(0, 3), (1, 3), (2, 3), (3, 3)]
    assert told.chapters == plain.chapters and told.chapters[0].blocks


def test_a_build_goes_queued_running_done_and_progress_reaches_the_total(
    staff, report, monkeypatch
):
    build = builds.request_build(actor=staff.quality_lead, report=report, fmt="html")
    assert build.state == "queued" and build.progress_total == 0
    states: list[tuple[str, int, int]] = []
    real = builds._progress

    def watch(build_id: int, done: int, total: int) -> None:
        real(build_id, done, total)
        row = ReportBuild.objects.get(pk=build_id)
        states.append((row.state, row.progress_done, row.progress_total))

    monkeypatch.setattr(builds, "_progress", watch)
    assert builds.run_build(build.pk) == "done"
    assert states == [("running", n, 3) for n in range(4)]
    build.refresh_from_db()
    assert (build.state, build.progress_done, build.progress_total) == ("done", 3, 3)
    assert build.started_at and build.finished_at and not build.frozen
    text = re.sub(r"<[^>]+>", "", bytes(build.content or b"").decode())
    assert "Värde 62,5 %." in text
    assert builds.run_build(build.pk) == "done"  # a second run leaves it alone


def test_a_failed_build_says_so_plainly_and_keeps_no_file(staff, report, monkeypatch):
    def broken(doc, fmt):
        raise OSError("disk full")

    monkeypatch.setattr("insyn.reports.renderers.render", broken)
    build = builds.request_build(actor=staff.quality_lead, report=report, fmt="pdf")
    assert builds.run_build(build.pk) == "failed"
    build.refresh_from_db()
    assert build.state == "failed" and build.content is None and build.finished_at
    assert build.error == "PDF-filen kunde inte skapas (OSError). Försök igen senare."


def test_an_approved_report_without_the_file_fails_with_a_message(staff, report):
    services.approve(actor=staff.quality_lead, report=report, expected_version=report.version)
    ReportFile.objects.filter(report=report, format="docx").delete()
    build = builds.request_build(actor=staff.quality_lead, report=report, fmt="docx")
    assert builds.run_build(build.pk) == "failed"
    build.refresh_from_db()
    assert build.error == "Den fastställda rapporten har ingen DOCX-fil."


def test_moves_outside_the_machine_are_refused(staff, report):
    build = builds.request_build(actor=staff.quality_lead, report=report, fmt="pdf")
    with pytest.raises(ValueError):
        builds._move(build.pk, "done", "running")
    with pytest.raises(ValueError):
        builds._move(build.pk, "queued", "done")
    assert not builds._move(build.pk, "running", "done")  # it is not running
    build.refresh_from_db()
    assert build.state == "queued"


def test_request_build_checks_scope_and_format(staff, report):
    with pytest.raises(Http404):
        builds.request_build(actor=staff.case_worker, report=report, fmt="pdf")
    with pytest.raises(ValidationError):
        builds.request_build(actor=staff.quality_lead, report=report, fmt="odt")
    assert not ReportBuild.objects.exists()


def test_page_starts_a_build_follows_it_and_offers_the_file(
    staff, report, login, django_capture_on_commit_callbacks
):
    client = login(staff.quality_lead)
    detail = reverse("reports:detail", args=[report.pk])
    page = client.get(detail).content.decode()
    assert reverse("reports:build_start", args=[report.pk]) in page

    # queued: the fragment asks again (htmx) and shows no file yet
    queued = builds.request_build(actor=staff.quality_lead, report=report, fmt="pdf")
    state_url = reverse("reports:build", args=[report.pk, queued.pk])
    fragment = client.get(state_url, HTTP_HX_REQUEST="true").content.decode()
    assert f'hx-get="{state_url}"' in fragment and "build_file" not in fragment
    assert reverse("reports:build_file", args=[report.pk, queued.pk]) not in fragment
    assert client.get(reverse("reports:build_file", args=[report.pk, queued.pk])).status_code == 404
    ReportBuild.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(reverse("reports:build_start", args=[report.pk]), {"format": "docx"})
    build = ReportBuild.objects.get()
    assert started.status_code == 302 and started.url == f"{detail}#build-{build.pk}"
    fragment = client.get(
        reverse("reports:build", args=[report.pk, build.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    file_url = reverse("reports:build_file", args=[report.pk, build.pk])
    assert file_url in fragment and "hx-get" not in fragment
    assert file_url in client.get(detail).content.decode()
    got = client.get(file_url)
    assert got.status_code == 200 and got.content == bytes(ReportBuild.objects.get().content or b"")
    assert got["Content-Disposition"].startswith("attachment; filename=")


def test_page_refuses_a_bad_format_with_a_message(staff, report, login):
    client = login(staff.quality_lead)
    response = client.post(
        reverse("reports:build_start", args=[report.pk]), {"format": "odt"}, follow=True
    )
    assert "Välj PDF, DOCX eller HTML." in response.content.decode()
    assert not ReportBuild.objects.exists()


@pytest.mark.parametrize("who", ["case_worker", "analyst", "kalmar_admin", "unit_manager"])
def test_others_get_404_for_builds_and_their_files(
    staff, report, login, who, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        build = builds.request_build(actor=staff.quality_lead, report=report, fmt="html")
    client = login(getattr(staff, who))
    for url in (
        reverse("reports:build", args=[report.pk, build.pk]),
        reverse("reports:build_file", args=[report.pk, build.pk]),
    ):
        assert client.get(url, HTTP_HX_REQUEST="true").status_code == 404
    start = client.post(reverse("reports:build_start", args=[report.pk]), {"format": "pdf"})
    assert start.status_code == 404
    assert ReportBuild.objects.count() == 1
