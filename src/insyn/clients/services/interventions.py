"""Step 3: what was decided (decision) and what was actually done (intervention).

Every create or update of an intervention tells the follow-up engine, in the same transaction,
so the client is enrolled in matching programmes and occasions follow the new dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from insyn.clients.models import (
    Case,
    Decision,
    EndReason,
    Intervention,
    InterventionType,
    LegalBasis,
    Provider,
)
from insyn.clients.services import dates
from insyn.clients.services.common import (
    Errors,
    check_not_future,
    create_with_ref,
    next_ref,
    save_changed,
)
from insyn.clients.services.execution import EXECUTION_FIELDS, check_execution, execution_of
from insyn.clients.validators import clean_free_text, clean_ref
from insyn.core.audit import record_change
from insyn.core.concurrency import check_version, lock_row
from insyn.core.roles import Action
from insyn.core.services import ensure_in_scope

if TYPE_CHECKING:
    from insyn.clients.services.common import ActorT


# What a user may set on an intervention once it exists (the keyword arguments of
# `intervention_update`, in the order the form shows them). The edit page, the API's serializer
# and its PATCH merge all derive their field lists from this one, so a new field is added once.
SESSION_FIELDS = ("sessions_planned", "sessions_held", "sessions_missed")
INTERVENTION_FIELDS = (
    "decision",
    "intervention_type",
    "provider",
    "started_on",
    "ended_on",
    "end_reason",
    *SESSION_FIELDS,
    "comment",
)


# Called as listener(actor=..., intervention=...) inside the write's transaction after an
# intervention is created or changed. Followup registers its rescheduling and enrolment here in
# its AppConfig.ready(), so clients never imports the app above it (ARCHITECTURE: layered apps).
InterventionListener = Callable[..., object]
_intervention_listeners: list[InterventionListener] = []


def on_intervention_changed(listener: InterventionListener) -> None:
    """Register a listener told of every created or changed intervention."""
    if listener not in _intervention_listeners:
        _intervention_listeners.append(listener)


def _notify_followup(actor: ActorT, intervention: Intervention) -> None:
    for listener in _intervention_listeners:
        listener(actor=actor, intervention=intervention)


def legal_basis_in_force(legal_basis: LegalBasis, day: dt.date) -> bool:
    return (legal_basis.valid_from is None or legal_basis.valid_from <= day) and (
        legal_basis.valid_to is None or day <= legal_basis.valid_to
    )


def providers_usable_in(municipality_id: int) -> Q:
    """A municipality may use its own providers and every external one."""
    return Q(kind=Provider.Kind.EXTERNAL) | Q(municipality_id=municipality_id)


def _check_decision(
    errors: Errors,
    case: Case,
    legal_basis: LegalBasis,
    decided_on: dt.date,
    executed_on: dt.date | None,
) -> None:
    dates.check_decision(errors, case=case, decided_on=decided_on)
    check_not_future(errors, "executed_on", executed_on)
    if executed_on is not None and executed_on < decided_on:
        errors.add("executed_on", _("A decision cannot be executed before it was made."))
    if not legal_basis_in_force(legal_basis, decided_on):
        errors.add(
            "legal_basis",
            _("%(basis)s was not in force on %(day)s.")
            % {"basis": legal_basis.label, "day": decided_on.isoformat()},
        )


@transaction.atomic
def decision_record(
    *,
    actor: ActorT,
    case: Case,
    intervention_type: InterventionType,
    legal_basis: LegalBasis,
    decided_on: dt.date,
    executed_on: dt.date | None = None,
    comment: str = "",
    decision_ref: str = "",
    **execution: Any,
) -> Decision:
    """Record a decision; `execution` may give its execution fields (EXECUTION_FIELDS)."""
    _known(execution)
    ensure_in_scope(actor, Action.CHANGE_INDIVIDUAL, case.unit.path)
    errors = Errors()
    ref = errors.check(lambda: clean_ref(decision_ref, "decision_ref")) or ""
    text = errors.check(lambda: clean_free_text(comment, "comment")) or ""
    _check_decision(errors, case, legal_basis, decided_on, executed_on)
    cleaned = check_execution(errors, decided_on, executed_on, execution)
    errors.raise_if_any()
    decision = Decision.objects.create(
        case=case,
        decision_ref=ref,
        intervention_type=intervention_type,
        legal_basis=legal_basis,
        decided_on=decided_on,
        executed_on=executed_on,
        comment=text,
        **cleaned,
    )
    record_change(actor=actor, action="create", obj=decision)
    return decision


@transaction.atomic
def decision_update(
    *,
    actor: ActorT,
    decision: Decision,
    intervention_type: InterventionType,
    legal_basis: LegalBasis,
    decided_on: dt.date,
    executed_on: dt.date | None,
    comment: str,
    expected_version: int | None = None,
    **execution: Any,
) -> Decision:
    """Correct a decision. Execution fields left out keep their values, and are checked again
    against the (possibly moved) decision date."""
    _known(execution)
    lock_row(decision)
    ensure_in_scope(actor, Action.CHANGE_INDIVIDUAL, decision.case.unit.path)
    check_version(decision, expected_version)
    errors = Errors()
    text = errors.check(lambda: clean_free_text(comment, "comment")) or ""
    _check_decision(errors, decision.case, legal_basis, decided_on, executed_on)
    cleaned = check_execution(
        errors, decided_on, executed_on, {**execution_of(decision), **execution}
    )
    if decision.appeals.filter(appealed_on__lt=decided_on).exists():
        errors.add("decided_on", _("The decision has an appeal dated before this day."))
    errors.raise_if_any()
    save_changed(
        actor=actor,
        obj=decision,
        values={
            "intervention_type": intervention_type,
            "legal_basis": legal_basis,
            "decided_on": decided_on,
            "executed_on": executed_on,
            "comment": text,
            **cleaned,
        },
    )
    return decision


def _known(execution: dict[str, Any]) -> None:
    unknown = set(execution) - set(EXECUTION_FIELDS)
    if unknown:
        raise TypeError(f"unknown decision fields: {sorted(unknown)}")


def _clean_intervention(
    errors: Errors,
    case: Case,
    *,
    decision: Decision | None,
    provider: Provider | None,
    started_on: dt.date | None,
    ended_on: dt.date | None,
    end_reason: EndReason | None,
    sessions: dict[str, int | None],
    comment: str,
) -> str:
    if decision is not None and decision.case_id != case.pk:
        errors.add("decision", _("The decision belongs to another case."))
    if (
        provider is not None
        and not Provider.objects.filter(
            providers_usable_in(case.municipality_id), pk=provider.pk
        ).exists()
    ):
        errors.add("provider", _("This provider belongs to another municipality."))
    dates.check_intervention(errors, case=case, started_on=started_on, ended_on=ended_on)
    if end_reason is not None and ended_on is None:
        errors.add("ended_on", _("An end reason needs an end date."))
    for name, value in sessions.items():
        if value is not None and value < 0:
            errors.add(name, _("The number of sessions cannot be negative."))
    return errors.check(lambda: clean_free_text(comment, "comment")) or ""


@transaction.atomic
def intervention_record(
    *,
    actor: ActorT,
    case: Case,
    intervention_type: InterventionType | None = None,
    decision: Decision | None = None,
    provider: Provider | None = None,
    started_on: dt.date | None = None,
    ended_on: dt.date | None = None,
    end_reason: EndReason | None = None,
    sessions_planned: int | None = None,
    sessions_held: int | None = None,
    sessions_missed: int | None = None,
    comment: str = "",
    intervention_ref: str = "",
) -> Intervention:
    """Record what is done for the client; the type defaults to the decision's."""
    ensure_in_scope(actor, Action.CHANGE_INDIVIDUAL, case.unit.path)
    errors = Errors()
    ref = errors.check(lambda: clean_ref(intervention_ref, "intervention_ref"))
    if intervention_type is None and decision is not None:
        intervention_type = decision.intervention_type
    if intervention_type is None:
        errors.add("intervention_type", _("Choose the intervention type."))
    sessions = {
        "sessions_planned": sessions_planned,
        "sessions_held": sessions_held,
        "sessions_missed": sessions_missed,
    }
    text = _clean_intervention(
        errors,
        case,
        decision=decision,
        provider=provider,
        started_on=started_on,
        ended_on=ended_on,
        end_reason=end_reason,
        sessions=sessions,
        comment=comment,
    )
    if (
        ref
        and Intervention.objects.filter(
            municipality_id=case.municipality_id, intervention_ref=ref
        ).exists()
    ):
        errors.add(
            "intervention_ref",
            _("The intervention reference %(ref)s is already used.") % {"ref": ref},
        )
    errors.raise_if_any()
    year = (started_on or (decision.decided_on if decision else None) or case.opened_on).year
    intervention = create_with_ref(
        Intervention,
        field="intervention_ref",
        given=ref or "",
        make_ref=lambda: next_ref(
            Intervention, case.municipality_id, "intervention_ref", f"I-{year}-", 5
        ),
        values={
            "municipality_id": case.municipality_id,
            "case": case,
            "decision": decision,
            "intervention_type": intervention_type,
            "provider": provider,
            "started_on": started_on,
            "ended_on": ended_on,
            "end_reason": end_reason,
            "comment": text,
            **sessions,
        },
    )
    record_change(actor=actor, action="create", obj=intervention)
    _notify_followup(actor, intervention)
    return intervention


