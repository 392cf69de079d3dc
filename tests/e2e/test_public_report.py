"""A citizen opens the municipality's published popular report on a phone, without logging in:
the page fits a 375 px screen (tables scroll inside their own region, nothing sideways), the
frozen figures are there in plain words, the PDF link works, and axe finds no serious or
critical violation. A screenshot goes to /tmp/public-report.png to be looked at."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import assert_accessible
from tests.reports import factories as rf

PHONE = {"width": 375, "height": 812}
SHOT = "/tmp/public-report.png"


@pytest.fixture
def published(transactional_db: None, tree: Any, staff: Any) -> Any:
    from insyn.reports.services import publishing
    from insyn.reports.services import reports as services

    rf.world(tree)
    lead = staff.quality_lead
    report = services.create_draft(actor=lead, unit=tree.aov, template_key="popular", year=2024)
    services.save_narrative(
        actor=lead,
        report=report,
        block_id="vi_gor",
        markdown="Vi inför **fasta telefontider** för varje handläggare under {{ next_year }}.",
        expected_version=report.version,
    )
    report.refresh_from_db()
    services.approve(actor=lead, report=report, expected_version=report.version)
    report.refresh_from_db()
    publishing.publish(actor=lead, report=report, expected_version=report.version)
    return report


def test_public_popular_report_on_a_phone(page: Any, published: Any) -> None:
    page.set_viewport_size(PHONE)
    page.goto("/public/reports/0780/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)
    page.get_by_role("link", name="Socialtjänsten i korthet 2024").click()
    page.wait_for_load_state("networkidle")
    main = page.locator("main").inner_text()
    assert "62,5 % (2023: 60 %) – bättre" in main
    assert "fasta telefontider" in main and "Logga in" not in main
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=SHOT, full_page=True)
    assert_accessible(page)
    with page.expect_download() as info:
        page.get_by_role("link", name="Ladda ned som PDF").click()
    with open(info.value.path(), "rb") as fh:
        assert fh.read(4) == b"%PDF"


def test_a_wide_table_scrolls_inside_its_region_on_a_phone(
    page: Any, published: Any, staff: Any
) -> None:
    """Any public template may hold key-figure tables (six columns): the table scrolls in its
    own focusable region and the page itself never scrolls sideways."""
    from insyn.reports.models import Report
    from insyn.reports.services import publishing
    from insyn.reports.services import reports as services

    lead = staff.quality_lead
    report = services.create_draft(
        actor=lead, unit=published.unit, template_key="popular", year=2024
    )
    template = rf.template(
        rf.chapter({"id": "kf", "kind": "key_figures", "indicators": [rf.KPI], "years": 3})
    )
    template["audience"] = "public"
    Report.objects.filter(pk=report.pk).update(template=template)
    report.refresh_from_db()
    services.approve(actor=lead, report=report, expected_version=report.version)
    report.refresh_from_db()
    publishing.publish(actor=lead, report=report, expected_version=report.version)

    page.set_viewport_size(PHONE)
    page.goto(f"/public/reports/0780/{report.pk}/")
    region = page.locator(".table-scroll").first
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")  # it scrolls, inside
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)
