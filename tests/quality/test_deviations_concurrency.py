"""Deviations under concurrent writes (PostgreSQL: real row locks): simultaneous reports get
distinct references, and of two handlers receiving one report at once one wins and the other
is told the step cannot be done now."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection  # noqa: F401  (read by the needs_postgres condition)
from django.utils import timezone

from insyn.quality.models import Deviation
from insyn.quality.services import deviations as services
from tests.followup.test_concurrency import _race, needs_postgres
from tests.quality.deviation_factories import category, deviation


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_reports_get_distinct_references(tree, staff, catalogues):
    cat = category()

    def report() -> Callable[[], Any]:
        def go() -> Any:
            return services.deviation_report(
                actor=None,
                reported_by=staff.case_worker,
                unit=tree.vux_unit,
                category=cat,
                occurred_on=timezone.localdate(),
                description="Samtidigt",
                notify=False,
            )

        return go

    results = _race(*(report() for _ in range(4)))  # the year's first: the series is new
    assert not [r for r in results if isinstance(r, Exception)], results
    year = timezone.localdate().year
    assert sorted(Deviation.objects.values_list("reference", flat=True)) == [
        f"AV-{year}-{n:04d}" for n in range(1, 5)
    ]


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_handlers_receiving_at_once_one_wins(tree, staff, catalogues):
    from insyn.core.roles import Role
    from tests.factories import user_with_role

    d = deviation(tree, staff)
    lead = user_with_role(Role.QUALITY_LEAD, tree.aov, username="lead2")

    def receive(user: Any) -> Callable[[], Any]:
        def go() -> Any:
            return services.deviation_receive(actor=user, deviation=Deviation.objects.get(pk=d.pk))

        return go

    results = _race(receive(staff.unit_manager), receive(lead))
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1 and refused[0].code == "illegal_transition", results
    d.refresh_from_db()
    assert d.state == "received" and d.version == 2