@transaction.atomic
def intervention_update(
    *,
    actor: ActorT,
    intervention: Intervention,
    intervention_type: InterventionType,
    decision: Decision | None,
    provider: Provider | None,
    started_on: dt.date | None,
    ended_on: dt.date | None,
    end_reason: EndReason | None,
    sessions_planned: int | None,
    sessions_held: int | None,
    sessions_missed: int | None,
    comment: str,
    expected_version: int | None = None,
) -> Intervention:
    """Update start, end, extent and end reason. Occasions move with the new dates."""
    lock_row(intervention)
    case = intervention.case
    ensure_in_scope(actor, Action.CHANGE_INDIVIDUAL, case.unit.path)
    check_version(intervention, expected_version)
    errors = Errors()
    sessions = {
        "sessions_planned": sessions_planned,
        "sessions_held": sessions_held,
        "sessions_missed": sessions_missed,
    }
    text = _clean_intervention(
        errors,
        case,
        decision=decision,
        provider=provider,
        started_on=started_on,
        ended_on=ended_on,
        end_reason=end_reason,
        sessions=sessions,
        comment=comment,
    )
    errors.raise_if_any()
    changed = save_changed(
        actor=actor,
        obj=intervention,
        values={
            "intervention_type": intervention_type,
            "decision": decision,
            "provider": provider,
            "started_on": started_on,
            "ended_on": ended_on,
            "end_reason": end_reason,
            "comment": text,
            **sessions,
        },
    )
    if changed:
        _notify_followup(actor, intervention)
    return intervention
