"""Schemathesis against the served OpenAPI schema (/api/schema/): every operation gets a few
generated requests, valid and invalid, from a case worker with data in scope, called in-process
through WSGI. No answer may be a server error, and each must be one the schema documents, with
the documented content type and a body that fits the documented schema.

Bounded for `make test`: a fixed seed (the same requests every run), MAX_EXAMPLES requests per
operation (drawn from valid and invalid ones, with a random or a real id), no per-example
deadline, and a total time budget after which the remaining operations are skipped with a
warning (never silently). A failure lists every failing operation with a curl line that
reproduces it.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, transaction
from django.test import Client as DjangoClient
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from insyn.accounts.services import api_token_renew
from insyn.followup.services.goals import goal_set
from tests.followup.factories import enrolled
from tests.quality.action_plans_factories import item as ap_item
from tests.quality.action_plans_factories import plan as ap_plan
from tests.surveys.factories import (
    IFO,
    PLACEMENT,
    load_templates,
    placement,
    placement_programme,
    response_for,
)

MAX_EXAMPLES = 4
TIME_BUDGET_SECONDS = 180.0
SEED = 20261129
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@contextmanager
def _in_process() -> Iterator[None]:
    """Requests share the test's database connection and transaction, like Django's test
    client: the request signals must not close the connection."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _data_in_scope(tree, staff) -> dict[str, Any]:
    """One of everything the case worker may see, by the path whose {id} or {code} reaches
    it: half the generated requests for such a path use it, the rest a random id."""
    enrollment = enrolled(tree, staff)
    intervention = enrollment.intervention
    case = intervention.case
    templates = load_templates(tree.nation)
    programme = placement_programme(tree.vaxjo, templates[PLACEMENT])
    occasion = placement(programme, tree.vux_unit)
    response = response_for(occasion, "child")
    goal = goal_set(actor=None, enrollment=enrollment, text="Färre dagar med alkohol")
    action_item = ap_item(ap_plan(tree.vux_unit, staff.unit_manager), staff.case_worker)
    return {
        "/api/clients/{id}/": case.client_id,
        "/api/cases/{id}/": case.pk,
        "/api/decisions/{id}/": intervention.decision_id,
        "/api/interventions/{id}/": intervention.pk,
        "/api/followup/enrollments/{id}/": enrollment.pk,
        "/api/followup/occasions/{id}/": enrollment.occasions.first().pk,  # type: ignore[union-attr]
        "/api/followup/goals/{id}/": goal.pk,
        "/api/followup/programmes/{id}/": enrollment.programme_id,
        "/api/survey-responses/{id}/": response.pk,
        "/api/questionnaires/{id}/": templates[IFO].pk,
        "/api/org-units/{id}/": tree.vux_unit.pk,
        "/api/memberships/{id}/": staff.case_worker.memberships.first().pk,
        "/api/catalogues/legal-bases/{code}/": "sol2001_4_1",
        # the case worker sees an action plan through the item they are responsible for
        "/api/quality/action-plans/{id}/": action_item.plan_id,
        "/api/quality/action-items/{id}/": action_item.pk,
        "/api/quality/action-items/{id}/transition/": action_item.pk,
    }


def _schema(key: str) -> Any:
    served = DjangoClient().get(
        "/api/schema/", {"format": "json"}, HTTP_AUTHORIZATION=f"Token {key}"
    )
    assert served.status_code == 200
    return schemathesis.openapi.from_dict(served.json())


def _strategy(operation: Any, known: dict[str, Any]) -> Any:
    strategies = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        strategies.append(operation.as_strategy(generation_mode=mode))
        value = known.get(operation.path)
        if value is not None:
            name = "code" if "{code}" in operation.path else "id"
            strategies.append(
                operation.as_strategy(generation_mode=mode, path_parameters={name: value})
            )
    return st.one_of(strategies)


def _run_operation(operation: Any, strategy: Any, app: Any, key: str) -> list[str]:
    found: list[str] = []

    @seed(SEED)
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )
    @given(case=strategy)
    def run(case: Any) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Token {key}"}
        with transaction.atomic():  # a failing request must not poison the next one
            response = case.call(app=app)
            if response.status_code >= 500:
                transaction.set_rollback(True)
        try:
            case.validate_response(response, checks=CHECKS)
        except (AssertionError, BaseExceptionGroup) as exc:
            found.append(f"{operation.label}: {exc}")

    run()
    return found


def test_the_api_answers_generated_requests_as_its_schema_says(tree, staff, catalogues):
    known = _data_in_scope(tree, staff)
    key = api_token_renew(user=staff.case_worker)
    schema = _schema(key)
    app = WSGIHandler()
    failures: list[str] = []
    skipped: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40, "the schema lost its operations"
    budget_ends = time.monotonic() + TIME_BUDGET_SECONDS
    with _in_process():
        for operation in operations:
            if time.monotonic() > budget_ends:
                skipped.append(operation.label)
                continue
            failures += _run_operation(operation, _strategy(operation, known), app, key)
    if skipped:
        warnings.warn(
            f"schemathesis time budget used up; not run: {', '.join(skipped)}", stacklevel=1
        )
    assert not failures, "\n\n".join(failures)
