"""Execution on a decision: interrupted and resumed, partly executed, ended without execution;
the date and extent rules (clear message, nothing changed), audit and scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from insyn.clients import services
from insyn.clients.models import Decision, ExtentUnit
from insyn.core.concurrency import VersionConflict
from insyn.core.models import ChangeEntry
from tests.clients import factories as f


@pytest.fixture
def decision_(tree, catalogues):
    client = f.client(tree.vux_unit, number=f.personnummer(dt.date(1958, 8, 8)))
    case = f.case(client, opened_on=dt.date(2025, 1, 10))
    return f.decision(case, decided_on=dt.date(2025, 2, 1))


def _execute(decision, actor=None, **values):
    return services.decision_execution_update(actor=actor, decision=decision, **values)


def test_interrupt_resume_and_partial_execution(decision_, staff):
    _execute(
        decision_,
        actor=staff.case_worker,
        executed_on=dt.date(2025, 3, 1),
        interrupted_on=dt.date(2025, 4, 1),
        expected_version=1,
    )
    decision_.refresh_from_db()
    assert decision_.interrupted_on == dt.date(2025, 4, 1) and decision_.version == 2
    _execute(decision_, executed_on=dt.date(2025, 3, 1), resumed_on=dt.date(2025, 5, 5))
    _execute(
        decision_,
        executed_on=dt.date(2025, 3, 1),
        extent_unit=ExtentUnit.HOURS_WEEK,
        granted_extent=Decimal(5),
        executed_extent=Decimal(3),
    )
    decision_.refresh_from_db()
    assert (decision_.interrupted_on, decision_.resumed_on) == (
        dt.date(2025, 4, 1),
        dt.date(2025, 5, 5),
    )
    assert (decision_.granted_extent, decision_.executed_extent) == (Decimal(5), Decimal(3))
    entries = ChangeEntry.objects.filter(
        object_type="clients.decision", object_id=str(decision_.pk), action="update"
    )
    assert entries.count() == 3
    with pytest.raises(VersionConflict):
        _execute(decision_, executed_on=None, expected_version=1)


def test_ended_without_execution(decision_):
    _execute(
        decision_,
        executed_on=None,
        ended_unexecuted_on=dt.date(2025, 3, 3),
        ended_unexecuted_reason="Klienten tackade nej",
    )
    decision_.refresh_from_db()
    assert decision_.ended_unexecuted_on == dt.date(2025, 3, 3)


def test_decision_record_takes_the_execution_fields(decision_):
    d = services.decision_record(
        actor=None,
        case=decision_.case,
        intervention_type=decision_.intervention_type,
        legal_basis=decision_.legal_basis,
        decided_on=dt.date(2025, 2, 2),
        executed_on=dt.date(2025, 2, 20),
        extent_unit=ExtentUnit.HOURS_MONTH,
        granted_extent=Decimal("10"),
        executed_extent=Decimal("4.5"),
    )
    assert d.executed_extent == Decimal("4.5")
    with pytest.raises(TypeError):
        services.decision_record(
            actor=None,
            case=decision_.case,
            intervention_type=decision_.intervention_type,
            legal_basis=decision_.legal_basis,
            decided_on=dt.date(2025, 2, 2),
            bogus=1,
        )


FUTURE = dt.date.today() + dt.timedelta(days=1)
BAD = [
    (
        {"executed_on": dt.date(2025, 1, 31)},
        "executed_on",
        "Ett beslut kan inte verkställas innan det fattades.",
    ),
    (
        {
            "executed_on": dt.date(2025, 3, 1),
            "interrupted_on": dt.date(2025, 4, 1),
            "resumed_on": dt.date(2025, 3, 31),
        },
        "resumed_on",
        "Verkställigheten kan inte återupptas innan den avbröts.",
    ),
    (
        {"executed_on": dt.date(2025, 3, 1), "resumed_on": dt.date(2025, 3, 31)},
        "resumed_on",
        "Verkställigheten kan bara återupptas efter ett avbrott.",
    ),
    (
        {
            "executed_on": dt.date(2025, 3, 1),
            "interrupted_on": dt.date(2025, 4, 1),
            "resumed_on": FUTURE,
        },
        "resumed_on",
        "Datumet kan inte ligga i framtiden.",
    ),
    ({"executed_on": FUTURE}, "executed_on", "Datumet kan inte ligga i framtiden."),
    (
        {"executed_on": None, "interrupted_on": dt.date(2025, 4, 1)},
        "interrupted_on",
        "Verkställigheten kan bara avbrytas när den har påbörjats: ange datum för verkställighet.",
    ),
    (
        {
            "executed_on": dt.date(2025, 3, 1),
            "extent_unit": "hours_week",
            "granted_extent": Decimal(5),
            "executed_extent": Decimal(6),
        },
        "executed_extent",
        "Mer kan inte verkställas än vad som beviljats.",
    ),
    (
        {
            "executed_on": dt.date(2025, 3, 1),
            "extent_unit": "hours_week",
            "granted_extent": Decimal(5),
            "executed_extent": Decimal(-1),
        },
        "executed_extent",
        "Verkställd omfattning kan inte vara negativ.",
    ),
    (
        {
            "executed_on": dt.date(2025, 3, 1),
            "executed_extent": Decimal(1),
            "extent_unit": "hours_week",
        },
        "granted_extent",
        "Ange även beviljad omfattning.",
    ),
    (
        {"executed_on": dt.date(2025, 3, 1), "granted_extent": Decimal(5)},
        "extent_unit",
        "Ange enhet för omfattningen.",
    ),
    (
        {"executed_on": None, "ended_unexecuted_on": dt.date(2025, 3, 3)},
        "ended_unexecuted_reason",
        "Ange skälet till att beslutet upphörde utan att verkställas.",
    ),
    (
        {
            "executed_on": None,
            "ended_unexecuted_on": dt.date(2025, 1, 3),
            "ended_unexecuted_reason": "flyttade",
        },
        "ended_unexecuted_on",
        "Ett beslut kan inte upphöra innan det fattades.",
    ),
]


@pytest.mark.parametrize(("values", "field", "message"), BAD)
def test_bad_input_gives_a_clear_message_and_changes_nothing(decision_, values, field, message):
    before = ChangeEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        _execute(decision_, **values)
    assert message in exc.value.message_dict[field]
    assert ChangeEntry.objects.count() == before
    stored = Decision.objects.get(pk=decision_.pk)
    assert stored.version == 1 and stored.executed_on is None and stored.interrupted_on is None


def test_a_user_outside_the_unit_cannot_write(decision_, staff):
    with pytest.raises(Http404):
        _execute(decision_, actor=staff.kalmar_case_worker, executed_on=dt.date(2025, 3, 1))
    decision_.refresh_from_db()
    assert decision_.executed_on is None
