"""Working days (weekends and Swedish public holidays skipped), each report's deadlines under
its municipality's settings, and the digest section that reminds officers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from insyn.quality.digest import digest_sections
from insyn.quality.lex_sarah_digest import lex_sarah_digest
from insyn.quality.models import LexSarahReport, QualitySettings
from insyn.quality.selectors.lex_sarah import deadlines
from insyn.quality.services import lex_sarah as ls
from insyn.quality.services.lex_sarah_calendar import (
    add_working_days,
    easter_sunday,
    is_working_day,
    swedish_holidays,
)
from tests.clients import factories as cf
from tests.factories import user_with_role
from tests.quality import lex_sarah_factories as lf

D = dt.date


@pytest.mark.parametrize(
    ("year", "easter"),
    [(2024, D(2024, 3, 31)), (2025, D(2025, 4, 20)), (2026, D(2026, 4, 5)), (2027, D(2027, 3, 28))],
)
def test_easter(year, easter):
    assert easter_sunday(year) == easter


def test_the_swedish_holidays_of_2026():
    # as published in the Swedish almanac for 2026
    assert swedish_holidays(2026) == {
        D(2026, 1, 1),
        D(2026, 1, 6),
        D(2026, 4, 3),  # långfredagen
        D(2026, 4, 5),
        D(2026, 4, 6),  # annandag påsk
        D(2026, 5, 1),
        D(2026, 5, 14),  # Kristi himmelsfärd
        D(2026, 5, 24),  # pingstdagen
        D(2026, 6, 6),
        D(2026, 6, 19),  # midsommarafton
        D(2026, 6, 20),  # midsommardagen
        D(2026, 10, 31),  # alla helgons dag
        D(2026, 12, 24),
        D(2026, 12, 25),
        D(2026, 12, 26),
        D(2026, 12, 31),
    }
    assert D(2025, 6, 20) in swedish_holidays(2025)  # midsommarafton 2025
    assert D(2025, 11, 1) in swedish_holidays(2025)  # alla helgons dag 2025


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (D(2026, 3, 2), 1, D(2026, 3, 3)),  # Monday → Tuesday
        (D(2026, 3, 6), 1, D(2026, 3, 9)),  # Friday → Monday
        (D(2026, 4, 2), 1, D(2026, 4, 7)),  # Maundy Thursday → Tuesday after Easter
        (D(2026, 6, 18), 1, D(2026, 6, 22)),  # before midsommarafton → Monday
        (D(2026, 12, 23), 1, D(2026, 12, 28)),  # before Christmas → Monday
        (D(2026, 12, 30), 1, D(2027, 1, 4)),  # New Year's Eve and Day skipped → Monday
        (D(2026, 5, 13), 2, D(2026, 5, 18)),  # Ascension Day and the weekend skipped
    ],
)
def test_working_days(start, days, due):
    assert add_working_days(start, days) == due
    assert is_working_day(due)


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(14, 0)))


def test_deadlines_use_the_municipalitys_settings(tree, staff, officer):
    report = lf.report(
        staff.case_worker,
        tree.vux_unit,
        reported_at=_at(D(2026, 4, 2)),
        occurred_on=D(2026, 4, 1),
    )
    got = {d.key: d.due_on for d in deadlines(report)}
    assert got == {"register": D(2026, 4, 7), "investigation": D(2026, 4, 9)}
    QualitySettings.objects.create(
        municipality=tree.vaxjo,
        lex_sarah_register_working_days=3,
        lex_sarah_investigation_start_days=10,
        lex_sarah_ivo_days=5,
    )
    got = {d.key: d.due_on for d in deadlines(report)}
    assert got == {"register": D(2026, 4, 9), "investigation": D(2026, 4, 12)}


def test_ivo_deadline_runs_from_the_seriousness_decision(tree, staff, officer):
    report = lf.in_state(
        LexSarahReport.State.ASSESSED, staff.case_worker, tree.vux_unit, officer, serious=True
    )
    ivo = next(d for d in deadlines(report) if d.key == "ivo")
    assert ivo.due_on == report.seriousness_decided_on + dt.timedelta(days=14)
    assert not ivo.overdue(timezone.localdate())
    assert ivo.overdue(report.seriousness_decided_on + dt.timedelta(days=15))
    ls.lex_sarah_notify_ivo(actor=officer, report=report, ivo_notified_on=timezone.localdate())
    ivo = next(d for d in deadlines(report) if d.key == "ivo")
    assert not ivo.overdue(report.seriousness_decided_on + dt.timedelta(days=15))


def test_digest_reminds_officers_in_scope_and_names_no_client(tree, staff, officer, catalogues):
    assert "lex_sarah" in {s.key for s in digest_sections()}
    client = cf.client(tree.vux_unit, number=cf.personnummer(D(1980, 5, 5)))
    overdue = lf.report(
        staff.case_worker,
        tree.vux_unit,
        client=client,
        reported_at=timezone.now() - dt.timedelta(days=10),
        occurred_on=timezone.localdate() - dt.timedelta(days=11),
    )
    lf.report(staff.case_worker, tree.vux_unit)  # nothing due yet
    kalmar_officer = user_with_role("lex_sarah_officer", tree.kalmar, username="ls_kalmar")
    lines = lex_sarah_digest(timezone.localdate())
    assert set(lines) == {officer}
    assert kalmar_officer not in lines and staff.quality_lead not in lines
    assert {(line.path, line.overdue) for line in lines[officer]} == {
        (f"/quality/lex-sarah/{overdue.pk}/", True)
    }
    assert len(lines[officer]) == 2  # register and investigation start both passed
    for line in lines[officer]:
        assert client.client_ref not in line.text
        assert "Missbruksbehandling" in line.text
