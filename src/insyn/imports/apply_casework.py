"""Second pass for investigations.csv and appeals.csv: each row written through the casework
services (audited, checked again), matched on its natural key (see validate_casework)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from insyn.clients import services as clients
from insyn.clients.models import Appeal, Investigation
from insyn.imports.validate_casework import AppealRec, InvestigationRec

if TYPE_CHECKING:
    from insyn.imports.apply import Applier

# Service field names that are called something else in the files.
COLUMN_OF = {
    "investigations": {"case_worker": ""},
    "appeals": {"decided_on": "court_decided_on", "decision": "intervention_ref"},
}


def apply_investigation(applier: Applier, rec: InvestigationRec) -> tuple[Investigation, str]:
    from insyn.imports.apply import Outcome, _last_change_id

    case = applier.case(rec.case_ref)
    if case is None:
        raise ValidationError({"case_ref": [_("The case was not imported.")]})
    matches = list(
        Investigation.objects.filter(case=case, started_on=rec.started_on).order_by("pk")[:2]
    )
    if len(matches) > 1:
        raise ValidationError(
            {
                "started_on": [
                    _(
                        "The case has several investigations started on this date; "
                        "correct them in insyn."
                    )
                ]
            }
        )
    values: dict[str, Any] = {
        "started_on": rec.started_on,
        "completed_on": rec.completed_on,
        "extended_on": rec.extended_on,
        "extension_reason": rec.extension_reason,
        "outcome": rec.outcome,
    }
    if not matches:
        created = clients.investigation_record(actor=applier.actor, case=case, **values)
        return created, Outcome.CREATED
    existing = matches[0]
    mark = _last_change_id()
    clients.investigation_update(
        actor=applier.actor,
        investigation=existing,
        case_worker=existing.case_worker,
        **values,
    )
    return existing, applier.changed_since(mark)


def apply_appeal(applier: Applier, rec: AppealRec) -> tuple[Appeal, str]:
    from insyn.imports.apply import Outcome, _last_change_id

    intervention = applier.intervention(rec.intervention_ref)
    if intervention is None:
        raise ValidationError({"intervention_ref": [_("The intervention was not imported.")]})
    decision = intervention.decision
    if decision is None:
        raise ValidationError(
            {"intervention_ref": [_("The intervention has no decision to appeal.")]}
        )
    matches = list(
        Appeal.objects.filter(
            decision=decision, appealed_on=rec.appealed_on, court=rec.court
        ).order_by("pk")[:2]
    )
    if len(matches) > 1:
        raise ValidationError(
            {
                "appealed_on": [
                    _(
                        "The decision has several appeals to this court on this date; "
                        "correct them in insyn."
                    )
                ]
            }
        )
    values: dict[str, Any] = {
        "appealed_on": rec.appealed_on,
        "court": rec.court,
        "court_reference": rec.court_reference,
        "decided_on": rec.court_decided_on,
        "outcome": rec.outcome,
        "comment": rec.comment,
    }
    if not matches:
        created = clients.appeal_record(actor=applier.actor, decision=decision, **values)
        return created, Outcome.CREATED
    mark = _last_change_id()
    clients.appeal_update(actor=applier.actor, appeal=matches[0], **values)
    return matches[0], applier.changed_since(mark)
