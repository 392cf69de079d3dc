"""The action-plan demo: plans for Växjö through the services, items in every state (some
overdue), a follow-up due for its owner; works without other areas' demo rows and adds
nothing the second time."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from insyn.core.models import ChangeEntry
from insyn.quality import demo_action_plans
from insyn.quality.models import ActionItem, ActionPlan
from insyn.quality.selectors.action_plans import digest_action_items


def test_demo_action_plans_are_idempotent_and_varied(db):
    call_command("demo", "--only", "organisations", stdout=StringIO())
    out = StringIO()
    demo_action_plans.load(out)
    assert "4 created" in out.getvalue()
    plans = ActionPlan.objects.all()
    assert plans.count() == 4
    assert all(p.municipality.code == "0780" for p in plans)
    # no deviation or complaint demo rows here: the linked plans have no source then
    assert not plans.filter(deviation__isnull=False).exists()
    statuses = set(ActionItem.objects.values_list("status", flat=True))
    assert statuses == {"planned", "ongoing", "done", "cancelled"}
    today = timezone.localdate()
    assert ActionItem.objects.filter(status__in=["planned", "ongoing"], due_on__lt=today).exists()
    assert (
        ChangeEntry.objects.filter(object_type="quality.actionplan", action="create").count() == 4
    )
    lines = {u.username: ls for u, ls in digest_action_items(today).items()}
    assert {"handlaggare", "enhetschef", "kvalitet"} <= set(lines)
    assert any(
        "follow up" in line.text.lower() or "följ" in line.text.lower()
        for line in lines["kvalitet"]
    )
    again = StringIO()
    demo_action_plans.load(again)
    assert "0 created, 4 already there" in again.getvalue()
    assert ActionPlan.objects.count() == 4 and ActionItem.objects.count() == 8
