"""The quality dashboard in a real browser: a quality lead opens "Kvalitet", sees the cards,
the tables and the chart images, with no serious accessibility violation and no Content
Security Policy error; a unit manager sees no lex Sarah block."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from insyn.core.catalogue_loader import load_catalogues
from tests.e2e.conftest import assert_accessible, log_in
from tests.factories import TEST_PASSWORD
from tests.quality import factories as f


@pytest.fixture
def quality_data(transactional_db, tree, staff):
    load_catalogues()
    now = timezone.localtime()
    for days in (1, 20, 60, 200):
        f.deviation(tree.vux_unit, staff.case_worker, reported_at=now - dt.timedelta(days=days))
    f.lex_sarah(tree.bof_unit, staff.case_worker, reported_at=now, diary_number="LS 2026/9")
    f.complaint(tree.vux_unit, received_on=now.date() - dt.timedelta(days=20))
    plan = f.plan(tree.vux_unit, staff.unit_manager)
    f.item(plan, staff.unit_manager, due_on=now.date() - dt.timedelta(days=3))


def test_quality_lead_reads_the_dashboard(page, quality_data, staff):
    log_in(page, staff.quality_lead.username, TEST_PASSWORD)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Kvalitet", exact=True
    ).click()
    page.wait_for_url("**/quality/")
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="Kvalitetsöversikt").count() == 1
    lex = page.get_by_role("heading", name="Lex Sarah-rapporter och deras nästa tidsgräns")
    assert lex.count() == 1
    assert "LS 2026/9" in page.content()
    page.locator("#id_year").fill(str(timezone.localdate().year))
    page.get_by_role("button", name="Visa", exact=True).click()
    page.wait_for_load_state("networkidle")
    # every chart image arrives (polled: on a busy machine a chart may still be drawing when
    # the network first falls quiet)
    page.wait_for_function(
        "() => [...document.images].filter(i => i.src.includes('/quality/charts/'))"
        ".every(i => i.complete && i.naturalWidth > 0)",
        timeout=60000,
    )
    assert page.get_by_role("link", name="Ladda ner Excel").count() == 1
    assert_accessible(page)
    assert page.csp_errors == []


def test_unit_manager_sees_no_lex_sarah(page, quality_data, staff, live_server):
    log_in(page, staff.unit_manager.username, TEST_PASSWORD)
    page.goto(live_server.url + "/quality/")
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="Kvalitetsöversikt").count() == 1
    assert "LS 2026/9" not in page.content()
    lex = page.get_by_role("heading", name="Lex Sarah-rapporter och deras nästa tidsgräns")
    assert lex.count() == 0
    assert_accessible(page)
