"""The casework demo: every four-month status, every appeal outcome, decisions for the
non-executed list; idempotent."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone

from insyn.clients.demo import load as clients_demo
from insyn.clients.four_months import FourMonthStatus, four_month_status
from insyn.clients.models import Appeal, Decision, Investigation
from insyn.core.catalogue_loader import load_catalogues
from insyn.organisations.demo import load as org_demo


@pytest.mark.django_db
def test_demo_covers_every_case_and_is_idempotent():
    org_demo(io.StringIO())
    load_catalogues(["clients", "followup"])
    clients_demo(io.StringIO())
    today = timezone.localdate()
    statuses = {four_month_status(i, today) for i in Investigation.objects.all()}
    assert statuses == set(FourMonthStatus)
    outcomes = set(Appeal.objects.values_list("outcome", flat=True))
    assert outcomes == {*Appeal.Outcome.values, ""}
    reportable = Decision.objects.filter(legal_basis__reportable_non_executed=True)
    ages = {(today - d.decided_on).days for d in reportable.filter(executed_on__isnull=True)}
    assert {60, 80, 95} <= ages
    assert reportable.filter(interrupted_on__isnull=False, resumed_on__isnull=True).exists()
    assert reportable.filter(executed_extent__lt=5).exists()
    count = Investigation.objects.count()
    clients_demo(io.StringIO())
    assert Investigation.objects.count() == count
