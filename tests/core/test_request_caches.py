"""What a request computes once (issue 16) it computes for that request only: the user's grants,
the audit's org paths for a page, and the request memo."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from insyn.accounts.models import User
from insyn.core import context
from insyn.core.audit import record_access, record_change
from insyn.core.models import AccessEntry
from insyn.core.roles import Action, Role
from insyn.core.scoping import granted_paths, has_action
from insyn.organisations import services as org_services
from tests.clients import factories as cf


def test_every_action_is_answered_from_one_read_of_the_memberships(staff, tree):
    user = User.objects.get(pk=staff.quality_lead.pk)
    with CaptureQueriesContext(connection) as ctx:
        answers = {action: granted_paths(user, action) for action in Action}
    assert len(ctx.captured_queries) == 1
    assert answers[Action.VIEW_QUALITY] == [tree.aov.path]
    assert answers[Action.MANAGE_USERS] == []


def test_a_membership_granted_between_requests_counts_on_the_next_one(staff, tree, login):
    client = login(staff.case_worker)
    assert client.get(reverse("quality:dashboard")).status_code == 404
    org_services.membership_grant(
        actor=staff.admin,
        user=User.objects.get(pk=staff.case_worker.pk),  # another object than the request's
        org_unit=tree.vux,
        role=Role.QUALITY_LEAD,
    )
    assert client.get(reverse("quality:dashboard")).status_code == 200


def test_grants_belong_to_their_user_object(staff):
    one = User.objects.get(pk=staff.case_worker.pk)
    other = User.objects.get(pk=staff.admin.pk)
    assert not has_action(one, Action.MANAGE_USERS)
    assert has_action(other, Action.MANAGE_USERS)
    assert not has_action(one, Action.MANAGE_USERS)


def test_a_page_of_clients_gets_each_ones_own_org_paths_in_a_fixed_number_of_queries(
    staff, tree, catalogues
):
    seen_in_two = cf.client(tree.vux_unit, client_ref="A-1")
    cf.case(seen_in_two, tree.vux_unit)
    cf.case(seen_in_two, tree.bof_unit)
    only_registered = cf.client(tree.bof_unit, client_ref="B-1")
    more = [cf.client(tree.vux_unit, client_ref=f"C-{i}") for i in range(6)]
    page = [seen_in_two, only_registered, *more]
    with CaptureQueriesContext(connection) as ctx:
        written = record_access(actor=staff.quality_lead, action="list", objects=page)
    assert written == 8
    assert len(ctx.captured_queries) <= 4  # the clients, their cases, the insert (+ savepoint)
    entries = {e.object_id: e for e in AccessEntry.objects.filter(action="list")}
    first = entries[str(seen_in_two.pk)]
    assert first.org_path == tree.vux_unit.path
    assert first.org_paths == f"|{tree.vux_unit.path}|{tree.bof_unit.path}|"
    assert entries[str(only_registered.pk)].org_paths == f"|{tree.bof_unit.path}|"
    assert entries[str(more[0].pk)].client_id == more[0].pk


def test_a_page_of_cases_gets_each_cases_unit(staff, tree, catalogues):
    person = cf.client(tree.vux_unit)
    cases = [cf.case(person, tree.vux_unit), cf.case(person, tree.bof_unit)]
    record_access(actor=staff.quality_lead, action="list", objects=cases)
    paths = dict(AccessEntry.objects.filter(action="list").values_list("object_id", "org_path"))
    assert paths == {str(cases[0].pk): tree.vux_unit.path, str(cases[1].pk): tree.bof_unit.path}


def test_the_memo_lives_for_one_request_and_a_write_empties_it(staff):
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert context.memoised("k", compute) == 1  # outside a request: never kept
    assert context.memoised("k", compute) == 2
    token = context.begin(context.RequestContext(memo={}))
    try:
        assert context.memoised("k", compute) == 3
        assert context.memoised("k", compute) == 3
        record_change(actor=None, action="update", obj=staff.admin)
        assert context.memoised("k", compute) == 4
    finally:
        context.end(token)
    token = context.begin(context.RequestContext(memo={}))
    try:
        assert context.memoised("k", compute) == 5  # the next request starts empty
    finally:
        context.end(token)
