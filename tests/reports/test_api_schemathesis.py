"""Schemathesis on the reports API as the quality lead with a draft, an approved report and a
finished build in scope (the shared run in tests/api uses a case worker, who only ever gets
404 here): no 5xx, and every answer, files included, as the schema documents it."""

from __future__ import annotations

from typing import Any

from django.core.handlers.wsgi import WSGIHandler
from hypothesis import strategies as st
from schemathesis import GenerationMode

from insyn.accounts.services import api_token_renew
from insyn.reports.models import Report
from insyn.reports.services import builds
from insyn.reports.services import reports as services
from tests.api.test_schemathesis import _in_process, _run_operation, _schema
from tests.reports import factories as rf

SMALL = rf.template(
    rf.chapter({"id": "kf", "kind": "key_figures", "indicators": [rf.KPI], "years": 2})
)


def _report(staff: Any, tree: Any, year: int) -> Report:
    report = services.create_draft(
        actor=staff.quality_lead, unit=tree.aov, template_key="default", year=year
    )
    Report.objects.filter(pk=report.pk).update(template=SMALL)
    report.refresh_from_db()
    return report


def _strategy(operation: Any, known: dict[str, Any]) -> Any:
    strategies = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        strategies.append(operation.as_strategy(generation_mode=mode))
        if operation.path in known:
            strategies.append(
                operation.as_strategy(generation_mode=mode, path_parameters=known[operation.path])
            )
    return st.one_of(strategies)


def test_reports_endpoints_answer_as_documented(tree, staff):
    rf.world(tree)
    draft = _report(staff, tree, 2024)
    approved = _report(staff, tree, 2023)
    services.approve(actor=staff.quality_lead, report=approved, expected_version=approved.version)
    build = builds.request_build(actor=staff.quality_lead, report=draft, fmt="html")
    builds.run_build(build.pk)
    known = {
        "/api/reports/{id}/": {"id": draft.pk},
        "/api/reports/{id}/builds/": {"id": draft.pk},
        "/api/reports/{id}/builds/{build_id}/": {"id": draft.pk, "build_id": build.pk},
        "/api/reports/{id}/builds/{build_id}/file/": {"id": draft.pk, "build_id": build.pk},
        "/api/reports/{id}/files/{file_format}/": {"id": approved.pk},
    }
    key = api_token_renew(user=staff.quality_lead)
    schema = _schema(key)
    operations = [
        op
        for op in (result.ok() for result in schema.get_all_operations())
        if op.path.startswith("/api/reports/")
    ]
    assert len(operations) == 7
    failures: list[str] = []
    with _in_process():
        for operation in operations:
            failures += _run_operation(operation, _strategy(operation, known), WSGIHandler(), key)
    assert not failures, "\n\n".join(failures)
