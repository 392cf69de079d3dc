"""The demo's registrar produces the demo test person's report (docs/access-report.md)."""

from __future__ import annotations

import io

import pytest

from insyn.access_reports import demo
from insyn.access_reports.services import access_report_produce
from insyn.accounts.models import User
from insyn.organisations import demo as org_demo

pytestmark = pytest.mark.django_db


def test_the_demo_registrar_reports_on_the_demo_person(catalogues):
    org_demo.load(io.StringIO())
    logins = demo.load(io.StringIO())
    assert [username for _role, username, _pw in logins] == ["registrator"]
    demo.load(io.StringIO())  # twice: nothing new
    registrar = User.objects.get(username="registrator")
    produced = access_report_produce(
        actor=registrar,
        municipality=org_demo.unit(org_demo.MUNICIPALITY),
        personnummer=demo.TEST_NUMBER,
        fmt="json",
    )
    report = produced.report
    cases = next(s for s in report.sections if s.key == "cases")
    assert len(report.client_ids) == 1 and len(cases.records) == 2
    assert len(report.changes) >= 3  # registered, two cases opened
