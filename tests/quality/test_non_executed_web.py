"""Pages of non-executed decisions: the list, exports, the individual report and its edits,
the quarterly summary; scope (404 outside), bad input (clear message, nothing changes)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from insyn.core.models import AccessEntry
from insyn.quality.models import NonExecutedDecision, NonExecutedOffer, NonExecutedReportRecord
from insyn.quality.selectors import non_executed as sel
from insyn.quality.services.non_executed import episode_row
from tests.quality import non_executed_factories as nf

pytestmark = pytest.mark.usefixtures("catalogues")


@pytest.fixture
def late(tree):
    return nf.quick(tree.vux_unit, timezone.localdate() - dt.timedelta(days=120))


@pytest.fixture
def episode(late) -> NonExecutedDecision:
    return episode_row(sel.decision_episodes(late, timezone.localdate())[0])


def _quarter() -> str:
    return sel.quarter_of(timezone.localdate()).label


def test_list_shows_reportable_and_records(login, staff, late, tree) -> None:
    soon = nf.quick(tree.vux_unit, timezone.localdate() - dt.timedelta(days=70))
    nf.quick(tree.vux_unit, timezone.localdate() - dt.timedelta(days=120), basis=nf.NOT_REPORTABLE)
    response = login(staff.unit_manager).get(reverse("quality:non_executed_list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert late.case.case_ref in page and soon.case.case_ref in page
    assert page.count("T") and "EVB-" in page
    named = set(AccessEntry.objects.values_list("object_id", flat=True))
    assert {str(late.pk), str(soon.pk)} <= named


def test_bad_quarter_says_so(login, staff, late) -> None:
    response = login(staff.unit_manager).get(
        reverse("quality:non_executed_list") + "?quarter=2026Q9"
    )
    assert response.status_code == 200
    assert "2026Q9" in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    r = login(staff.unit_manager).get(
        reverse("quality:non_executed_export", args=["2026Q9", "csv"])
    )
    assert r.status_code == 404


def test_outsider_gets_404(login, staff, episode) -> None:
    c = login(staff.kalmar_case_worker)
    assert c.get(reverse("quality:non_executed_episode", args=[episode.pk])).status_code == 404
    c = login(staff.other_case_worker)  # Barn och familj: not the case's unit
    assert c.get(reverse("quality:non_executed_episode", args=[episode.pk])).status_code == 404


def test_exports(login, staff, late) -> None:
    c = login(staff.unit_manager)
    q = _quarter()
    csv = c.get(reverse("quality:non_executed_export", args=[q, "csv"]))
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    text = csv.content.decode("utf-8")
    assert text.startswith("\ufeff")
    assert f"{late.case.client.birth_date:%Y%m%d}-T" in text
    assert late.decided_on.isoformat() in text
    xlsx = c.get(reverse("quality:non_executed_export", args=[q, "xlsx"]))
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx.content))
    sheet = book[q]
    assert sheet.max_row == 2
    pdf = c.get(reverse("quality:non_executed_export", args=[q, "pdf"]))
    assert pdf.content.startswith(b"%PDF")
    printable = c.get(reverse("quality:non_executed_export", args=[q, "print"]))
    assert printable.status_code == 200 and "IVO" in printable.content.decode()


def test_edit_texts_offer_and_reported(login, staff, episode) -> None:
    c = login(staff.unit_manager)
    url = reverse("quality:non_executed_episode", args=[episode.pk])
    assert c.get(url).status_code == 200
    r = c.post(
        url, {"op": "texts", "reason_for_delay": "Ingen ledig plats", "version": episode.version}
    )
    assert r.status_code == 302
    episode.refresh_from_db()
    assert episode.reason_for_delay == "Ingen ledig plats"
    today = timezone.localdate()
    r = c.post(
        url,
        {
            "op": "offer",
            "offered_on": (today + dt.timedelta(days=3)).isoformat(),
            "description": "Plats",
        },
    )
    assert r.status_code == 400 and not NonExecutedOffer.objects.exists()
    r = c.post(url, {"op": "offer", "offered_on": today.isoformat(), "description": "Plats"})
    assert r.status_code == 302 and NonExecutedOffer.objects.count() == 1
    r = c.post(url, {"op": "reported", "quarter": "2026Q7", "reported_on": today.isoformat()})
    assert r.status_code == 400 and not NonExecutedReportRecord.objects.exists()
    r = c.post(url, {"op": "reported", "quarter": _quarter(), "reported_on": today.isoformat()})
    assert r.status_code == 302
    assert NonExecutedReportRecord.objects.get().quarter == _quarter()
    r = c.post(url, {"op": "reported", "quarter": _quarter(), "reported_on": today.isoformat()})
    assert r.status_code == 400 and NonExecutedReportRecord.objects.count() == 1


def test_case_worker_reads_but_cannot_edit(login, staff, episode) -> None:
    c = login(staff.case_worker)
    url = reverse("quality:non_executed_episode", args=[episode.pk])
    assert c.get(url).status_code in (200, 404)
    r = c.post(url, {"op": "texts", "reason_for_delay": "X", "version": episode.version})
    assert r.status_code == 404
    episode.refresh_from_db()
    assert episode.reason_for_delay == ""


def test_open_episode(login, staff, late) -> None:
    c = login(staff.unit_manager)
    url = reverse("quality:non_executed_open", args=[late.pk])
    r = c.post(url, {"kind": "not_executed", "clock_from": late.decided_on.isoformat()})
    assert r.status_code == 302
    assert NonExecutedDecision.objects.filter(decision=late).count() == 1
    assert c.post(url, {"kind": "partly", "clock_from": "2020-01-01"}).status_code == 404


def test_summary_page(login, staff, late, settings) -> None:
    settings.INSYN_MIN_CELL = 1
    c = login(staff.quality_lead)
    r = c.get(reverse("quality:non_executed_summary") + f"?quarter={_quarter()}")
    assert r.status_code == 200
    assert "insyn" in r.content.decode()
    assert late.case.case_ref not in r.content.decode()
    r = c.get(reverse("quality:non_executed_summary") + "?quarter=nonsense")
    assert r.status_code == 400
    csv = c.get(reverse("quality:non_executed_summary") + f"?quarter={_quarter()}&format=csv")
    assert csv.content.decode("utf-8").startswith("\ufeff")


def test_dashboard_panel(login, staff, late) -> None:
    r = login(staff.quality_lead).get(reverse("quality:dashboard"))
    assert r.status_code == 200
    assert 'id="non-executed-h"' in r.content.decode()


def test_only_those_who_may_write_the_report_are_offered_to_start_it(login, staff, late) -> None:
    """The unit manager (change_individual + handle_quality) gets the button; the quality
    lead reads the list but is not offered a step the service would refuse."""
    start = reverse("quality:non_executed_open", args=[late.pk])
    manager = login(staff.unit_manager).get(reverse("quality:non_executed_list")).content.decode()
    assert start in manager
    lead = login(staff.quality_lead).get(reverse("quality:non_executed_list")).content.decode()
    assert late.case.case_ref in lead and start not in lead
