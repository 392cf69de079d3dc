"""Records on both sides of a retention boundary. Dates are computed from `today`, passed in
by the test at call time (never the wall clock inside a helper)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from insyn.clients.models import Client
from insyn.imports.models import ImportBatch
from insyn.organisations.models import OrgUnit
from insyn.retention.services.rules import rule_save
from tests.clients import factories as cf
from tests.quality import factories as qf

# The day before the period has run, the day it runs out, the day after.
SIDES = {"before": 1, "day_of": 0, "after": -1}
PERIOD = 30


def boundary(today: dt.date, days: int = PERIOD) -> dict[str, dt.date]:
    """Event dates: `before` is not due yet, `day_of` and `after` are."""
    last = today - dt.timedelta(days=days)
    return {side: last + dt.timedelta(days=offset) for side, offset in SIDES.items()}


def noon(day: dt.date) -> dt.datetime:
    return qf.local(day.year, day.month, day.day)


def rule(municipality: OrgUnit, kind: str, *, days: int = PERIOD, **kw: Any) -> Any:
    return rule_save(
        actor=None, municipality=municipality, kind=kind, period=days, unit="days", **kw
    )


def closed_client(unit: OrgUnit, closed_on: dt.date, born: dt.date, ref: str) -> Client:
    """A client with one case closed on `closed_on`, with free text under it."""
    client = cf.client(unit, birth_date=born, sex="M", client_ref=ref)
    Client.objects.filter(pk=client.pk).update(person_key=f"key-{ref}", personnummer_encrypted="x")
    case = cf.case(
        client, opened_on=closed_on - dt.timedelta(days=100), closed_on=closed_on, case_ref=ref
    )
    decision = cf.decision(case, legal_basis="sol2025_assistance")
    decision.__class__.objects.filter(pk=decision.pk).update(comment="Namn och detaljer")
    client.refresh_from_db()
    return client


def upload(municipality: OrgUnit, day: dt.date, by: Any) -> ImportBatch:
    batch = ImportBatch.objects.create(
        municipality=municipality, uploaded_by=by, file_names=["klienter.csv"]
    )
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=noon(day))
    return batch
