"""Investigations: the four-month rule on its boundary days, handling time, the date rules
(clear message, nothing changed), audit and scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from insyn.clients import services
from insyn.clients.four_months import (
    FourMonthStatus,
    add_months,
    four_month_limit,
    four_month_status,
    handling_days,
)
from insyn.clients.models import Investigation
from insyn.core.concurrency import VersionConflict
from insyn.core.models import ChangeEntry
from tests.clients import casework_factories as cf
from tests.clients import factories as f

TODAY = dt.date(2025, 12, 1)


@pytest.fixture
def case_(tree, catalogues):
    client = f.client(tree.vux_unit, number=f.personnummer(dt.date(1971, 3, 3)))
    return f.case(client, opened_on=dt.date(2024, 9, 1))


def _inv(started: dt.date, completed: dt.date | None = None, extended: dt.date | None = None):
    return Investigation(started_on=started, completed_on=completed, extended_on=extended)


@pytest.mark.parametrize(
    ("started", "limit"),
    [
        (dt.date(2025, 1, 15), dt.date(2025, 5, 15)),
        (dt.date(2024, 10, 31), dt.date(2025, 2, 28)),  # month end: February has no 31st
        (dt.date(2023, 10, 31), dt.date(2024, 2, 29)),  # leap year
        (dt.date(2025, 9, 30), dt.date(2026, 1, 30)),  # over the turn of the year
        (dt.date(2025, 11, 30), dt.date(2026, 3, 30)),
    ],
)
def test_the_limit_is_four_calendar_months_clamped_to_the_month_end(started, limit):
    assert four_month_limit(started) == limit
    assert add_months(started, 4) == limit


def test_exactly_four_months_is_in_time_and_one_day_more_is_not():
    started = dt.date(2025, 1, 15)
    assert four_month_status(_inv(started, dt.date(2025, 5, 15)), TODAY) is FourMonthStatus.OK
    late = _inv(started, dt.date(2025, 5, 16))
    assert four_month_status(late, TODAY) is FourMonthStatus.LATE_WITHOUT_EXTENSION
    extended = _inv(started, dt.date(2025, 5, 16), extended=dt.date(2025, 5, 1))
    assert four_month_status(extended, TODAY) is FourMonthStatus.EXTENDED


def test_month_end_start_31_october():
    started = dt.date(2024, 10, 31)
    assert four_month_status(_inv(started, dt.date(2025, 2, 28)), TODAY) is FourMonthStatus.OK
    assert (
        four_month_status(_inv(started, dt.date(2025, 3, 1)), TODAY)
        is FourMonthStatus.LATE_WITHOUT_EXTENSION
    )


def test_an_open_investigation_is_judged_on_today():
    inv = _inv(dt.date(2025, 8, 1))
    assert four_month_status(inv, dt.date(2025, 12, 1)) is FourMonthStatus.OK
    assert four_month_status(inv, dt.date(2025, 12, 2)) is FourMonthStatus.NEEDS_EXTENSION
    inv.extended_on = dt.date(2025, 11, 20)
    assert four_month_status(inv, dt.date(2025, 12, 2)) is FourMonthStatus.EXTENDED
    assert FourMonthStatus.NEEDS_EXTENSION.is_problem
    assert not FourMonthStatus.EXTENDED.is_problem


def test_handling_days():
    assert handling_days(dt.date(2025, 1, 1), dt.date(2025, 3, 1)) == 59
    assert handling_days(dt.date(2025, 1, 1), None) is None


def test_record_and_update_are_audited_and_versioned(case_, staff):
    inv = cf.investigation(case_, actor=staff.case_worker, started_on=dt.date(2024, 9, 2))
    assert ChangeEntry.objects.filter(
        action="create", object_type="clients.investigation", object_id=str(inv.pk)
    ).exists()
    services.investigation_update(
        actor=staff.case_worker,
        investigation=inv,
        started_on=inv.started_on,
        completed_on=dt.date(2025, 2, 10),
        extended_on=dt.date(2024, 12, 20),
        extension_reason="Väntar på läkarintyg",
        outcome=Investigation.Outcome.GRANTED,
        case_worker=None,
        expected_version=1,
    )
    inv.refresh_from_db()
    assert inv.version == 2 and inv.completed_on == dt.date(2025, 2, 10)
    entry = ChangeEntry.objects.get(action="update", object_id=str(inv.pk))
    assert entry.object_type == "clients.investigation"
    with pytest.raises(VersionConflict):
        services.investigation_update(
            actor=staff.case_worker,
            investigation=inv,
            started_on=inv.started_on,
            completed_on=inv.completed_on,
            extended_on=inv.extended_on,
            extension_reason="annat",
            outcome=inv.outcome,
            case_worker=None,
            expected_version=1,
        )


def test_late_completion_without_extension_is_recorded_and_flagged(case_):
    inv = cf.investigation(case_, started_on=dt.date(2024, 9, 2), completed_on=dt.date(2025, 3, 1))
    assert four_month_status(inv, TODAY) is FourMonthStatus.LATE_WITHOUT_EXTENSION


def _expect_refused(case_, field: str, message: str, **kwargs):
    before = Investigation.objects.count(), ChangeEntry.objects.count()
    values = {"started_on": dt.date(2024, 10, 1), **kwargs}
    with pytest.raises(ValidationError) as exc:
        services.investigation_record(actor=None, case=case_, **values)
    assert message in exc.value.message_dict[field]
    assert (Investigation.objects.count(), ChangeEntry.objects.count()) == before


def test_bad_input_gives_a_clear_message_and_changes_nothing(case_):
    future = dt.date.today() + dt.timedelta(days=1)
    _expect_refused(
        case_,
        "completed_on",
        "En utredning kan inte avslutas innan den inletts.",
        completed_on=dt.date(2024, 9, 30),
        outcome="granted",
    )
    _expect_refused(
        case_,
        "extended_on",
        "Beslutet om förlängning kan inte komma före utredningens start.",
        extended_on=dt.date(2024, 9, 30),
        extension_reason="x",
    )
    _expect_refused(case_, "started_on", "Datumet kan inte ligga i framtiden.", started_on=future)
    _expect_refused(
        case_,
        "started_on",
        "En utredning kan inte inledas innan ärendet öppnades.",
        started_on=dt.date(2024, 8, 31),
    )
    _expect_refused(
        case_,
        "extension_reason",
        "Ange skälet till att utredningen förlängs.",
        extended_on=dt.date(2024, 12, 1),
    )
    _expect_refused(
        case_,
        "completed_on",
        "Ett utfall kräver datum då utredningen avslutades.",
        outcome="granted",
    )


def test_update_refused_leaves_the_row_as_it_was(case_):
    inv = cf.investigation(case_, started_on=dt.date(2024, 10, 1))
    with pytest.raises(ValidationError) as exc:
        services.investigation_update(
            actor=None,
            investigation=inv,
            started_on=inv.started_on,
            completed_on=dt.date(2024, 9, 1),
            extended_on=None,
            extension_reason="",
            outcome="",
            case_worker=None,
        )
    assert "completed_on" in exc.value.message_dict
    inv.refresh_from_db()
    assert inv.completed_on is None and inv.version == 1


def test_case_cannot_be_reopened_after_its_investigation(case_):
    cf.investigation(case_, started_on=dt.date(2024, 9, 5))
    with pytest.raises(ValidationError) as exc:
        services.case_update(
            actor=None,
            case=case_,
            unit=case_.unit,
            opened_on=dt.date(2024, 9, 10),
            source=case_.source,
            reason=case_.reason,
            case_worker=None,
            closed_on=None,
        )
    assert "opened_on" in exc.value.message_dict


def test_a_user_outside_the_unit_cannot_write(case_, staff):
    with pytest.raises(Http404):
        cf.investigation(case_, actor=staff.other_case_worker)
    inv = cf.investigation(case_)
    with pytest.raises(Http404):
        services.investigation_update(
            actor=staff.kalmar_case_worker,
            investigation=inv,
            started_on=inv.started_on,
            completed_on=None,
            extended_on=None,
            extension_reason="",
            outcome="",
            case_worker=None,
        )
