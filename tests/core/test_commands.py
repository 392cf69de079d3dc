"""The demo is deterministic and safe to run twice."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from insyn.accounts.models import User
from insyn.organisations.models import Membership, OrgUnit


def test_demo_creates_vaxjo_and_one_user_per_role(db):
    out = StringIO()
    call_command("demo", "--only", "organisations", stdout=out)
    text = out.getvalue()
    for username in ("handlaggare", "enhetschef", "kvalitet", "analytiker", "admin"):
        assert username in text
        assert User.objects.get(username=username).check_password("insyn-demo-2026")
    aov = OrgUnit.objects.get(code="AOV", parent__code="0780")
    assert aov.name == "Arbete och välfärd"
    assert set(aov.children.values_list("name", flat=True)) == {
        "Barn och familj",
        "Vuxen/missbruk",
        "Ekonomiskt bistånd",
    }
    assert set(Membership.objects.values_list("role", flat=True)) == {
        "case_worker",
        "unit_manager",
        "quality_lead",
        "analyst",
        "admin",
    }


def test_demo_twice_changes_nothing(db):
    call_command("demo", "--only", "organisations", stdout=StringIO())
    counts = (OrgUnit.objects.count(), User.objects.count(), Membership.objects.count())
    call_command("demo", "--only", "organisations", stdout=StringIO())
    assert (OrgUnit.objects.count(), User.objects.count(), Membership.objects.count()) == counts


def test_unknown_demo_step_is_a_clear_error(db):
    import pytest
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="no demo step for: nonsense"):
        call_command("demo", "--only", "nonsense", stdout=StringIO())


def test_full_demo_runs_every_step_and_twice_adds_nothing(db):
    """What `make run` loads on an empty database: every app's step, deterministic."""
    from django.apps import apps

    call_command("demo", stdout=StringIO())
    models = [
        m
        for m in apps.get_models()
        if m._meta.app_label in {"organisations", "accounts", "clients", "followup", "surveys"}
    ]
    counts = {m._meta.label: m._default_manager.count() for m in models}
    call_command("demo", stdout=StringIO())
    assert {m._meta.label: m._default_manager.count() for m in models} == counts
