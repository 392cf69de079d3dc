"""Appeals: date rules (clear message, nothing changed), outcomes, audit and scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from insyn.clients import services
from insyn.clients.models import Appeal
from insyn.core.concurrency import VersionConflict
from insyn.core.models import ChangeEntry
from tests.clients import casework_factories as cf
from tests.clients import factories as f


@pytest.fixture
def decision_(tree, catalogues):
    client = f.client(tree.vux_unit, number=f.personnummer(dt.date(1966, 6, 6)))
    case = f.case(client, opened_on=dt.date(2025, 1, 10))
    return f.decision(case, decided_on=dt.date(2025, 2, 1))


def test_record_and_decide_an_appeal(decision_, staff):
    appeal = cf.appeal(decision_, actor=staff.case_worker, appealed_on=dt.date(2025, 2, 20))
    assert ChangeEntry.objects.filter(
        action="create", object_type="clients.appeal", object_id=str(appeal.pk)
    ).exists()
    services.appeal_update(
        actor=staff.case_worker,
        appeal=appeal,
        appealed_on=appeal.appealed_on,
        court=Appeal.Court.ADMINISTRATIVE,
        court_reference="1234-25",
        decided_on=dt.date(2025, 5, 2),
        outcome=Appeal.Outcome.CHANGED,
        comment="",
        expected_version=1,
    )
    appeal.refresh_from_db()
    assert appeal.outcome == "changed" and appeal.version == 2
    assert ChangeEntry.objects.filter(action="update", object_id=str(appeal.pk)).exists()
    with pytest.raises(VersionConflict):
        services.appeal_update(
            actor=staff.case_worker,
            appeal=appeal,
            appealed_on=appeal.appealed_on,
            court=Appeal.Court.APPEAL,
            court_reference="",
            decided_on=appeal.decided_on,
            outcome=appeal.outcome,
            comment="",
            expected_version=1,
        )


@pytest.mark.parametrize("outcome", list(Appeal.Outcome.values))
def test_every_outcome_can_be_recorded(decision_, outcome):
    appeal = cf.appeal(decision_, decided_on=dt.date(2025, 3, 1), outcome=outcome)
    assert appeal.outcome == outcome


def _refused(decision_, field, message, **kwargs):
    before = Appeal.objects.count(), ChangeEntry.objects.count()
    values = {"appealed_on": dt.date(2025, 2, 10), **kwargs}
    with pytest.raises(ValidationError) as exc:
        services.appeal_record(actor=None, decision=decision_, **values)
    assert message in exc.value.message_dict[field]
    assert (Appeal.objects.count(), ChangeEntry.objects.count()) == before


def test_bad_input_gives_a_clear_message_and_changes_nothing(decision_):
    _refused(
        decision_,
        "appealed_on",
        "Ett beslut kan inte överklagas innan det fattades.",
        appealed_on=dt.date(2025, 1, 31),
    )
    _refused(
        decision_,
        "decided_on",
        "Domstolen kan inte avgöra målet innan beslutet överklagades.",
        decided_on=dt.date(2025, 2, 9),
        outcome="upheld",
    )
    _refused(
        decision_,
        "decided_on",
        "Ett utfall kräver datum för domstolens avgörande.",
        outcome="upheld",
    )
    _refused(
        decision_,
        "decided_on",
        "Datumet kan inte ligga i framtiden.",
        decided_on=dt.date.today() + dt.timedelta(days=1),
        outcome="upheld",
    )
    _refused(decision_, "court", "Välj en av domstolarna.", court="district")
    _refused(decision_, "outcome", "Välj ett av utfallen.", outcome="lost", decided_on=None)


def test_decision_date_cannot_move_after_its_appeal(decision_):
    cf.appeal(decision_, appealed_on=dt.date(2025, 2, 10))
    with pytest.raises(ValidationError) as exc:
        services.decision_update(
            actor=None,
            decision=decision_,
            intervention_type=decision_.intervention_type,
            legal_basis=decision_.legal_basis,
            decided_on=dt.date(2025, 2, 15),
            executed_on=None,
            comment="",
        )
    assert "decided_on" in exc.value.message_dict
    decision_.refresh_from_db()
    assert decision_.decided_on == dt.date(2025, 2, 1)


def test_a_user_outside_the_unit_cannot_write(decision_, staff):
    with pytest.raises(Http404):
        cf.appeal(decision_, actor=staff.other_case_worker)
    assert not Appeal.objects.exists()
