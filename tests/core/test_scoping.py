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
    """'/1/2/' must not match '/1/23/': paths end with a slash."""
    for unit in OrgUnit.objects.all():
        assert unit.path.endswith("/")
        assert unit.path.startswith(unit.parent.path if unit.parent else "/")


def test_anonymous_and_inactive_users_see_nothing(tree, staff):
    from django.contrib.auth.models import AnonymousUser

    assert not OrgUnit.objects.restrict(AnonymousUser(), Action.VIEW_ORG).exists()
    staff.admin.is_active = False
    assert not restrict(staff.admin, Action.VIEW_ORG, OrgUnit.objects.all()).exists()


def test_memberships_scoped_like_their_unit(tree, staff):
    seen = set(Membership.objects.restrict(staff.case_worker, Action.VIEW_ORG))
    assert {m.user for m in seen} == {staff.case_worker}
