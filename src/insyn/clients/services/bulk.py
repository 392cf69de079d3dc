"""Registering many clients and opening many cases at once (imports): the same checks, the same
rows and the same change entries as `client_register` and `case_open`, but the lookups are made
with one query per batch and the rows and their change entries are written with one insert
each, so the number of queries does not grow with the number of rows.

Each item gets its own outcome: the created object, or the error it would have raised one by
one (ValidationError, DuplicateClient, Http404 when the unit is outside the actor's scope).
Failed items are not written; the others are. The caller decides whether to keep the batch (an
import rolls everything back when any row failed). Every item carries its reference (no
references are generated here).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from insyn.clients.models import Case, CaseSource, Client, IntakeReason
from insyn.clients.services import dates
from insyn.clients.services.cases import REACTUALISATION_MONTHS, _check_unit
from insyn.clients.services.clients import (
    DuplicateClient,
    _identity,
    _person_fields,
    municipality_of,
)
from insyn.clients.services.common import Errors, months_before, save_changed
from insyn.clients.validators import clean_ref
from insyn.core.audit import record_changes
from insyn.core.roles import Action
from insyn.core.services import ensure_in_scope
from insyn.organisations.models import OrgUnit

if TYPE_CHECKING:
    from insyn.clients.services.common import ActorT

Outcome = Client | Case | ValidationError | Http404
CHUNK = 500  # references per `IN (…)` lookup


@dataclass
class NewClient:
    unit: OrgUnit
    client_ref: str
    personnummer: str = ""
    birth_date: dt.date | None = None
    sex: str = ""


@dataclass
class NewCase:
    client: Client
    unit: OrgUnit
    case_ref: str
    opened_on: dt.date
    source: CaseSource
    reason: IntakeReason | None = None
    closed_on: dt.date | None = None


class _Scope:
    """`ensure_in_scope` once per unit path, not once per row."""

    def __init__(self, actor: ActorT) -> None:
        self.actor = actor
        self.seen: dict[str, bool] = {}

    def allows(self, path: str) -> bool:
        if path not in self.seen:
            try:
                ensure_in_scope(self.actor, Action.CHANGE_INDIVIDUAL, path)
                self.seen[path] = True
            except Http404:
                self.seen[path] = False
        return self.seen[path]


def _in_chunks(values: Sequence[str]) -> list[list[str]]:
    ordered = sorted(set(values))
    return [ordered[i : i + CHUNK] for i in range(0, len(ordered), CHUNK)]


def _errors_of(errors: Errors) -> ValidationError | None:
    return ValidationError(errors.fields) if errors.fields else None


def _complete(outcomes: list[Outcome | None]) -> list[Outcome]:
    assert all(o is not None for o in outcomes)
    return [o for o in outcomes if o is not None]


@transaction.atomic
def client_register_many(*, actor: ActorT, items: Sequence[NewClient]) -> list[Outcome]:
    """`client_register` for each item (all in one municipality)."""
    if not items:
        return []
    scope = _Scope(actor)
    municipality = municipality_of(items[0].unit)
    outcomes: list[Outcome | None] = [None] * len(items)
    prepared: list[tuple[int, str, dict[str, object], str]] = []  # index, ref, fields, key
    for n, item in enumerate(items):
        if not scope.allows(item.unit.path):
            outcomes[n] = Http404()
            continue
        errors = Errors()
        try:
            if municipality_of(item.unit).pk != municipality.pk:
                errors.add("unit", _("Choose a unit within a municipality."))
        except ValidationError as exc:
            errors.absorb(exc)
        ref = errors.check(partial(clean_ref, item.client_ref, "client_ref"))
        if not ref:
            errors.add("client_ref", _("A reference is required."))
        given = bool((item.personnummer or "").strip())
        identity = _identity(errors, item.personnummer) if given else None
        fields = _person_fields(Errors() if given else errors, identity, item.birth_date, item.sex)
        if errors.fields:
            outcomes[n] = _errors_of(errors)
            continue
        prepared.append((n, ref, fields, identity.person_key if identity else ""))
    refs = [ref for _n, ref, _f, _k in prepared]
    keys = [key for _n, _r, _f, key in prepared if key]
    by_key: dict[str, Client] = {}
    for chunk in _in_chunks(keys):
        for client in Client.objects.filter(municipality=municipality, person_key__in=chunk):
            by_key[client.person_key] = client
    used: set[str] = set()
    for chunk in _in_chunks(refs):
        used.update(
            Client.objects.filter(municipality=municipality, client_ref__in=chunk).values_list(
                "client_ref", flat=True
            )
        )
    new: list[tuple[int, Client]] = []
    for n, ref, fields, key in prepared:
        if key and key in by_key:
            outcomes[n] = DuplicateClient(by_key[key])
            continue
        if ref in used:
            message = _("The client reference %(ref)s is already used.") % {"ref": ref}
            outcomes[n] = ValidationError({"client_ref": [message]})
            continue
        client = Client(municipality=municipality, unit=items[n].unit, client_ref=ref, **fields)
        if key:
            by_key[key] = client
        used.add(ref)
        new.append((n, client))
    created = Client.objects.bulk_create([client for _n, client in new], batch_size=CHUNK)
    record_changes(actor=actor, action="create", objects=created)
    for (n, _client), client in zip(new, created, strict=True):
        outcomes[n] = client
    return _complete(outcomes)


def _reactualised(case: Case, others: Sequence[Case]) -> bool:
    """`is_reactualisation` on cases in memory: opened within 12 months after another case of
    the client was closed."""
    since = months_before(case.opened_on, REACTUALISATION_MONTHS)
    return any(
        other is not case
        and other.closed_on is not None
        and since <= other.closed_on <= case.opened_on
        for other in others
    )


@transaction.atomic
def case_open_many(*, actor: ActorT, items: Sequence[NewCase]) -> list[Outcome]:
    """`case_open` for each item, without a case worker (as an import opens them). The
    re-actualisation flags of each client's cases are computed once for the client's cases
    after the batch (the flag of an existing case that changes is saved with its own entry,
    as `case_open` does); the clients must be saved already."""
    if not items:
        return []
    scope = _Scope(actor)
    outcomes: list[Outcome | None] = [None] * len(items)
    prepared: list[tuple[int, str]] = []
    for n, item in enumerate(items):
        if not scope.allows(item.unit.path):
            outcomes[n] = Http404()
            continue
        errors = Errors()
        ref = errors.check(partial(clean_ref, item.case_ref, "case_ref"))
        if not ref:
            errors.add("case_ref", _("A reference is required."))
        _check_unit(errors, item.client, item.unit)
        dates.check_case(
            errors, client=item.client, opened_on=item.opened_on, closed_on=item.closed_on
        )
        if errors.fields:
            outcomes[n] = _errors_of(errors)
            continue
        prepared.append((n, ref))
    used: set[tuple[int, str]] = set()
    by_municipality: dict[int, list[str]] = {}
    for n, ref in prepared:
        by_municipality.setdefault(items[n].client.municipality_id, []).append(ref)
    for municipality_id, refs in by_municipality.items():
        for chunk in _in_chunks(refs):
            found = Case.objects.filter(municipality_id=municipality_id, case_ref__in=chunk)
            used.update((municipality_id, ref) for ref in found.values_list("case_ref", flat=True))
    new: list[tuple[int, Case]] = []
    for n, ref in prepared:
        item = items[n]
        if (item.client.municipality_id, ref) in used:
            message = _("The case reference %(ref)s is already used.") % {"ref": ref}
            outcomes[n] = ValidationError({"case_ref": [message]})
            continue
        used.add((item.client.municipality_id, ref))
        case = Case(
            municipality_id=item.client.municipality_id,
            client=item.client,
            unit=item.unit,
            case_ref=ref,
            opened_on=item.opened_on,
            source=item.source,
            reason=item.reason,
            closed_on=item.closed_on,
        )
        new.append((n, case))
    flips = _reactualisation([case for _n, case in new])
    created = Case.objects.bulk_create([case for _n, case in new], batch_size=CHUNK)
    record_changes(actor=actor, action="create", objects=created)
    for case, flag in flips:
        save_changed(actor=actor, obj=case, values={"reactualisation": flag})
    for (n, _case), case in zip(new, created, strict=True):
        outcomes[n] = case
    return _complete(outcomes)


def _reactualisation(new: Sequence[Case]) -> list[tuple[Case, bool]]:
    """Set the flag of the new cases from all of their client's cases (existing ones locked,
    as `case_open` does); returns the existing cases whose flag is to change, with the flag."""
    by_client: dict[int, list[Case]] = {}
    for case in new:
        by_client.setdefault(case.client_id, []).append(case)
    client_ids = sorted(by_client)
    existing: list[Case] = []
    for start in range(0, len(client_ids), CHUNK):
        existing.extend(
            Case.objects.filter(client_id__in=client_ids[start : start + CHUNK])
            .select_for_update()
            .order_by("opened_on", "pk")
        )
    for case in existing:
        by_client[case.client_id].insert(0, case)
    flips: list[tuple[Case, bool]] = []
    new_ids = {id(case) for case in new}
    for cases in by_client.values():
        closed = [c for c in cases if c.closed_on is not None]
        for case in cases:
            flag = _reactualised(case, closed) if closed else False
            if id(case) in new_ids:
                case.reactualisation = flag
            elif flag != case.reactualisation:
                flips.append((case, flag))
    return flips
