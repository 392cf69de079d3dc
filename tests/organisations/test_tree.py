"""Admins shape the tree below their municipality in the UI."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from insyn.organisations import services
from insyn.organisations.models import OrgUnit


def test_admin_adds_a_unit_below_a_department(login, tree, staff):
    c = login(staff.admin)
    response = c.post(
        reverse("organisations:unit", args=[tree.bof.pk]),
        {"op": "create", "kind": "unit", "code": "BOF-FAM", "name": "Familjebehandling"},
    )
    assert response.status_code == 302
    unit = OrgUnit.objects.get(code="BOF-FAM")
    assert unit.parent == tree.bof and unit.path.startswith(tree.bof.path)
    assert unit.municipality == tree.vaxjo and unit.depth == tree.bof.depth + 1


def test_wrong_kind_and_duplicate_code_are_refused_with_a_message(login, tree, staff):
    c = login(staff.admin)
    count = OrgUnit.objects.count()
    wrong_kind = c.post(
        reverse("organisations:unit", args=[tree.bof.pk]),
        {"op": "create", "kind": "administration", "code": "Z", "name": "Z"},
    )
    duplicate = c.post(
        reverse("organisations:unit", args=[tree.bof.pk]),
        {"op": "create", "kind": "unit", "code": "BOF-UTR", "name": "Dubblett"},
    )
    assert wrong_kind.status_code == duplicate.status_code == 400
    assert "code" in duplicate.context["create_form"].errors
    assert OrgUnit.objects.count() == count


def test_service_refuses_child_kinds_out_of_order(tree):
    with pytest.raises(ValidationError):
        services.org_unit_create(actor=None, parent=tree.vux_unit, code="X", name="X", kind="unit")


def test_admin_of_vaxjo_gets_404_in_kalmar(login, tree, staff):
    c = login(staff.admin)
    outside = c.get(reverse("organisations:unit", args=[tree.kalmar.pk]))
    missing = c.get(reverse("organisations:unit", args=[999999]))
    assert outside.status_code == missing.status_code == 404
    post = c.post(
        reverse("organisations:unit", args=[tree.kalmar.pk]),
        {"op": "create", "kind": "administration", "code": "X", "name": "X"},
    )
    assert post.status_code == 404
    assert not OrgUnit.objects.filter(parent=tree.kalmar, code="X").exists()


def test_rename_and_deactivate(login, tree, staff):
    c = login(staff.admin)
    c.post(
        reverse("organisations:unit", args=[tree.vux_unit.pk]),
        {"op": "update", "code": "VUX-OPV", "name": "Öppenvård vuxna"},
    )
    tree.vux_unit.refresh_from_db()
    assert tree.vux_unit.name == "Öppenvård vuxna" and not tree.vux_unit.active


def test_reference_codes_cannot_change(tree):
    with pytest.raises(ValidationError):
        services.org_unit_update(
            actor=None, org_unit=tree.vaxjo, name="Växjö", code="9999", active=True
        )


def test_org_units_api_is_scoped(login, tree, staff):
    data = login(staff.case_worker).get("/api/org-units/").json()
    assert [u["code"] for u in data["results"]] == ["VUX-OPV"]
    c = login(staff.case_worker)
    assert c.get(f"/api/org-units/{tree.kalmar_unit.pk}/").status_code == 404


def test_memberships_api_is_scoped_and_audited(login, tree, staff):
    from insyn.core.models import AccessEntry

    c = login(staff.admin)
    data = c.get("/api/memberships/").json()
    usernames = {m["username"] for m in data["results"]}
    assert "cw" in usernames and "cw_kalmar" not in usernames
    assert AccessEntry.objects.filter(
        actor=staff.admin, object_type="organisations.membership"
    ).count() == len(data["results"])
