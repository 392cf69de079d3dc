"""The clients and cases sheets written in chunks: new clients and new cases go through the bulk
services (`client_register_many`, `case_open_many`: one query per table and chunk, one insert
for the rows and one for their change entries), so an import of many new people does not run a
dozen statements per row. Rows about clients and cases already in insyn are updates and still go
row by row through `Applier.attempt` (the same services as the web).

A failing row is reported at its row and column exactly as one by one; it is not written, and
the pipeline rolls the whole import back.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from insyn.clients.models import Case, Client
from insyn.clients.services.bulk import NewCase, NewClient, case_open_many, client_register_many
from insyn.clients.services.clients import DuplicateClient
from insyn.imports.records import CaseRec, ClientRec

if TYPE_CHECKING:
    from insyn.imports.apply import Applier

CHUNK = 1000


def _failed(applier: Applier, sheet: str, rec: ClientRec | CaseRec, error: Exception) -> None:
    if isinstance(error, Http404):
        label = applier.plan.labels.get(sheet, sheet)
        applier.report.add(label, rec.row.number, "", _("Outside the units you may change."))
        return
    assert isinstance(error, ValidationError)
    applier._report(sheet, applier.plan.labels.get(sheet, sheet), rec.row, error, {})


def _created(applier: Applier, sheet: str) -> None:
    applier.report.count(sheet).created += 1


def apply_clients(applier: Applier, records: Sequence[ClientRec]) -> None:
    first_unit: dict[str, object] = {}
    for case in applier.plan.cases:
        first_unit.setdefault(case.client_ref, case.unit)
    for start in range(0, len(records), CHUNK):
        chunk = records[start : start + CHUNK]
        refs = [rec.ref for rec in chunk if rec.ref not in applier.clients]
        hidden: set[str] = set()
        if applier.actor is not None and refs:  # clients the user cannot see are updates too
            hidden = set(
                Client.objects.filter(
                    municipality=applier.municipality, client_ref__in=refs
                ).values_list("client_ref", flat=True)
            )
        new = [r for r in chunk if r.ref not in applier.clients and r.ref not in hidden]
        items = [
            NewClient(
                unit=first_unit.get(rec.ref, applier.municipality),  # type: ignore[arg-type]
                client_ref=rec.ref,
                personnummer=rec.personnummer,
                birth_date=rec.birth_date,
                sex=rec.sex,
            )
            for rec in new
        ]
        for rec, outcome in zip(
            new, client_register_many(actor=applier.actor, items=items), strict=True
        ):
            if isinstance(outcome, Client):
                applier.clients[rec.ref] = outcome
                _created(applier, "clients")
            elif isinstance(outcome, DuplicateClient):
                message = _("This person is already registered as another client.")
                if applier.actor is None:
                    message = _("This person is already registered as client %(ref)s.") % {
                        "ref": outcome.client.client_ref
                    }
                _failed(applier, "clients", rec, ValidationError({"personnummer": [message]}))
            else:
                _failed(applier, "clients", rec, outcome)  # type: ignore[arg-type]
        written = {id(rec) for rec in new}
        for rec in chunk:
            if id(rec) not in written:
                applier.attempt("clients", rec.row, partial(applier._client, rec))
        applier.tick("clients", start + len(chunk), len(records))


def apply_cases(applier: Applier, records: Sequence[CaseRec]) -> None:
    for start in range(0, len(records), CHUNK):
        chunk = records[start : start + CHUNK]
        new: list[tuple[CaseRec, Client]] = []
        for rec in chunk:
            client = applier.client(rec.client_ref)
            if client is not None and applier.case(rec.ref) is None:
                new.append((rec, client))
        items = [
            NewCase(
                client=client,
                unit=rec.unit,
                case_ref=rec.ref,
                opened_on=rec.opened_on,
                source=rec.source,
                reason=rec.reason,
                closed_on=rec.closed_on,
            )
            for rec, client in new
        ]
        for (rec, _client), outcome in zip(
            new, case_open_many(actor=applier.actor, items=items), strict=True
        ):
            if isinstance(outcome, Case):
                applier.cases[rec.ref] = outcome
                _created(applier, "cases")
            else:
                _failed(applier, "cases", rec, outcome)  # type: ignore[arg-type]
        done = {id(rec) for rec, _client in new}
        for rec in chunk:  # updates, and rows whose client is missing (reported there)
            if id(rec) not in done:
                applier.attempt("cases", rec.row, partial(applier._case, rec))
        applier.tick("cases", start + len(chunk), len(records))
