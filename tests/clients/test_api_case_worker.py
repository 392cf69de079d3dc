"""Changing the responsible case worker through the API: a colleague in the unit can take the
case over (logged as a change); someone who does not work in the case's unit cannot."""

from __future__ import annotations

import json

import pytest

from insyn.core.models import ChangeEntry
from insyn.core.roles import Role
from tests.clients import factories as f
from tests.factories import user_with_role


@pytest.fixture
def api(login, staff, catalogues):
    return login(staff.case_worker)


def _patch(api, case, data):
    return api.patch(f"/api/cases/{case.pk}/", json.dumps(data), content_type="application/json")


def test_a_colleague_in_the_unit_takes_over_the_case(api, tree, staff):
    case = f.case(f.client(tree.vux_unit), tree.vux_unit)
    colleague = user_with_role(Role.CASE_WORKER, tree.vux_unit, username="cw_colleague")
    response = _patch(api, case, {"case_worker": colleague.pk})
    assert response.status_code == 200, response.content
    assert response.json()["case_worker"] == colleague.pk
    case.refresh_from_db()
    assert case.case_worker == colleague
    entry = ChangeEntry.objects.filter(object_type="clients.case", object_id=str(case.pk)).latest(
        "id"
    )
    assert (entry.action, entry.actor_id) == ("update", staff.case_worker.pk)
    assert (entry.before, entry.after) == (
        {"case_worker_id": None, "version": 1},
        {"case_worker_id": colleague.pk, "version": 2},
    )
    assert api.get(f"/api/cases/{case.pk}/").json()["case_worker"] == colleague.pk


def test_someone_outside_the_unit_cannot_be_made_responsible(api, tree, staff):
    case = f.case(f.client(tree.vux_unit), tree.vux_unit)
    changes = ChangeEntry.objects.count()
    response = _patch(api, case, {"case_worker": staff.other_case_worker.pk})  # child services
    assert response.status_code == 400
    assert list(response.json()) == ["case_worker"]
    response = _patch(api, case, {"case_worker": 999_999})  # no such user
    assert response.status_code == 400 and list(response.json()) == ["case_worker"]
    case.refresh_from_db()
    assert case.case_worker_id is None and ChangeEntry.objects.count() == changes


def test_a_case_worker_of_another_unit_cannot_reassign_the_case(login, tree, staff, catalogues):
    case = f.case(f.client(tree.vux_unit), tree.vux_unit)
    outsider = login(staff.other_case_worker)
    response = _patch(outsider, case, {"case_worker": staff.other_case_worker.pk})
    assert response.status_code == 404  # not allowed looks like not found
    case.refresh_from_db()
    assert case.case_worker_id is None
