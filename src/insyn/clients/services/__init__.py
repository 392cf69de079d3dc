"""Every write of the clients domain: registering clients, opening and closing cases, recording
decisions, their execution, investigations, appeals and interventions, and keeping the
provider register.

Each service runs in one transaction, re-checks the actor's scope, validates its input
(`ValidationError`, nothing half-written) and records a change entry; an update that changes
nothing records nothing, so a repeated import leaves the audit trail as it was.
"""

from insyn.clients.services.appeals import appeal_record, appeal_update
from insyn.clients.services.cases import case_close, case_open, case_update
from insyn.clients.services.clients import DuplicateClient, client_register, client_update
from insyn.clients.services.execution import decision_execution_update
from insyn.clients.services.interventions import (
    decision_record,
    decision_update,
    intervention_record,
    intervention_update,
)
from insyn.clients.services.investigations import investigation_record, investigation_update
from insyn.clients.services.providers import DuplicateProvider, provider_create, provider_update

__all__ = [
    "DuplicateClient",
    "DuplicateProvider",
    "appeal_record",
    "appeal_update",
    "case_close",
    "case_open",
    "case_update",
    "client_register",
    "client_update",
    "decision_execution_update",
    "decision_record",
    "decision_update",
    "intervention_record",
    "intervention_update",
    "investigation_record",
    "investigation_update",
    "provider_create",
    "provider_update",
]
