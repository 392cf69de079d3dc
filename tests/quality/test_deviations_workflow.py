"""The deviation state machine and the services' rules, as a user of them observes."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from insyn.core.concurrency import VersionConflict
from insyn.core.models import ChangeEntry
from insyn.core.roles import Role
from insyn.quality.models import Deviation
from insyn.quality.services import deviations as services
from insyn.quality.services.deviations import DEVIATION_FLOW
from tests.factories import user_with_role
from tests.quality.deviation_factories import (
    STEP_SERVICES,
    STEPS_TO,
    category,
    deviation,
    linked,
    step_input,
)

pytestmark = pytest.mark.usefixtures("catalogues")

STATES = list(Deviation.State.values)
ACTIONS = list(DEVIATION_FLOW.transitions)
LEGAL = set(DEVIATION_FLOW.pairs())
EXPECTED_TABLE = {
    ("reported", "receive"): "received",
    ("received", "investigate"): "investigated",
    ("investigated", "decide_measures"): "measures",
    ("investigated", "close"): "closed",
    ("measures", "close"): "closed",
}


def test_the_table_is_the_documented_flow():
    """Written out independently of the table, so a change to it has to change this too."""
    assert {(s, a): DEVIATION_FLOW.transitions[a].target for s, a in LEGAL} == EXPECTED_TABLE
    assert DEVIATION_FLOW.states() == set(STATES)


@pytest.mark.parametrize(("state", "action"), sorted(EXPECTED_TABLE))
def test_every_legal_transition(tree, staff, state, action):
    d = deviation(tree, staff, state=state)
    version = d.version
    d = STEP_SERVICES[action](actor=staff.unit_manager, deviation=d, **step_input(action))
    d.refresh_from_db()
    assert d.state == EXPECTED_TABLE[(state, action)]
    assert d.version == version + 1
    entry = ChangeEntry.objects.filter(object_type="quality.deviation", object_id=str(d.pk))
    assert entry.latest("id").after["state"] == d.state


ILLEGAL = [p for p in itertools.product(STATES, ACTIONS) if p not in EXPECTED_TABLE]


@pytest.mark.parametrize(("state", "action"), ILLEGAL)
def test_every_illegal_transition_is_refused_and_changes_nothing(
    tree, staff, english, state, action
):
    d = deviation(tree, staff, state=state)
    before = Deviation.objects.filter(pk=d.pk).values().get()
    entries = ChangeEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        STEP_SERVICES[action](actor=staff.unit_manager, deviation=d, **step_input(action))
    assert refused.value.code == "illegal_transition"
    label = str(Deviation.State(state).label)
    assert f"the deviation is “{label}”" in refused.value.messages[0]
    assert Deviation.objects.filter(pk=d.pk).values().get() == before
    assert ChangeEntry.objects.count() == entries


def test_reference_runs_per_municipality_and_year(tree, staff):
    first = deviation(tree, staff)
    second = deviation(tree, staff)
    year = timezone.now().year
    assert (first.reference, second.reference) == (f"AV-{year}-0001", f"AV-{year}-0002")
    kalmar = services.deviation_report(
        actor=staff.kalmar_case_worker,
        category=category(),
        occurred_on=timezone.localdate(),
        description="x",
    )
    assert kalmar.reference == f"AV-{year}-0001"
    assert kalmar.unit == tree.kalmar_unit  # the reporter's own unit by default


def test_future_date_is_refused_on_the_field(tree, staff, english):
    with pytest.raises(ValidationError) as refused:
        services.deviation_report(
            actor=staff.case_worker,
            category=category(),
            occurred_on=timezone.localdate() + dt.timedelta(days=1),
            description="Något",
        )
    assert refused.value.message_dict == {"occurred_on": ["The date cannot be in the future."]}
    assert not Deviation.objects.exists()


def test_unit_outside_the_reporters_places_is_refused(tree, staff, english):
    with pytest.raises(ValidationError) as refused:
        services.deviation_report(
            actor=staff.case_worker,
            unit=tree.bof_unit,
            category=category(),
            occurred_on=timezone.localdate(),
            description="Något",
        )
    assert list(refused.value.message_dict) == ["unit"]
    assert not Deviation.objects.exists()


def test_personal_data_incident_starts_the_72_hour_clock(tree, staff):
    d = deviation(tree, staff, code="sekretess")
    assert d.personal_data_incident is True
    assert d.discovered_at == d.reported_at
    assert services.dpa_deadline(d) == d.reported_at + dt.timedelta(hours=72)
    assert not services.dpa_overdue(d)
    assert services.dpa_overdue(d, now=d.reported_at + dt.timedelta(hours=73))
    plain = deviation(tree, staff)
    assert plain.personal_data_incident is False and services.dpa_deadline(plain) is None


def test_dpa_notification_either_notified_or_reason(tree, staff, english):
    d = deviation(tree, staff, code="sekretess")
    with pytest.raises(ValidationError) as refused:
        services.deviation_record_dpa_notification(actor=staff.unit_manager, deviation=d)
    assert list(refused.value.message_dict) == ["dpa_notified_at"]
    with pytest.raises(ValidationError):
        services.deviation_record_dpa_notification(
            actor=staff.unit_manager,
            deviation=d,
            dpa_notified_at=timezone.now() + dt.timedelta(hours=1),
        )
    with pytest.raises(ValidationError) as before_discovery:
        services.deviation_record_dpa_notification(
            actor=staff.unit_manager,
            deviation=d,
            dpa_notified_at=d.discovered_at - dt.timedelta(days=1),
        )
    assert list(before_discovery.value.message_dict) == ["dpa_notified_at"]
    at = timezone.now() - dt.timedelta(seconds=5)
    services.deviation_record_dpa_notification(
        actor=staff.unit_manager, deviation=d, dpa_notified_at=at, dpa_reference="IMY-2026-1"
    )
    d.refresh_from_db()
    assert (d.dpa_notified_at, d.dpa_reference) == (at, "IMY-2026-1")
    assert not services.dpa_overdue(d, now=at + dt.timedelta(days=10))
    d.refresh_from_db()
    assert d.version == 2  # one write: the refused attempts changed nothing
    plain = deviation(tree, staff)
    with pytest.raises(ValidationError):
        services.deviation_record_dpa_notification(
            actor=staff.unit_manager, deviation=plain, dpa_not_notified_reason="x"
        )


def test_investigation_needs_facts_causes_and_consequences(tree, staff, english):
    d = deviation(tree, staff, state="received")
    with pytest.raises(ValidationError) as refused:
        services.deviation_investigate(
            actor=staff.unit_manager, deviation=d, investigation_facts=" ", consequences=""
        )
    assert set(refused.value.message_dict) == {
        "investigation_facts",
        "root_causes",
        "consequences",
    }
    d.refresh_from_db()
    assert d.state == "received"
    # free text alone is a cause
    services.deviation_investigate(
        actor=staff.unit_manager,
        deviation=d,
        investigation_facts="Fel mall.",
        cause_text="Mallen var gammal.",
        consequences="Ingen.",
    )
    d.refresh_from_db()
    assert d.state == "investigated"


def test_close_refuses_an_empty_investigation_and_empty_feedback(tree, staff, english):
    d = deviation(tree, staff, state="investigated")
    Deviation.objects.filter(pk=d.pk).update(investigation_facts="")  # as if never written
    with pytest.raises(ValidationError) as refused:
        services.deviation_close(actor=staff.unit_manager, deviation=d, feedback="")
    assert set(refused.value.message_dict) == {"investigation_facts", "feedback"}
    assert Deviation.objects.get(pk=d.pk).state == "investigated"


def test_stale_version_changes_nothing(tree, staff):
    d = deviation(tree, staff)
    with pytest.raises(VersionConflict):
        services.deviation_receive(
            actor=staff.unit_manager, deviation=d, expected_version=d.version + 1
        )
    assert Deviation.objects.get(pk=d.pk).state == "reported"


def test_handler_outside_the_unit_cannot_step(tree, staff):
    from django.http import Http404

    d = deviation(tree, staff)
    other_manager = user_with_role(Role.UNIT_MANAGER, tree.bof, username="bof_chef")
    for actor in (other_manager, staff.case_worker):
        with pytest.raises(Http404):
            services.deviation_receive(actor=actor, deviation=d)
    assert Deviation.objects.get(pk=d.pk).state == "reported"


def test_client_link_needs_the_reporter_to_see_the_client(tree, staff, english):
    from tests.clients.factories import case, client

    c = case(client(tree.bof_unit))
    with pytest.raises(ValidationError) as refused:
        services.deviation_report(
            actor=staff.case_worker,
            category=category(),
            occurred_on=timezone.localdate(),
            description="x",
            case=c,
        )
    assert list(refused.value.message_dict) == ["case"]
    own = case(client(tree.vux_unit))
    other = client(tree.vux_unit)
    with pytest.raises(ValidationError) as mismatch:
        services.deviation_report(
            actor=staff.case_worker,
            category=category(),
            occurred_on=timezone.localdate(),
            description="x",
            client=other,
            case=own,
        )
    assert mismatch.value.message_dict == {"case": ["The case does not belong to the client."]}
    assert not Deviation.objects.exists()


def test_managers_are_mailed_on_report_and_reporter_on_close_naming_no_client(tree, staff):
    mail.outbox.clear()
    d = linked(tree, staff)
    assert len(mail.outbox) == 1
    new = mail.outbox[0]
    assert new.to == [staff.unit_manager.email]  # the manager of Vuxen/missbruk, above the unit
    assert d.reference in new.subject and d.reference in new.body
    assert f"/quality/deviations/{d.pk}/" in new.body
    for step in STEPS_TO["closed"]:
        d = STEP_SERVICES[step](actor=staff.unit_manager, deviation=d, **step_input(step))
    closed = mail.outbox[-1]
    assert closed.to == [staff.case_worker.email]
    assert step_input("close")["feedback"] in closed.body
    for message in mail.outbox:
        text = message.subject + message.body
        assert d.client.client_ref not in text and d.case.case_ref not in text
        assert d.description not in text


def test_digest_tells_the_unit_managers_what_waits_naming_no_client(tree, staff):
    from insyn.quality.digest import digest_sections
    from insyn.quality.selectors.deviations import digest_lines

    assert "deviations" in {s.key for s in digest_sections()}
    waiting = linked(tree, staff)
    incident = deviation(tree, staff, code="sekretess", state="received")
    deviation(tree, staff, state="received")  # received, nothing to decide: no line
    Deviation.objects.filter(pk=incident.pk).update(
        discovered_at=timezone.now() - dt.timedelta(hours=80)
    )
    lines = digest_lines(timezone.localdate())
    assert set(lines) == {staff.unit_manager}
    got = {(line.path, line.overdue) for line in lines[staff.unit_manager]}
    assert got == {
        (f"/quality/deviations/{waiting.pk}/", False),
        (f"/quality/deviations/{incident.pk}/", True),
    }
    for line in lines[staff.unit_manager]:
        assert waiting.client.client_ref not in line.text
