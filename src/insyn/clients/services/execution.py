"""Execution of a decision (verkställighet): executed, interrupted and resumed, partly executed
(granted vs executed extent) or ended without being executed. These dates feed the list of
non-executed decisions reported to IVO, so impossible orders of events are refused here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from insyn.clients.models import Decision, ExtentUnit
from insyn.clients.services.common import Errors, check_not_future, save_changed
from insyn.clients.validators import clean_free_text
from insyn.core.concurrency import check_version, lock_row
from insyn.core.roles import Action
from insyn.core.services import ensure_in_scope

if TYPE_CHECKING:
    from insyn.clients.services.common import ActorT

# The fields on a decision that say how far it was executed (executed_on aside, which the
# decision form has always had).
EXECUTION_FIELDS = (
    "interrupted_on",
    "resumed_on",
    "extent_unit",
    "granted_extent",
    "executed_extent",
    "ended_unexecuted_on",
    "ended_unexecuted_reason",
)


def execution_of(decision: Decision) -> dict[str, Any]:
    """The decision's current execution values (the defaults of an update that omits them)."""
    return {name: getattr(decision, name) for name in EXECUTION_FIELDS}


def check_execution(
    errors: Errors, decided_on: dt.date, executed_on: dt.date | None, values: dict[str, Any]
) -> dict[str, Any]:
    """Check the execution values against each other and the decision date; the cleaned
    values (blank text stripped, extents as Decimal)."""
    interrupted_on = values.get("interrupted_on")
    resumed_on = values.get("resumed_on")
    ended_on = values.get("ended_unexecuted_on")
    for field in ("interrupted_on", "resumed_on", "ended_unexecuted_on"):
        check_not_future(errors, field, values.get(field))
    if interrupted_on is not None:
        if interrupted_on < decided_on:
            errors.add(
                "interrupted_on", _("Execution cannot be interrupted before the decision was made.")
            )
        elif executed_on is None:
            errors.add(
                "interrupted_on",
                _(
                    "Execution can only be interrupted once it has started: give the "
                    "execution date."
                ),
            )
        elif interrupted_on < executed_on:
            errors.add("interrupted_on", _("Execution cannot be interrupted before it started."))
    if resumed_on is not None:
        if interrupted_on is None:
            errors.add("resumed_on", _("Execution can only be resumed after an interruption."))
        elif resumed_on < interrupted_on:
            errors.add("resumed_on", _("Execution cannot be resumed before it was interrupted."))
    unit = values.get("extent_unit") or ""
    granted = _decimal(values.get("granted_extent"))
    executed = _decimal(values.get("executed_extent"))
    if unit and unit not in ExtentUnit.values:
        errors.add("extent_unit", _("Choose one of the units."))
    if granted is not None and granted <= 0:
        errors.add("granted_extent", _("The granted extent must be greater than zero."))
    if executed is not None and executed < 0:
        errors.add("executed_extent", _("The executed extent cannot be negative."))
    if executed is not None and granted is None:
        errors.add("granted_extent", _("Give the granted extent as well."))
    if executed is not None and granted is not None and executed > granted:
        errors.add("executed_extent", _("More cannot be executed than was granted."))
    if (granted is not None or executed is not None) and not unit:
        errors.add("extent_unit", _("Give the unit of the extent."))
    reason = (
        errors.check(
            lambda: clean_free_text(
                values.get("ended_unexecuted_reason") or "", "ended_unexecuted_reason"
            )
        )
        or ""
    )
    if ended_on is not None:
        if ended_on < decided_on:
            errors.add("ended_unexecuted_on", _("A decision cannot end before it was made."))
        if not reason:
            errors.add(
                "ended_unexecuted_reason", _("Give the reason the decision ended unexecuted.")
            )
        if executed_on is not None and (interrupted_on is None or resumed_on is not None):
            errors.add(
                "ended_unexecuted_on",
                _(
                    "An executed decision can only end unexecuted while its execution is "
                    "interrupted."
                ),
            )
    elif reason:
        errors.add("ended_unexecuted_on", _("Give the date the decision ended unexecuted."))
    return {
        "interrupted_on": interrupted_on,
        "resumed_on": resumed_on,
        "extent_unit": unit,
        "granted_extent": granted,
        "executed_extent": executed,
        "ended_unexecuted_on": ended_on,
        "ended_unexecuted_reason": reason,
    }


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


@transaction.atomic
def decision_execution_update(
    *,
    actor: ActorT,
    decision: Decision,
    executed_on: dt.date | None,
    expected_version: int | None = None,
    **values: Any,
) -> Decision:
    """Record how far `decision` was executed: execution date, interruption and resumption,
    granted vs executed extent, or that it ended without execution. Fields left out keep their
    values."""
    unknown = set(values) - set(EXECUTION_FIELDS)
    if unknown:
        raise TypeError(f"unknown execution fields: {sorted(unknown)}")
    lock_row(decision)
    ensure_in_scope(actor, Action.CHANGE_INDIVIDUAL, decision.case.unit.path)
    check_version(decision, expected_version)
    errors = Errors()
    check_not_future(errors, "executed_on", executed_on)
    if executed_on is not None and executed_on < decision.decided_on:
        errors.add("executed_on", _("A decision cannot be executed before it was made."))
    cleaned = check_execution(
        errors, decision.decided_on, executed_on, {**execution_of(decision), **values}
    )
    errors.raise_if_any()
    save_changed(actor=actor, obj=decision, values={"executed_on": executed_on, **cleaned})
    return decision
