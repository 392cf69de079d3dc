"""Schemathesis on the deviation endpoints only, as the unit manager who handles them (the
suite-wide run in tests/api/ calls them as a case worker, who may only report): no 5xx, and
every answer as the schema documents it, for odd input to each step."""

from __future__ import annotations

import pytest
from django.core.handlers.wsgi import WSGIHandler

from insyn.accounts.services import api_token_renew
from tests.api import test_schemathesis as suite
from tests.api.test_schemathesis import _in_process, _run_operation, _schema, _strategy
from tests.quality.deviation_factories import deviation

pytestmark = pytest.mark.usefixtures("catalogues")
EXAMPLES = 12  # per operation, valid and invalid


def test_deviation_endpoints_answer_generated_requests_as_documented(tree, staff, monkeypatch):
    monkeypatch.setattr(suite, "MAX_EXAMPLES", EXAMPLES)
    d = deviation(tree, staff, code="sekretess")
    known = dict.fromkeys(
        (
            "/api/quality/deviations/{id}/",
            "/api/quality/deviations/{id}/receive/",
            "/api/quality/deviations/{id}/investigate/",
            "/api/quality/deviations/{id}/decide-measures/",
            "/api/quality/deviations/{id}/close/",
            "/api/quality/deviations/{id}/dpa-notification/",
        ),
        d.pk,
    )
    key = api_token_renew(user=staff.unit_manager)
    schema = _schema(key)
    operations = [
        result.ok()
        for result in schema.get_all_operations()
        if result.ok().path.startswith("/api/quality/deviations")
    ]
    assert len(operations) == 8
    failures: list[str] = []
    with _in_process():
        for operation in operations:
            failures += _run_operation(operation, _strategy(operation, known), WSGIHandler(), key)
    assert not failures, "\n\n".join(failures)
