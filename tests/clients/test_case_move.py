"""Moving a case: only someone who may change data in both units can; the case, its decisions,
interventions and follow-up answer 404 to the old unit afterwards and open for the new one."""

from __future__ import annotations

import pytest
from django.urls import reverse

from insyn.clients.models import Case
from insyn.core.models import ChangeEntry
from insyn.followup.models import Enrollment
from tests.clients.audit_probes import PROBES
from tests.clients.moving import move_all, mover
from tests.followup.factories import enrolled

BACKEND = "django.contrib.auth.backends.ModelBackend"
# Routes of what hangs off the case. The client itself stays visible to the unit that
# registered it (docs/permissions.md), so its own routes are not in this list.
CASE_ROUTES = sorted(
    name
    for name in PROBES
    if name.split(":")[-1].split("-")[0].startswith(("case", "decision", "intervention"))
    and not name.startswith("POST ")
    and name not in ("clients:case_open", "clients:case_open_existing")
)
LIST_PAGES = {"clients:case_list"}


def _get(client, user, url):
    client.force_login(user, backend=BACKEND)
    return client.get(url)


def test_the_route_list_covers_cases_decisions_and_interventions():
    assert {"case-detail", "decision-list", "clients:intervention_update"} <= set(CASE_ROUTES)


@pytest.mark.parametrize("name", CASE_ROUTES)
def test_every_case_route_follows_the_moved_case(name, tree, staff, client):
    url = PROBES[name](tree, staff).url
    move_all(tree.vux_unit, tree.bof_unit)
    ref = Case.objects.get().case_ref
    old = _get(client, staff.case_worker, url)
    new = _get(client, staff.other_case_worker, url)
    assert new.status_code == 200, name
    if url.startswith("/api/") and url.endswith("s/"):
        assert old.json()["results"] == [] and new.json()["results"], name
    elif name in LIST_PAGES:
        assert ref in new.content.decode() and ref not in old.content.decode()
    else:
        assert old.status_code == 404, name


def test_a_case_worker_cannot_move_a_case_to_a_unit_they_do_not_work_in(tree, staff, client):
    enrollment = enrolled(tree, staff)
    case = enrollment.intervention.case
    client.force_login(staff.case_worker, backend=BACKEND)
    answer = client.patch(
        reverse("case-detail", args=[case.pk]),
        {"unit": tree.bof_unit.pk},
        content_type="application/json",
    )
    assert answer.status_code == 404
    page = client.post(
        reverse("clients:case_edit", args=[case.pk]),
        {
            "unit": tree.bof_unit.pk,
            "opened_on": case.opened_on.isoformat(),
            "source": case.source_id,
        },
    )
    assert page.status_code == 400  # the unit is not among the form's choices
    case.refresh_from_db()
    enrollment.refresh_from_db()
    assert case.unit == tree.vux_unit and enrollment.unit == tree.vux_unit
    assert not ChangeEntry.objects.filter(action="move").exists()
    # the new unit's case worker cannot pull it over either: they cannot reach it
    client.force_login(staff.other_case_worker, backend=BACKEND)
    answer = client.patch(
        reverse("case-detail", args=[case.pk]),
        {"unit": tree.bof_unit.pk},
        content_type="application/json",
    )
    assert answer.status_code == 404


def test_a_move_through_the_api_and_the_page_takes_the_follow_up_along(tree, staff, client):
    enrollment = enrolled(tree, staff)
    case = enrollment.intervention.case
    user = mover(tree.vux_unit, tree.bof_unit)
    client.force_login(user, backend=BACKEND)
    answer = client.patch(
        reverse("case-detail", args=[case.pk]),
        {"unit": tree.bof_unit.pk, "case_worker": staff.other_case_worker.pk},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    enrollment.refresh_from_db()
    assert enrollment.unit == tree.bof_unit and enrollment.responsible == staff.other_case_worker
    page = client.post(
        reverse("clients:case_edit", args=[case.pk]),
        {
            "unit": tree.vux_unit.pk,
            "opened_on": case.opened_on.isoformat(),
            "source": case.source_id,
        },
    )
    assert page.status_code == 302, page.content.decode()[:2000]
    enrollment.refresh_from_db()
    assert enrollment.unit == tree.vux_unit
    assert Enrollment.objects.filter(unit=tree.bof_unit).count() == 0
    assert ChangeEntry.objects.filter(object_type="followup.enrollment", action="move").count() == 2


def test_the_old_units_auditors_see_the_move(tree, staff):
    """A quality lead of the old unit only: the move of the case and of its enrolment stays in
    their audit view (the entries carry the old unit's path too); Kalmar's admin sees none."""
    from insyn.core import selectors
    from insyn.core.roles import Role
    from insyn.core.selectors import AuditFilter
    from tests.clients.moving import move
    from tests.factories import user_with_role

    enrollment = enrolled(tree, staff)
    case = enrollment.intervention.case
    old_auditor = user_with_role(Role.QUALITY_LEAD, tree.vux_unit, username="ql_vux")
    new_auditor = user_with_role(Role.QUALITY_LEAD, tree.bof_unit, username="ql_bof")
    move(case, tree.bof_unit, case_worker=staff.other_case_worker)
    moves = ChangeEntry.objects.filter(action="move")
    assert {(e.object_type, e.object_id) for e in moves} >= {
        ("clients.case", str(case.pk)),
        ("followup.enrollment", str(enrollment.pk)),
    }
    for auditor in (old_auditor, new_auditor):
        seen = selectors.change_entries(auditor, AuditFilter()).filter(action="move")
        assert set(seen.values_list("pk", flat=True)) == set(moves.values_list("pk", flat=True))
    assert not selectors.change_entries(staff.kalmar_admin, AuditFilter()).filter(action="move")
