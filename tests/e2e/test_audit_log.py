"""The audit log in a real browser, on the demo organisation with one client built by the
factories (not the whole demo): the administrator sees who recorded what kind of thing and
when, never a client's values or reference; the quality lead of the unit, who may read the
client, finds it by its reference and reads the changed fields side by side. axe on both."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from tests.e2e.conftest import assert_accessible, log_in

PASSWORD = "insyn-demo-2026"
SHOTS = Path(__file__).resolve().parents[2] / "var" / "shots"
GOAL = "Dricka högst två dagar i veckan"


@pytest.fixture
def recorded(transactional_db: None) -> dict[str, Any]:
    from insyn.accounts.models import User
    from insyn.core.catalogue_loader import load_catalogues
    from insyn.followup import services
    from insyn.organisations.demo import unit
    from tests.followup import factories as f

    call_command("demo", "--only", "organisations", stdout=StringIO())
    load_catalogues(["clients", "followup"])
    worker = User.objects.get(username="handlaggare")
    basics = f.catalogue_basics()
    programme = f.programme(unit("0780"))
    today = dt.date.today()
    intervention = f.intervention(
        unit("VUX-OPV"),
        basics["opv"],  # type: ignore[arg-type]
        started_on=today - dt.timedelta(days=3),
        case_worker=worker,
    )
    enrollment = services.enrollment_create(
        actor=worker, programme=programme, intervention=intervention
    )
    occasion = enrollment.occasions.get(stage__key="before")
    services.occasion_record(
        actor=worker,
        occasion=occasion,
        values={**f.audit_items([4, 3, 2, 1, 0, 0, 1, 2, 0, 4]), "problem_days": "17"},
        done_on=today,
    )
    services.goal_set(actor=worker, enrollment=enrollment, text=GOAL)
    return {"ref": enrollment.client.client_ref, "occasion": occasion.pk}


def test_administrator_sees_no_client_value_and_the_quality_lead_reads_them(
    page: Any, browser: Any, live_server: Any, recorded: dict[str, Any]
) -> None:
    log_in(page, "admin", PASSWORD)
    page.goto("/audit/?log=change")
    table = page.locator("table.audit-log")
    row = table.locator("tbody tr", has_text=f"Mättillfälle #{recorded['occasion']}")
    assert row.count() == 1
    assert "Registrerade värden" in row.inner_text()
    assert "Värden dolda" in row.inner_text()
    text = page.locator("main").inner_text()
    for value in (recorded["ref"], GOAL, "Problemdagar", "AUDIT: "):
        assert value not in text, value
    assert_accessible(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "audit-log-admin.png"), full_page=True)
    # a client reference outside what the administrator may read finds nothing
    page.get_by_label("Klientreferens").fill(recorded["ref"])
    page.get_by_role("button", name="Visa").click()
    page.wait_for_load_state("networkidle")
    assert "(0)" in page.locator("table.audit-log caption").inner_text()
    assert page.csp_errors == []

    context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    quality = context.new_page()
    log_in(quality, "kvalitet", PASSWORD)
    quality.goto("/audit/?log=change")
    quality.get_by_label("Klientreferens").fill(recorded["ref"])
    quality.get_by_role("button", name="Visa").click()
    quality.wait_for_load_state("networkidle")
    row = quality.locator("table.audit-log > tbody > tr", has_text="Registrerade värden")
    assert f"Mättillfälle Före, {recorded['ref']}" in row.inner_text()
    changes = row.locator("table.audit-changes")
    assert changes.locator("thead").inner_text().split() == ["Fält", "Före", "Efter"]
    days = changes.locator("tbody tr", has_text="Problemdagar")
    assert days.locator("td").all_inner_texts() == ["–", "17"]
    assert GOAL in quality.locator("main").inner_text()
    assert_accessible(quality)
    quality.screenshot(path=str(SHOTS / "audit-log-quality-lead.png"), full_page=True)
    context.close()
