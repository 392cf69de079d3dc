"""The shipped Kolada reference: Riket, 21 regions, 290 municipalities, each under its region."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from insyn.organisations.models import OrgUnit


def test_load_reference_builds_the_tree_and_is_idempotent(db):
    out = StringIO()
    call_command("orgs", "load-reference", stdout=out)
    assert "21 regions, 290 municipalities" in out.getvalue()
    assert OrgUnit.objects.filter(kind="nation").count() == 1
    assert OrgUnit.objects.filter(kind="region").count() == 21
    assert OrgUnit.objects.filter(kind="municipality").count() == 290
    vaxjo = OrgUnit.objects.get(code="0780")
    assert vaxjo.name == "Växjö" and vaxjo.parent.code == "0007"
    assert vaxjo.municipality_id == vaxjo.pk
    gotland = OrgUnit.objects.get(code="0980")
    assert gotland.parent.code == "0009"
    total = OrgUnit.objects.count()
    call_command("orgs", "load-reference", stdout=StringIO())
    assert OrgUnit.objects.count() == total


def test_every_municipality_sits_in_a_region_of_the_same_county(db):
    call_command("orgs", "load-reference", stdout=StringIO())
    for m in OrgUnit.objects.filter(kind="municipality").select_related("parent"):
        assert m.parent.kind == "region"
        assert m.parent.code[2:] == m.code[:2]
        assert m.path.startswith(m.parent.path)


def test_tree_command_prints_subtree(tree):
    out = StringIO()
    call_command("orgs", "tree", "0780", stdout=out)
    text = out.getvalue()
    assert "Arbete och välfärd" in text and "Kalmar" not in text
