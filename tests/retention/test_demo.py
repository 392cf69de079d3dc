"""`insyn demo` gives Växjö a few retention rules through the services and removes nothing."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from insyn.core.models import ChangeEntry
from insyn.organisations.models import OrgUnit
from insyn.retention.models import RetentionRule, RetentionRun


def test_demo_adds_rules_once_and_runs_nothing(db):
    call_command("demo", "--only", "organisations", "--only", "retention", stdout=StringIO())
    vaxjo = OrgUnit.objects.get(code="0780", kind=OrgUnit.Kind.MUNICIPALITY)
    kinds = sorted(RetentionRule.objects.filter(municipality=vaxjo).values_list("kind", flat=True))
    assert kinds == ["client", "invitation", "response", "upload"]
    client = RetentionRule.objects.get(municipality=vaxjo, kind="client")
    assert client.birth_days() == [5, 15, 25] and client.period > 0
    assert ChangeEntry.objects.filter(object_type="retention.retentionrule").count() == 4
    call_command("demo", "--only", "retention", stdout=StringIO())
    assert RetentionRule.objects.count() == 4
    assert not RetentionRun.objects.exists()
