"""Schemathesis on the quality dashboard endpoints as a quality lead with data in scope (the
shared run in tests/api uses a case worker, who only ever gets 404 here): no 5xx, and every
answer as the schema documents it."""

from __future__ import annotations

import datetime as dt

from django.core.handlers.wsgi import WSGIHandler

from insyn.accounts.services import api_token_renew
from tests.api.test_schemathesis import _in_process, _run_operation, _schema, _strategy
from tests.quality import factories as f


def test_quality_dashboard_endpoints_answer_as_documented(tree, staff, catalogues, officer):
    f.deviation(tree.vux_unit, staff.case_worker, reported_at=f.local(2025, 3, 3))
    f.complaint(tree.vux_unit, received_on=dt.date(2025, 3, 3))
    f.lex_sarah(tree.bof_unit, staff.case_worker, reported_at=f.local(2025, 3, 3))
    key = api_token_renew(user=staff.quality_lead)
    schema = _schema(key)
    operations = [
        op
        for op in (result.ok() for result in schema.get_all_operations())
        if op.path.startswith("/api/quality/stats/")
        or op.path.startswith("/api/quality/dashboard/")
    ]
    assert len(operations) == 2
    failures: list[str] = []
    with _in_process():
        for operation in operations:
            failures += _run_operation(operation, _strategy(operation, {}), WSGIHandler(), key)
    assert not failures, "\n\n".join(failures)
