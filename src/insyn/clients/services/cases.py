"""Opening, updating and closing cases; re-actualisation is derived from the client's history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from insyn.accounts.models import User
from insyn.clients.models import Case, CaseSource, Client, IntakeReason
from insyn.clients.services import dates
from insyn.clients.services.common import (
    Errors,
    create_with_ref,
    months_before,
    next_ref,
    save_changed,
)
from insyn.clients.validators import clean_ref
from insyn.core.audit import record_change
from insyn.core.concurrency import check_version, lock_row
from insyn.core.roles import Action
from insyn.core.scoping import path_in_scope
from insyn.core.services import ensure_in_scope
from insyn.organisations.models import OrgUnit

if TYPE_CHECKING:
    from insyn.clients.services.common import ActorT

REACTUALISATION_MONTHS = 12


def case_ref_prefix(opened_on: dt.date) -> str:
    return f"A-{opened_on.year}-"


def is_reactualisation(client: Client, opened_on: dt.date, exclude_pk: int | None = None) -> bool:
    """Opened within 12 months after an earlier case of the same client was closed."""
    since = months_before(opened_on, REACTUALISATION_MONTHS)
    earlier = Case.objects.filter(
        client=client, closed_on__isnull=False, closed_on__gte=since, closed_on__lte=opened_on
    )
    if exclude_pk is not None:
        earlier = earlier.exclude(pk=exclude_pk)
    return earlier.exists()


def _refresh_reactualisation(actor: ActorT, client: Client) -> None:
    """A case's flag depends on the client's other cases, so it is recomputed for all of them
    whenever one opens, closes or moves in time."""
    for case in Case.objects.filter(client=client).select_for_update().order_by("opened_on", "pk"):
        flag = is_reactualisation(client, case.opened_on, exclude_pk=case.pk)
        if flag != case.reactualisation:
            save_changed(actor=actor, obj=case, values={"reactualisation": flag})


# Called as listener(actor=..., case=..., from_path=...) inside the move's transaction. The
# apps above clients (followup: enrolments; surveys: responses and invitations) register here in
# their AppConfig.ready(), so clients never imports them (ARCHITECTURE: layered apps).
CaseMoveListener = Callable[..., object]
_case_move_listeners: list[CaseMoveListener] = []


def on_case_moved(listener: CaseMoveListener) -> None:
    """Register a listener that makes what hangs off a case follow it to its new unit."""
    if listener not in _case_move_listeners:
        _case_move_listeners.append(listener)


def _follow_case(actor: ActorT, case: Case, from_path: str) -> None:
    """Everything that hangs off the case goes where the case goes, in the same transaction:
    decisions and interventions scope through the case; enrolments (with their occasions,
    values and goals) and survey responses (answers, invitations, scheduled messages) keep a
    copy of the case's unit, updated by the registered listeners. The old unit's auditors see
    the move (a `move` entry carrying both paths)."""
    record_change(
        actor=actor,
        action="move",
        obj=case,
        before={"unit_path": from_path},
        after={"unit_path": case.unit.path},
        also_paths=[from_path],
    )
    for listener in _case_move_listeners:
        listener(actor=actor, case=case, from_path=from_path)


def _check_unit(errors: Errors, client: Client, unit: OrgUnit) -> None:
    if unit.municipality_id != client.municipality_id or unit.kind in OrgUnit.REFERENCE_KINDS:
        errors.add("unit", _("Choose a unit in the client's municipality."))


def _check_case_worker(errors: Errors, case_worker: User | None, unit: OrgUnit) -> None:
    if case_worker is not None and not path_in_scope(
        case_worker, Action.CHANGE_INDIVIDUAL, unit.path
    ):
        errors.add("case_worker", _("The case worker does not work in this unit."))


@transaction.atomic
def case_open(
    *,
    actor: ActorT,
    client: Client,
    unit: OrgUnit,
    opened_on: dt.date,
    source: CaseSource,
    reason: IntakeReason | None = None,
    case_worker: User | None = None,
    case_ref: str = "",
    closed_on: dt.date | None = None,
    assign_actor: bool = True,
) -> Case:
    """Open a case for the client in `unit` (the actor must be allowed to change data there).

    The client need not be in the actor's scope yet: opening a case in the actor's unit is how
    a unit takes on a person another unit registered. The caller decides who may reach the
    client (a scoped lookup, or the signed offer made when a duplicate was found).
    Without a case worker the actor becomes responsible, unless `assign_actor` is off (imports).
    """
    ensure_in_scope(actor, Action.CHANGE_INDIVIDUAL, unit.path)
    errors = Errors()
    ref = errors.check(lambda: clean_ref(case_ref, "case_ref"))
    _check_unit(errors, client, unit)
    _check_case_worker(errors, case_worker, unit)
    dates.check_case(errors, client=client, opened_on=opened_on, closed_on=closed_on)
    if ref and Case.objects.filter(municipality_id=client.municipality_id, case_ref=ref).exists():
        errors.add("case_ref", _("The case reference %(ref)s is already used.") % {"ref": ref})
    errors.raise_if_any()
    if (
        case_worker is None
        and assign_actor
        and isinstance(actor, User)
        and path_in_scope(actor, Action.CHANGE_INDIVIDUAL, unit.path)
    ):
        case_worker = actor
    case = create_with_ref(
        Case,
        field="case_ref",
        given=ref or "",
        make_ref=lambda: next_ref(
            Case, client.municipality_id, "case_ref", case_ref_prefix(opened_on), 5
        ),
        values={
            "municipality_id": client.municipality_id,
            "client": client,
            "unit": unit,
            "opened_on": opened_on,
            "source": source,
            "reason": reason,
            "case_worker": case_worker,
            "closed_on": closed_on,
            "reactualisation": is_reactualisation(client, opened_on),
        },
    )
    record_change(actor=actor, action="create", obj=case)
    _refresh_reactualisation(actor, client)
    return case


@transaction.atomic
def case_update(
    *,
    actor: ActorT,
    case: Case,
    unit: OrgUnit,
    opened_on: dt.date,
    source: CaseSource,
    reason: IntakeReason | None,
    case_worker: User | None,
    closed_on: dt.date | None,
    expected_version: int | None = None,
) -> Case:
    """Correct a case; moving it to another unit needs the right to change data in both.

    With `expected_version`, a case changed since the caller read it raises VersionConflict."""
    lock_row(case)
    ensure_in_scope(actor, Action.CHANGE_INDIVIDUAL, case.unit.path)
    check_version(case, expected_version)
    if unit.pk != case.unit_id:
        ensure_in_scope(actor, Action.CHANGE_INDIVIDUAL, unit.path)
    errors = Errors()
    _check_unit(errors, case.client, unit)
    if case_worker is not None and case_worker.pk != case.case_worker_id:
        _check_case_worker(errors, case_worker, unit)
    dates.check_case(errors, client=case.client, opened_on=opened_on, closed_on=closed_on)
    dates.check_opening(errors, case=case, opened_on=opened_on)
    if closed_on is not None and closed_on != case.closed_on:
        dates.check_closing(errors, case=case, closed_on=closed_on)
    errors.raise_if_any()
    moved = unit.pk != case.unit_id
    from_path = case.unit.path
    changed = save_changed(
        actor=actor,
        obj=case,
        values={
            "unit": unit,
            "opened_on": opened_on,
            "source": source,
            "reason": reason,
            "case_worker": case_worker,
            "closed_on": closed_on,
        },
    )
    if moved:
        _follow_case(actor, case, from_path)
    if changed:
        _refresh_reactualisation(actor, case.client)
    return case


@transaction.atomic
def case_close(
    *, actor: ActorT, case: Case, closed_on: dt.date, expected_version: int | None = None
) -> Case:
    """Close the case. Refused while an intervention in it is still running or anything in
    it is dated after `closed_on` (services.dates): closing blocks, it never ends what is
    open on the case worker's behalf."""
    lock_row(case)
    ensure_in_scope(actor, Action.CHANGE_INDIVIDUAL, case.unit.path)
    check_version(case, expected_version)
    if case.closed_on is not None:
        raise ValidationError({"closed_on": _("The case is already closed.")})
    errors = Errors()
    dates.check_case(errors, client=case.client, opened_on=case.opened_on, closed_on=closed_on)
    dates.check_closing(errors, case=case, closed_on=closed_on)
    errors.raise_if_any()
    save_changed(actor=actor, obj=case, values={"closed_on": closed_on}, action="close")
    _refresh_reactualisation(actor, case.client)
    return case
