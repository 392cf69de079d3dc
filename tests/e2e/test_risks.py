"""The risk register in a real browser: the matrix (inline SVG with its table alternative), a
risk's page, a risk analysis and the dashboard panel, with no serious accessibility violation
and no Content Security Policy error; a click on a cell's count opens that cell's list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from insyn.core.catalogue_loader import load_catalogues
from insyn.quality.models import DeviationCategory
from insyn.quality.services import risks as services
from tests.e2e.conftest import assert_accessible, log_in
from tests.factories import TEST_PASSWORD
from tests.quality import risks_factories as f


@pytest.fixture
def risk_data(transactional_db, tree, staff):
    load_catalogues()
    today = timezone.localdate()
    m = staff.unit_manager
    analysis = f.analysis(tree.vux, actor=m)
    threat = f.risk(
        tree.vux_unit,
        actor=m,
        p=4,
        s=4,
        title="Hot i receptionen",
        owner=m,
        deviation_category=DeviationCategory.objects.get(code="hot_vald"),
        reassess_on=today,
    )
    services.risk_reassess(actor=m, risk=threat, probability=3, severity=4, reassess_on=today)
    services.risk_add_measure(
        actor=m,
        risk=threat,
        activity="Larmknapp",
        responsible=staff.case_worker,
        due_on=today + dt.timedelta(days=5),
    )
    for p, s in ((3, 2), (3, 2), (1, 4), (4, 1), (2, 2)):
        f.risk(tree.vux_unit, actor=m, p=p, s=s, analysis=analysis if p == 1 else None)
    for days in (3, 40, 100):
        f.deviation(tree.vux_unit, staff.case_worker, "hot_vald", today - dt.timedelta(days=days))
    return {"threat": threat, "analysis": analysis}


def test_risk_pages_are_accessible(page, risk_data, staff):
    log_in(page, staff.unit_manager.username, TEST_PASSWORD)
    page.goto("/quality/risks/")
    page.wait_for_load_state("networkidle")
    assert page.locator("svg[role=img] title").count() == 1
    assert_accessible(page)
    page.locator("a[href*='probability=3&severity=2']").first.click()
    page.wait_for_url("**severity=2**")
    page.wait_for_load_state("networkidle")
    assert page.locator("table.data-table caption", has_text="2 risker").count() == 1
    page.goto(f"/quality/risks/{risk_data['threat'].pk}/")
    page.wait_for_load_state("networkidle")
    assert "Larmknapp" in page.content()
    assert_accessible(page)
    page.goto(f"/quality/risks/analyses/{risk_data['analysis'].pk}/")
    page.wait_for_load_state("networkidle")
    assert_accessible(page)
    page.goto("/quality/")
    page.wait_for_load_state("networkidle")
    assert page.locator("#risk-panel-h").count() == 1
    assert_accessible(page)
    assert page.csp_errors == []
