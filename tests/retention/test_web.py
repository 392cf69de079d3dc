"""The retention page: quality leads see rules and dry runs; administrators also edit rules
and run; everyone else, and another municipality's staff, get 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from insyn.clients.models import Client
from insyn.retention.models import RetentionRule, RetentionRun
from tests.retention import factories as f

pytestmark = pytest.mark.usefixtures("catalogues")


def _rule(tree):
    return f.rule(tree.vaxjo, "client")


def test_quality_lead_sees_rules_and_dry_runs_but_cannot_edit_or_run(tree, staff, login):
    rule = _rule(tree)
    old = f.closed_client(
        tree.vux_unit, timezone.localdate() - dt.timedelta(days=90), dt.date(1980, 5, 17), "K-w"
    )
    web = login(staff.quality_lead)
    page = web.get(reverse("retention:index"))
    assert page.status_code == 200 and rule.get_kind_display() in page.content.decode()
    assert web.get(reverse("retention:rule_edit", args=[rule.pk])).status_code == 404
    assert web.get(reverse("retention:rule_create")).status_code == 404
    plan = web.post(reverse("retention:dry_run", args=[tree.vaxjo.pk]))
    assert plan.status_code == 200
    html = plan.content.decode()
    assert str(old.pk) in html and "K-w" not in html and "1980" not in html
    assert web.post(reverse("retention:run", args=[tree.vaxjo.pk])).status_code == 404
    old.refresh_from_db()
    assert old.client_ref == "K-w"
    assert RetentionRun.objects.get().dry_run


def test_administrator_edits_rules_and_runs(tree, staff, login):
    old = f.closed_client(
        tree.vux_unit, timezone.localdate() - dt.timedelta(days=90), dt.date(1980, 5, 17), "K-w"
    )
    web = login(staff.admin)
    data = {
        "municipality": tree.vaxjo.pk,
        "kind": "client",
        "event": "",
        "period": 30,
        "unit": "days",
        "active": "on",
    }
    assert web.post(reverse("retention:rule_create"), data).status_code == 302
    rule = RetentionRule.objects.get()
    assert (rule.event, rule.period) == ("last_case_closed", 30)
    assert web.post(reverse("retention:run", args=[tree.vaxjo.pk])).status_code == 302
    old.refresh_from_db()
    assert old.client_ref == f"G{old.pk}"
    run = RetentionRun.objects.get()
    assert run.counts == {"client": 1} and not run.dry_run


@pytest.mark.parametrize("period", ["0", "-3"])
def test_a_zero_or_negative_period_in_the_form_is_a_message_and_saves_nothing(
    tree, staff, login, period
):
    rule = _rule(tree)
    web = login(staff.admin)
    data = {"municipality": tree.vaxjo.pk, "kind": "client", "period": period, "unit": "days"}
    page = web.post(reverse("retention:rule_edit", args=[rule.pk]), data)
    assert page.status_code == 400
    assert "error" in page.content.decode()
    rule.refresh_from_db()
    assert rule.period == f.PERIOD


def test_other_roles_and_other_municipalities_get_404(tree, staff, login):
    rule = _rule(tree)
    for user in (staff.case_worker, staff.unit_manager, staff.analyst):
        web = login(user)
        assert web.get(reverse("retention:index")).status_code == 404
        assert web.post(reverse("retention:dry_run", args=[tree.vaxjo.pk])).status_code == 404
    web = login(staff.kalmar_admin)
    assert web.get(reverse("retention:index")).status_code == 200  # its own, empty
    assert web.get(reverse("retention:rule_edit", args=[rule.pk])).status_code == 404
    assert web.post(reverse("retention:rule_delete", args=[rule.pk])).status_code == 404
    assert web.post(reverse("retention:dry_run", args=[tree.vaxjo.pk])).status_code == 404
    assert web.post(reverse("retention:run", args=[tree.vaxjo.pk])).status_code == 404
    assert RetentionRule.objects.filter(pk=rule.pk).exists() and not RetentionRun.objects.exists()
    assert "K-" not in web.get(reverse("retention:index")).content.decode()
    assert Client.objects.count() == 0
