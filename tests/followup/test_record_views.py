"""The occasion form and the pages around it, as case workers and others use them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from insyn.core.models import AccessEntry
from insyn.followup.models import Goal, NonResponseReason, Occasion, Value
from tests.followup.factories import audit_items, enrolled

TODAY = dt.date.today()
pytestmark = pytest.mark.usefixtures("english_pages")


@pytest.fixture
def enrollment(tree, staff):
    return enrolled(tree, staff, started_days_ago=2)


def _form(values: dict[str, str], **extra: str) -> dict[str, str]:
    data = {"done_on": TODAY.isoformat(), "note": ""}
    data.update({f"v-{k}": v for k, v in values.items()})
    data.update(extra)
    return data


def test_form_is_generated_from_the_stage(enrollment, staff, login):
    occasion = enrollment.occasions.get(stage__key="before")
    html = login(staff.case_worker).get(reverse("followup:occasion_record", args=[occasion.pk]))
    text = html.content.decode()
    assert html.status_code == 200
    for i in range(1, 11):
        assert f'name="v-audit.q{i}"' in text
    assert 'name="v-problem_days"' in text and 'min="0"' in text and 'max="30"' in text
    assert 'type="radio" name="v-housing" value="yes"' in text
    assert f'value="{TODAY.isoformat()}"' in text  # the date defaults to today
    assert 'hx-get="/followup/instruments/audit/score/"' in text
    assert 'name="goal-text"' in text  # goals are set at this stage


def test_recording_items_computes_total_and_band_and_sets_a_goal(enrollment, staff, login):
    occasion = enrollment.occasions.get(stage__key="before")
    client = login(staff.case_worker)
    data = _form(
        audit_items([2, 1, 1, 1, 1, 0, 0, 0, 2, 0]) | {"problem_days": "12", "housing": "yes"},
        **{"goal-text": "Högst 4 problemdagar", "goal-target": "4"},
    )
    data["goal-variable"] = str(enrollment.programme.variables.get(key="problem_days").pk)
    response = client.post(reverse("followup:occasion_record", args=[occasion.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    occasion.refresh_from_db()
    assert occasion.status == Occasion.Status.DONE and occasion.done_on == TODAY
    assert Value.objects.get(occasion=occasion, variable__key="audit", item=None).number == 8
    goal = Goal.objects.get(enrollment=enrollment)
    assert (goal.baseline, goal.target, goal.direction) == (12, 4, "lower")
    page = client.get(response["Location"]).content.decode()
    assert "Riskbruk" in page and ">8<" in page  # a man with 8 points is at risk


def test_out_of_range_and_unknown_code_get_messages_and_change_nothing(enrollment, staff, login):
    occasion = enrollment.occasions.get(stage__key="before")
    data = _form(
        audit_items([2, 1, 1, 1, 1, 0, 0, 0, 2, 0]) | {"problem_days": "45", "housing": "maybe"}
    )
    response = login(staff.case_worker).post(
        reverse("followup:occasion_record", args=[occasion.pk]), data
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "The value must be at most 30." in text
    assert "maybe is not one of the choices." in text
    assert 'value="45"' in text  # nothing typed is lost
    assert '<option value="2" selected>' in text
    occasion.refresh_from_db()
    assert occasion.status != Occasion.Status.DONE and not occasion.values.exists()
    assert not Goal.objects.exists()


def test_incomplete_items_are_named(enrollment, staff, login):
    occasion = enrollment.occasions.get(stage__key="before")
    data = _form({"audit.q1": "2", "audit.q2": "9"})
    text = (
        login(staff.case_worker)
        .post(reverse("followup:occasion_record", args=[occasion.pk]), data)
        .content.decode()
    )
    assert "9 is not one of the choices." in text


def test_after_stage_assesses_goals_with_the_measured_value_beside(tree, staff, login):
    enrollment = enrolled(tree, staff, started_days_ago=120, ended_days_ago=30)
    client = login(staff.case_worker)
    before = enrollment.occasions.get(stage__key="before")
    client.post(
        reverse("followup:occasion_record", args=[before.pk]),
        _form(
            {"audit": "20", "problem_days": "15"},
            **{
                "goal-text": "Minska AUDIT",
                "goal-target": "10",
                "goal-variable": str(enrollment.programme.variables.get(key="audit").pk),
            },
        ),
    )
    goal = Goal.objects.get()
    assert goal.baseline == 20
    after = enrollment.occasions.get(stage__key="after")
    page = client.get(reverse("followup:occasion_record", args=[after.pk])).content.decode()
    assert f'name="outcome-{goal.pk}"' in page and "baseline 20" in page
    response = client.post(
        reverse("followup:occasion_record", args=[after.pk]),
        _form({"audit": "12", "problem_days": "4"}, **{f"outcome-{goal.pk}": "partly"}),
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.outcome == "partly" and goal.assessed_on == TODAY
    page = client.get(response["Location"]).content.decode()
    assert "Partly achieved" in page
    row = page[page.index("Minska AUDIT") :]
    assert row.index(">20<") < row.index(">10<") < row.index(">12<")  # baseline, target, after
    enrollment.refresh_from_db()
    assert enrollment.status == "completed"


def test_non_response_with_reason(enrollment, staff, login, catalogues):
    occasion = enrollment.occasions.get(stage__key="before")
    url = reverse("followup:occasion_record", args=[occasion.pk])
    client = login(staff.case_worker)
    response = client.post(url, {"op": "missed", "missed-reason": ""})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    reason = NonResponseReason.objects.get(code="declined")
    response = client.post(url, {"op": "missed", "missed-reason": str(reason.pk)})
    assert response.status_code == 302
    occasion.refresh_from_db()
    assert occasion.status == "missed" and occasion.non_response_reason == reason
    page = client.get(reverse("followup:enrollment", args=[enrollment.pk])).content.decode()
    assert "Declined" in page
    client.post(reverse("followup:occasion", args=[occasion.pk]), {"op": "reopen"})
    occasion.refresh_from_db()
    assert occasion.status == "due"


def test_scope_outsiders_get_404_and_readers_cannot_record(enrollment, staff, login):
    occasion = enrollment.occasions.get(stage__key="before")
    record = reverse("followup:occasion_record", args=[occasion.pk])
    view = reverse("followup:occasion", args=[occasion.pk])
    for outsider in (staff.other_case_worker, staff.kalmar_case_worker, staff.analyst, staff.admin):
        client = login(outsider)
        assert client.get(view).status_code == 404
        assert client.get(record).status_code == 404
        assert client.post(record, _form({"audit": "3"})).status_code == 404
        assert client.get(reverse("followup:enrollment", args=[enrollment.pk])).status_code == 404
    client = login(staff.quality_lead)
    assert client.get(view).status_code == 200
    assert client.get(record).status_code == 404
    occasion.refresh_from_db()
    assert occasion.status != "done"


def test_pages_record_access(enrollment, staff, login):
    occasion = enrollment.occasions.get(stage__key="before")
    client = login(staff.case_worker)
    client.get(reverse("followup:occasion", args=[occasion.pk]))
    entry = AccessEntry.objects.latest("id")
    assert (entry.object_type, entry.object_id, entry.client_id) == (
        "followup.occasion",
        str(occasion.pk),
        enrollment.client_id,
    )


def test_live_score_fragment(staff, login, catalogues):
    client = login(staff.case_worker)
    url = reverse("followup:instrument_score", args=["audit"])
    params = {f"v-audit.q{i}": "1" for i in range(1, 9)} | {"variable": "audit", "sex": "K"}
    partial = client.get(url, params).content.decode()
    assert "So far 8 (8 of 10 items answered)" in partial
    full = client.get(url, params | {"v-audit.q9": "0", "v-audit.q10": "0"}).content.decode()
    assert "Total 8 of 40" in full and "Riskbruk" in full
    low = client.get(
        url,
        params
        | {
            "v-audit.q1": "0",
            "v-audit.q2": "0",
            "v-audit.q3": "0",
            "v-audit.q9": "0",
            "v-audit.q10": "0",
            "sex": "M",
        },
    )
    assert "Total 5 of 40" in low.content.decode() and "Under riskgränsen" in low.content.decode()
    typed = client.get(url, {"v-audit": "6", "variable": "audit", "sex": "M"}).content.decode()
    assert "Total 6 of 40" in typed and "Under riskgränsen" in typed  # only the total given
    assert login(staff.analyst).get(url, params).status_code == 404


def test_worklist_and_panel(enrollment, tree, staff, login):
    before = enrollment.occasions.get(stage__key="before")
    client = login(staff.case_worker)
    page = client.get(reverse("followup:worklist")).content.decode()
    assert enrollment.client.client_ref in page
    assert reverse("followup:occasion_record", args=[before.pk]) in page
    home = client.get("/").content.decode()
    assert "My follow-ups" in home and enrollment.client.client_ref in home
    # a colleague in another unit does not see it; an unassigned one shows for the unit
    assert (
        enrollment.client.client_ref
        not in login(staff.other_case_worker).get(reverse("followup:worklist")).content.decode()
    )
    from tests.factories import user_with_role

    colleague = user_with_role("case_worker", tree.vux_unit, username="colleague")
    assert (
        enrollment.client.client_ref
        not in login(colleague).get(reverse("followup:worklist")).content.decode()
    )
    enrollment.responsible = None
    enrollment.save()
    assert (
        enrollment.client.client_ref
        in login(colleague).get(reverse("followup:worklist")).content.decode()
    )


def test_manual_enrolment_and_withdrawal(enrollment, staff, login, tree):
    from insyn.followup.models import Programme
    from tests.followup.factories import programme

    manual = programme(tree.vaxjo, key="manual")
    manual.auto_enroll = False
    manual.save()
    client = login(staff.case_worker)
    url = reverse("followup:intervention", args=[enrollment.intervention_id])
    page = client.get(url).content.decode()
    assert f'<option value="{manual.pk}">' in page
    assert f'<option value="{enrollment.programme_id}">' not in page  # already enrolled
    response = client.post(url, {"programme": str(manual.pk)})
    assert response.status_code == 302
    second = manual.enrollments.get()
    assert second.method == "manual" and second.occasions.count() == 2
    client.post(reverse("followup:enrollment", args=[second.pk]), {"op": "withdraw"})
    second.refresh_from_db()
    assert second.status == "withdrawn"
    assert Programme.objects.count() == 2
    assert login(staff.quality_lead).post(url, {"programme": str(manual.pk)}).status_code == 404


def test_after_stage_records_extent_and_end_reason(tree, staff, login, catalogues):
    from insyn.clients.models import EndReason
    from insyn.core.models import ChangeEntry

    enrollment = enrolled(tree, staff, started_days_ago=120, ended_days_ago=10)
    after = enrollment.occasions.get(stage__key="after")
    client = login(staff.case_worker)
    url = reverse("followup:occasion_record", args=[after.pk])
    page = client.get(url).content.decode()
    assert 'name="extent-sessions_held"' in page and 'name="extent-end_reason"' in page
    interrupted = EndReason.objects.get(code="interrupted_client")
    data = _form(
        {"audit": "9", "problem_days": "3"},
        **{
            "extent-sessions_planned": "12",
            "extent-sessions_held": "7",
            "extent-sessions_missed": "5",
            "extent-ended_on": (TODAY - dt.timedelta(days=10)).isoformat(),
            "extent-end_reason": str(interrupted.pk),
        },
    )
    bad = dict(data, **{"extent-ended_on": (TODAY + dt.timedelta(days=3)).isoformat()})
    response = client.post(url, bad)
    assert response.status_code == 400
    assert 'id="id_extent-ended_on_error"' in response.content.decode()
    after.refresh_from_db()
    assert after.status != "done"  # nothing is written when one part is wrong
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    intervention = enrollment.intervention
    intervention.refresh_from_db()
    assert (intervention.sessions_planned, intervention.sessions_held) == (12, 7)
    assert intervention.end_reason == interrupted
    assert ChangeEntry.objects.filter(
        object_type="clients.intervention", object_id=str(intervention.pk)
    ).exists()
    after.refresh_from_db()
    assert after.status == "done"
    # the before stage has no such section
    before = enrollment.occasions.get(stage__key="before")
    page = client.get(reverse("followup:occasion_record", args=[before.pk])).content.decode()
    assert "extent-sessions_held" not in page


def test_enrollment_page_without_a_responsible_case_worker(enrollment, staff, login):
    """Imported enrolments have nobody responsible and their case no case worker."""
    from insyn.followup.models import Enrollment

    Enrollment.objects.filter(pk=enrollment.pk).update(responsible=None)
    case = enrollment.intervention.case
    case.case_worker = None
    case.save(update_fields=["case_worker"])
    client = login(staff.case_worker)
    page = client.get(reverse("followup:enrollment", args=[enrollment.pk]))
    assert page.status_code == 200
    assert "Nobody yet" in page.content.decode()
    assert client.get(reverse("clients:case_detail", args=[case.pk])).status_code == 200
    assert client.get(reverse("clients:client_detail", args=[case.client_id])).status_code == 200
    api = client.get(f"/api/followup/enrollments/{enrollment.pk}/")
    assert api.status_code == 200 and api.json()["responsible"] is None
