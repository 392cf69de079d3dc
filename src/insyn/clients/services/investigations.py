"""Investigations (utredningar) in a case: when they started and finished, the decision to
extend one past four months, and the outcome. Handling time and the four-month rule are
derived from these dates (insyn.clients.four_months); a late completion is history and is
recorded as it was, then flagged, never refused."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from insyn.accounts.models import User
from insyn.clients.models import Case, Investigation
from insyn.clients.services.common import Errors, check_not_future, save_changed
from insyn.clients.validators import clean_free_text
from insyn.core.audit import record_change
from insyn.core.concurrency import check_version, lock_row
from insyn.core.roles import Action
from insyn.core.scoping import path_in_scope
from insyn.core.services import ensure_in_scope

if TYPE_CHECKING:
    from insyn.clients.services.common import ActorT


def _clean(
    errors: Errors,
    case: Case,
    *,
    started_on: dt.date,
    completed_on: dt.date | None,
    extended_on: dt.date | None,
    extension_reason: str,
    outcome: str,
    case_worker: User | None,
) -> str:
    """Check the dates against each other and the case; the cleaned extension reason."""
    for field, value in (
        ("started_on", started_on),
        ("completed_on", completed_on),
        ("extended_on", extended_on),
    ):
        check_not_future(errors, field, value)
    if started_on < case.opened_on:
        errors.add("started_on", _("An investigation cannot start before the case was opened."))
    if case.closed_on is not None and started_on > case.closed_on:
        errors.add("started_on", _("An investigation cannot start after the case was closed."))
    if completed_on is not None and completed_on < started_on:
        errors.add("completed_on", _("An investigation cannot be completed before it was started."))
    if extended_on is not None:
        if extended_on < started_on:
            errors.add(
                "extended_on",
                _("The decision to extend cannot come before the investigation started."),
            )
        elif completed_on is not None and extended_on > completed_on:
            errors.add(
                "extended_on",
                _("The decision to extend cannot come after the investigation was completed."),
            )
    reason = errors.check(lambda: clean_free_text(extension_reason, "extension_reason")) or ""
    if extended_on is not None and not reason:
        errors.add("extension_reason", _("Give the reason for extending the investigation."))
    if extended_on is None and reason:
        errors.add("extended_on", _("Give the date of the decision to extend."))
    if outcome and outcome not in Investigation.Outcome.values:
        errors.add("outcome", _("Choose one of the outcomes."))
    if outcome and completed_on is None:
        errors.add("completed_on", _("An outcome needs the date the investigation was completed."))
    if case_worker is not None and not path_in_scope(
        case_worker, Action.CHANGE_INDIVIDUAL, case.unit.path
    ):
        errors.add("case_worker", _("The case worker does not work in this unit."))
    return reason


@transaction.atomic
def investigation_record(
    *,
    actor: ActorT,
    case: Case,
    started_on: dt.date,
    completed_on: dt.date | None = None,
    extended_on: dt.date | None = None,
    extension_reason: str = "",
    outcome: str = "",
    case_worker: User | None = None,
) -> Investigation:
    """Record an investigation in `case`."""
    ensure_in_scope(actor, Action.CHANGE_INDIVIDUAL, case.unit.path)
    errors = Errors()
    reason = _clean(
        errors,
        case,
        started_on=started_on,
        completed_on=completed_on,
        extended_on=extended_on,
        extension_reason=extension_reason,
        outcome=outcome,
        case_worker=case_worker,
    )
    errors.raise_if_any()
    investigation = Investigation.objects.create(
        case=case,
        started_on=started_on,
        completed_on=completed_on,
        extended_on=extended_on,
        extension_reason=reason,
        outcome=outcome,
        case_worker=case_worker,
    )
    record_change(actor=actor, action="create", obj=investigation)
    return investigation


@transaction.atomic
def investigation_update(
    *,
    actor: ActorT,
    investigation: Investigation,
    started_on: dt.date,
    completed_on: dt.date | None,
    extended_on: dt.date | None,
    extension_reason: str,
    outcome: str,
    case_worker: User | None,
    expected_version: int | None = None,
) -> Investigation:
    """Correct an investigation, record its completion or the decision to extend it."""
    lock_row(investigation)
    case = investigation.case
    ensure_in_scope(actor, Action.CHANGE_INDIVIDUAL, case.unit.path)
    check_version(investigation, expected_version)
    errors = Errors()
    if case_worker is not None and case_worker.pk == investigation.case_worker_id:
        checked_worker = None  # unchanged: may have moved on since, which is no reason to refuse
    else:
        checked_worker = case_worker
    reason = _clean(
        errors,
        case,
        started_on=started_on,
        completed_on=completed_on,
        extended_on=extended_on,
        extension_reason=extension_reason,
        outcome=outcome,
        case_worker=checked_worker,
    )
    errors.raise_if_any()
    save_changed(
        actor=actor,
        obj=investigation,
        values={
            "started_on": started_on,
            "completed_on": completed_on,
            "extended_on": extended_on,
            "extension_reason": reason,
            "outcome": outcome,
            "case_worker": case_worker,
        },
    )
    return investigation
