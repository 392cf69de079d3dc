"""Appeals (överklaganden) of decisions and what the court did with them, for the share of
decisions changed by the court in the quality report."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from insyn.clients.models import Appeal, Decision
from insyn.clients.services.common import Errors, check_not_future, save_changed
from insyn.clients.validators import clean_free_text, clean_ref
from insyn.core.audit import record_change
from insyn.core.concurrency import check_version, lock_row
from insyn.core.roles import Action
from insyn.core.services import ensure_in_scope

if TYPE_CHECKING:
    from insyn.clients.services.common import ActorT


def _clean(
    errors: Errors,
    decision: Decision,
    *,
    appealed_on: dt.date,
    court: str,
    court_reference: str,
    decided_on: dt.date | None,
    outcome: str,
    comment: str,
) -> tuple[str, str]:
    """Check the dates and choices; the cleaned court reference and comment."""
    check_not_future(errors, "appealed_on", appealed_on)
    check_not_future(errors, "decided_on", decided_on)
    if appealed_on < decision.decided_on:
        errors.add("appealed_on", _("A decision cannot be appealed before it was made."))
    if decided_on is not None and decided_on < appealed_on:
        errors.add("decided_on", _("The court cannot decide before the decision was appealed."))
    if court not in Appeal.Court.values:
        errors.add("court", _("Choose one of the courts."))
    if outcome and outcome not in Appeal.Outcome.values:
        errors.add("outcome", _("Choose one of the outcomes."))
    if outcome and decided_on is None:
        errors.add("decided_on", _("An outcome needs the date the court decided."))
    if decided_on is not None and not outcome:
        errors.add("outcome", _("Give the outcome of the court's decision."))
    ref = errors.check(lambda: clean_ref(court_reference, "court_reference")) or ""
    text = errors.check(lambda: clean_free_text(comment, "comment")) or ""
    return ref, text


@transaction.atomic
def appeal_record(
    *,
    actor: ActorT,
    decision: Decision,
    appealed_on: dt.date,
    court: str = Appeal.Court.ADMINISTRATIVE,
    court_reference: str = "",
    decided_on: dt.date | None = None,
    outcome: str = "",
    comment: str = "",
) -> Appeal:
    """Record that `decision` was appealed (and, when known, what the court decided)."""
    ensure_in_scope(actor, Action.CHANGE_INDIVIDUAL, decision.case.unit.path)
    errors = Errors()
    ref, text = _clean(
        errors,
        decision,
        appealed_on=appealed_on,
        court=court,
        court_reference=court_reference,
        decided_on=decided_on,
        outcome=outcome,
        comment=comment,
    )
    errors.raise_if_any()
    appeal = Appeal.objects.create(
        decision=decision,
        appealed_on=appealed_on,
        court=court,
        court_reference=ref,
        decided_on=decided_on,
        outcome=outcome,
        comment=text,
    )
    record_change(actor=actor, action="create", obj=appeal)
    return appeal


@transaction.atomic
def appeal_update(
    *,
    actor: ActorT,
    appeal: Appeal,
    appealed_on: dt.date,
    court: str,
    court_reference: str,
    decided_on: dt.date | None,
    outcome: str,
    comment: str,
    expected_version: int | None = None,
) -> Appeal:
    """Correct an appeal or record the court's decision."""
    lock_row(appeal)
    decision = appeal.decision
    ensure_in_scope(actor, Action.CHANGE_INDIVIDUAL, decision.case.unit.path)
    check_version(appeal, expected_version)
    errors = Errors()
    ref, text = _clean(
        errors,
        decision,
        appealed_on=appealed_on,
        court=court,
        court_reference=court_reference,
        decided_on=decided_on,
        outcome=outcome,
        comment=comment,
    )
    errors.raise_if_any()
    save_changed(
        actor=actor,
        obj=appeal,
        values={
            "appealed_on": appealed_on,
            "court": court,
            "court_reference": ref,
            "decided_on": decided_on,
            "outcome": outcome,
            "comment": text,
        },
    )
    return appeal
