"""A quality lead draws a control round in the browser, assigns and starts the review, records
a case-file review with one criterion not met, sees the compliance table (axe clean) and turns
the failure into an action item."""

from __future__ import annotations

import pytest

from insyn.quality.models import ActionItem, ControlRound, ReviewAnswer
from tests.e2e.conftest import assert_accessible, log_in
from tests.factories import TEST_PASSWORD
from tests.quality import control_factories as f


@pytest.fixture
def planned(transactional_db, tree, staff, catalogues) -> ControlRound:
    for _ in range(4):
        f.case(tree.vux_unit, staff.case_worker)
    return f.round_(tree.vux_unit, staff.quality_lead, sample_size=2, seed=2026)


def _submit(page, op: str) -> None:
    page.locator(f"form:has(input[name=op][value={op}]) button[type=submit]").click()


def test_draw_review_compliance_and_action_item(page, planned, staff):
    log_in(page, staff.quality_lead.username, TEST_PASSWORD)
    page.goto(f"/quality/control/{planned.pk}/")
    page.wait_for_load_state("networkidle")
    assert_accessible(page)
    _submit(page, "draw")
    page.wait_for_load_state("networkidle")
    rows = page.locator("#drawn-cases tbody tr")
    rows.first.wait_for()
    assert rows.count() == 2
    planned.refresh_from_db()
    assert planned.state == "drawn" and planned.seed == 2026
    page.locator(f"input[name=reviewers][value='{staff.quality_lead.pk}']").check()
    _submit(page, "assign")
    page.wait_for_load_state("networkidle")
    _submit(page, "start_review")
    page.wait_for_load_state("networkidle")
    planned.refresh_from_db()
    assert planned.state == "in_review"

    cc = planned.cases.order_by("draw_order").first()
    page.goto(f"/quality/control/review/{cc.pk}/")
    page.wait_for_load_state("networkidle")
    assert_accessible(page)
    criteria = list(planned.template.criteria.order_by("order"))
    for c in criteria:
        radio = page.locator(f"input[name=c{c.pk}]:checked")
        if radio.count() == 0:
            page.locator(f"input[name=c{c.pk}][value=yes]").check()
    failed = next(c for c in criteria if not c.data_rule)
    page.locator(f"input[name=c{failed.pk}][value=no]").check()
    page.locator(f"textarea[name=comment{failed.pk}]").fill("Barnsamtal saknas i akten")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/quality/control/mine/")
    assert ReviewAnswer.objects.filter(control_case=cc, criterion=failed, answer="no").exists()

    page.goto(f"/quality/control/{planned.pk}/results/")
    page.wait_for_load_state("networkidle")
    table = page.locator("#compliance")
    assert failed.text in table.inner_text()
    assert_accessible(page)
    page.locator("#failures form:has(input[name=op][value=action_item]) button").first.click()
    page.wait_for_url("**/quality/action-plans/*/")
    item = ActionItem.objects.get(plan__control_round=planned)
    assert failed.text in item.activity
    assert failed.text in page.locator("main").inner_text()
