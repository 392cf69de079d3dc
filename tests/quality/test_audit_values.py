"""The audit trail shows lex Sarah reports' changes to their auditors, but what a report says
only to those who may read it (an administrator of the municipality audits, does not read)."""

from __future__ import annotations

from django.urls import reverse

from tests.quality import lex_sarah_factories as ls


def _rows(response):
    return [e for e in response.context["page"] if e.object_type == "quality.lexsarahreport"]


def test_admin_sees_that_a_report_changed_not_what_it_says(login, tree, staff, officer):
    ls.report(staff.case_worker, tree.vux_unit, description="Hemligt innehåll i rapporten")
    response = login(staff.admin).get(reverse("core:audit"), {"log": "change"})
    rows = _rows(response)
    assert rows and not any(e.values_visible for e in rows)
    assert "Hemligt innehåll" not in response.content.decode()


def test_quality_lead_with_view_lex_sarah_sees_the_values(login, tree, staff, officer):
    ls.report(staff.case_worker, tree.vux_unit, description="Hemligt innehåll i rapporten")
    response = login(staff.quality_lead).get(reverse("core:audit"), {"log": "change"})
    rows = _rows(response)
    assert rows and all(e.values_visible for e in rows)
    assert "Hemligt innehåll" in response.content.decode()
