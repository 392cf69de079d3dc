"""Concurrent writes to action items: the row lock serialises them, so of two people finishing
and cancelling one item at the same moment exactly one succeeds and the other is told the step
cannot be done now (PostgreSQL only: SQLite serialises every write transaction)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from insyn.core.models import ChangeEntry
from insyn.quality.models import ActionItem
from insyn.quality.services import action_plans as services
from tests.quality import action_plans_factories as f

needs_postgres = pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="row locks (SELECT ... FOR UPDATE) exist only on PostgreSQL",
)


def _race(*calls: Callable[[], Any]) -> list[Any]:
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, fn: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = fn()
        except Exception as exc:  # reported by the assertions
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_done_and_cancelled_at_once_leave_one_of_them(tree, staff, catalogues):
    plan = f.plan(tree.vux_unit, staff.unit_manager)
    for _round in range(5):
        item_id = f.item(plan, staff.case_worker).pk

        def step(action: str, result: str, item_id: int = item_id) -> Callable[[], Any]:
            def go() -> Any:
                item = ActionItem.objects.get(pk=item_id)  # both read "planned"
                return services.action_item_transition(
                    actor=staff.unit_manager, item=item, action=action, result=result
                )

            return go

        results = _race(step("complete", "Klart"), step("cancel", "Behövs inte"))
        errors = [r for r in results if isinstance(r, Exception)]
        assert len(errors) == 1 and isinstance(errors[0], ValidationError), results
        assert "cannot be done now" in errors[0].messages[0] or "kan inte" in errors[0].messages[0]
        stored = ActionItem.objects.get(pk=item_id)
        assert stored.status in ("done", "cancelled") and stored.version == 2
        entries = ChangeEntry.objects.filter(
            object_type="quality.actionitem", object_id=str(item_id)
        )
        assert entries.filter(action__in=["complete", "cancel"]).count() == 1
    assert connection.vendor == "postgresql"
