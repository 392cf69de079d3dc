"""restrict(user, action): a membership reaches its unit's subtree and nothing else."""

from __future__ import annotations

from insyn.core.roles import Action
from insyn.core.scoping import granted_paths, has_action, restrict
from insyn.organisations.models import Membership, OrgUnit
from tests.factories import UserFactory, member


def test_case_worker_sees_own_subtree_only(tree, staff):
    visible = set(OrgUnit.objects.restrict(staff.case_worker, Action.VIEW_ORG))
    assert visible == {tree.vux_unit}


def test_department_membership_covers_units_below(tree, staff):
    visible = set(OrgUnit.objects.restrict(staff.unit_manager, Action.VIEW_INDIVIDUAL))
    assert visible == {tree.vux, tree.vux_unit}


def test_region_analyst_reaches_all_municipalities_in_region_but_no_individual(tree, staff):
    visible = set(OrgUnit.objects.restrict(staff.analyst, Action.VIEW_AGGREGATE))
    assert tree.vaxjo in visible and tree.bof_unit in visible
    assert tree.kalmar not in visible
    assert not OrgUnit.objects.restrict(staff.analyst, Action.VIEW_INDIVIDUAL).exists()


def test_nested_memberships_collapse_to_minimal_roots(tree):
    user = UserFactory(organisation=tree.vaxjo)
    member(user, tree.aov, "case_worker")
    member(user, tree.vux_unit, "case_worker")
    assert granted_paths(user, Action.VIEW_INDIVIDUAL) == [tree.aov.path]


def test_inactive_unit_grants_nothing(tree):
    user = UserFactory(organisation=tree.vaxjo)
    member(user, tree.vux_unit, "case_worker")
    OrgUnit.objects.filter(pk=tree.vux_unit.pk).update(active=False)
    user.__dict__.pop("_insyn_granted_paths", None)
    assert not has_action(user, Action.VIEW_INDIVIDUAL)


def test_sibling_path_prefix_does_not_leak(tree):
    """A member of unit 9002 must not reach unit 90023, whose path starts with the same digits
    ('/…/9002/' vs '/…/90023/'): restrict matches whole path segments."""
    parent = tree.vux

    def unit(pk: int) -> OrgUnit:
        return OrgUnit.objects.create(
            pk=pk,
            code=f"U{pk}",
            name=f"Enhet {pk}",
            kind=OrgUnit.Kind.UNIT,
            parent=parent,
            path=f"{parent.path}{pk}/",
            depth=parent.depth + 1,
            municipality=parent.municipality,
        )

    near, prefixed = unit(9002), unit(90023)
    assert prefixed.path.startswith(near.path.rstrip("/"))  # the trap is really set
    user = UserFactory(organisation=tree.vaxjo)
    member(user, near, "case_worker")
    for action in (Action.VIEW_ORG, Action.VIEW_INDIVIDUAL):
        assert set(OrgUnit.objects.restrict(user, action)) == {near}
        assert set(restrict(user, action, OrgUnit.objects.all())) == {near}


def test_anonymous_and_inactive_users_see_nothing(tree, staff):
    from django.contrib.auth.models import AnonymousUser

    assert not OrgUnit.objects.restrict(AnonymousUser(), Action.VIEW_ORG).exists()
    staff.admin.is_active = False
    assert not restrict(staff.admin, Action.VIEW_ORG, OrgUnit.objects.all()).exists()


def test_memberships_scoped_like_their_unit(tree, staff):
    seen = set(Membership.objects.restrict(staff.case_worker, Action.VIEW_ORG))
    assert {m.user for m in seen} == {staff.case_worker}
