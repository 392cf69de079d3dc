"""The complaint state machine: every step from every state, legal ones move the complaint,
illegal ones raise a clear message and change nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from insyn.core.models import ChangeEntry
from insyn.quality.models import Complaint
from insyn.quality.services import complaints as services
from tests.quality.complaints_factories import complaint_in, intake

S = Complaint.State
ALL_STATES = [s.value for s in S]
ACTIONS = ["assign", "investigate", "answer", "close"]
# Written out independently of the service's table: what the issue asks for.
LEGAL = {
    ("received", "assign"): "assigned",
    ("assigned", "assign"): "assigned",
    ("investigating", "assign"): "assigned",
    ("assigned", "investigate"): "investigating",
    ("investigating", "answer"): "answered",
    ("answered", "close"): "closed",
}


def _do(action: str, complaint: Complaint, tree: Any, **extra: Any) -> Complaint:
    actor = intake(tree)
    if action == "assign":
        return services.complaint_assign(
            actor=actor, complaint=complaint, unit=tree.bof_unit, **extra
        )
    if action == "investigate":
        return services.complaint_investigate(actor=actor, complaint=complaint, **extra)
    if action == "answer":
        return services.complaint_answer(
            actor=actor, complaint=complaint, answer_text="Svar.", **extra
        )
    return services.complaint_close(actor=actor, complaint=complaint, **extra)


def test_table_is_the_one_the_issue_describes():
    assert {
        (s, a): services.COMPLAINT_FLOW.transitions[a].target
        for s, a in services.COMPLAINT_FLOW.pairs()
    } == LEGAL
    assert services.COMPLAINT_FLOW.states() == set(ALL_STATES)


@pytest.mark.parametrize("state", ALL_STATES)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_step_from_every_state(state, action, tree, staff, catalogues):
    complaint = complaint_in(tree, state)
    version = complaint.version
    entries = ChangeEntry.objects.count()
    if (state, action) in LEGAL:
        done = _do(action, complaint, tree)
        done.refresh_from_db()
        assert done.state == LEGAL[(state, action)]
        assert done.version == version + 1
        assert ChangeEntry.objects.count() == entries + 1
        entry = ChangeEntry.objects.latest("id")
        assert entry.action == action and entry.object_id == str(complaint.pk)
    else:
        with pytest.raises(ValidationError) as err:
            _do(action, complaint, tree)
        assert err.value.code == "illegal_transition"
        complaint.refresh_from_db()
        assert complaint.state == state and complaint.version == version
        assert ChangeEntry.objects.count() == entries


def test_received_complaint_waits_on_the_municipality(tree, staff, catalogues):
    c = complaint_in(tree)
    assert c.unit == tree.vaxjo and c.state == S.RECEIVED
    assert c.answer_due_on == c.received_on + dt.timedelta(days=14)
    assert c.receipt_number.startswith(f"K-{c.received_on.year}-")
    assert len(c.receipt_number.rsplit("-", 1)[1]) == 6


def test_answer_needs_text_and_a_date_not_in_the_future(tree, staff, catalogues):
    c = complaint_in(tree, S.INVESTIGATING)
    actor = intake(tree)
    with pytest.raises(ValidationError) as err:
        services.complaint_answer(actor=actor, complaint=c, answer_text="  ")
    assert "answer_text" in err.value.message_dict
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as err:
        services.complaint_answer(actor=actor, complaint=c, answer_text="Ok", answered_on=tomorrow)
    assert "answered_on" in err.value.message_dict
    before_received = c.received_on - dt.timedelta(days=1)
    with pytest.raises(ValidationError) as err:
        services.complaint_answer(
            actor=actor, complaint=c, answer_text="Ok", answered_on=before_received
        )
    assert "answered_on" in err.value.message_dict
    c.refresh_from_db()
    assert c.state == S.INVESTIGATING and c.answer_text == "" and c.answered_on is None


def test_answer_keeps_text_and_date(tree, staff, catalogues):
    c = complaint_in(tree, S.INVESTIGATING)
    day = timezone.localdate() - dt.timedelta(days=1)
    services.complaint_answer(
        actor=intake(tree), complaint=c, answer_text="Vi har pratat med enheten.", answered_on=day
    )
    c.refresh_from_db()
    assert (c.answer_text, c.answered_on, c.state) == (
        "Vi har pratat med enheten.",
        day,
        "answered",
    )


def test_assign_needs_handle_quality_on_old_and_new_unit(tree, staff, catalogues):
    c = complaint_in(tree)
    # The unit manager of VUX handles VUX but not the municipality where the complaint sits.
    with pytest.raises(Http404):
        services.complaint_assign(actor=staff.unit_manager, complaint=c, unit=tree.vux_unit)
    c = complaint_in(tree, S.ASSIGNED, unit=tree.vux_unit)
    with pytest.raises(Http404):  # may take it from VUX, may not give it to BOF
        services.complaint_assign(actor=staff.unit_manager, complaint=c, unit=tree.bof_unit)
    services.complaint_assign(
        actor=staff.unit_manager, complaint=c, unit=tree.vux_unit, handler=staff.unit_manager
    )
    c.refresh_from_db()
    assert c.handler == staff.unit_manager


def test_assign_refuses_a_handler_who_cannot_handle_the_unit(tree, staff, catalogues):
    c = complaint_in(tree)
    with pytest.raises(ValidationError) as err:
        services.complaint_assign(
            actor=intake(tree), complaint=c, unit=tree.vux_unit, handler=staff.case_worker
        )
    assert "handler" in err.value.message_dict
    with pytest.raises(Http404):  # another municipality is outside the actor's scope
        services.complaint_assign(actor=intake(tree), complaint=c, unit=tree.kalmar_unit)
    c.refresh_from_db()
    assert c.state == S.RECEIVED and c.unit == tree.vaxjo


def test_stale_version_changes_nothing(tree, staff, catalogues):
    c = complaint_in(tree, S.ASSIGNED)
    with pytest.raises(ValidationError) as err:
        services.complaint_investigate(
            actor=intake(tree), complaint=c, expected_version=c.version - 1
        )
    assert err.value.code == "conflict"
    c.refresh_from_db()
    assert c.state == S.ASSIGNED


def test_register_refuses_a_future_date_and_empty_text(tree, staff, catalogues):
    count = Complaint.objects.count()
    with pytest.raises(ValidationError) as err:
        services.complaint_register(
            actor=staff.case_worker,
            unit=tree.vux_unit,
            kind="complaint",
            channel="phone",
            text="",
            received_on=timezone.localdate() + dt.timedelta(days=1),
        )
    assert {"text", "received_on"} <= set(err.value.message_dict)
    assert Complaint.objects.count() == count


def test_register_outside_scope_is_404(tree, staff, catalogues):
    with pytest.raises(Http404):
        services.complaint_register(
            actor=staff.case_worker,
            unit=tree.bof_unit,
            kind="complaint",
            channel="letter",
            text="Brev",
            received_on=timezone.localdate(),
        )


def test_anonymous_keeps_no_contact_details(tree, staff, catalogues):
    c = complaint_in(tree, anonymous=True, contact_phone="070-1234567")
    assert (c.contact_name, c.contact_email, c.contact_phone, c.wants_answer) == ("", "", "", False)


def test_answer_days_follow_the_municipality_setting(tree, staff, catalogues):
    from insyn.quality.models import QualitySettings

    QualitySettings.objects.create(municipality=tree.vaxjo, complaint_answer_days=21)
    c = complaint_in(tree)
    assert c.answer_due_on == c.received_on + dt.timedelta(days=21)
