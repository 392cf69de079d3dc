"""The lex Sarah state machine: every (state, step) pair the table allows succeeds, every
other pair is refused with a message and changes nothing; bad dates and an IVO
notification without a seriousness decision are refused on the field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from insyn.core.models import ChangeEntry
from insyn.quality.models import DiarySeries, LexSarahReport, QualitySettings
from insyn.quality.services import lex_sarah as ls
from tests.quality import lex_sarah_factories as lf

S = LexSarahReport.State
TODAY = timezone.localdate

STEPS: dict[str, Callable[..., Any]] = {
    "protect": lambda a, r: ls.lex_sarah_protect(
        actor=a, report=r, immediate_action="Extra personal insatt.", immediate_action_on=TODAY()
    ),
    "register": lambda a, r: ls.lex_sarah_register(actor=a, report=r),
    "start_investigation": lambda a, r: ls.lex_sarah_start_investigation(actor=a, report=r),
    "record_investigation": lambda a, r: ls.lex_sarah_record_investigation(
        actor=a,
        report=r,
        investigation_what="Vad",
        investigation_why="Varför",
        investigation_prevention="Förebygga",
        investigation_done_on=TODAY(),
    ),
    "decide_measures": lambda a, r: ls.lex_sarah_decide_measures(
        actor=a, report=r, measures_text="Ny rutin."
    ),
    "assess": lambda a, r: ls.lex_sarah_assess(
        actor=a, report=r, serious=False, seriousness_reasons="Ingen allvarlig skada."
    ),
    "notify_ivo": lambda a, r: ls.lex_sarah_notify_ivo(
        actor=a, report=r, ivo_notified_on=TODAY(), ivo_reference="IVO 1"
    ),
    "record_informed": lambda a, r: ls.lex_sarah_record_informed(
        actor=a, report=r, affected_informed_on=TODAY(), affected_views="Nöjd med svaret."
    ),
    "close": lambda a, r: ls.lex_sarah_close(actor=a, report=r),
    "close_non_case": lambda a, r: ls.lex_sarah_close(
        actor=a, report=r, non_case_position="Utredningen visar att rutinen följdes."
    ),
}
STATES = [s.value for s in S]


def test_the_table_names_every_step_and_state():
    assert set(ls.LEX_SARAH_FLOW.transitions) == set(STEPS)
    assert ls.LEX_SARAH_FLOW.states() - {ls.SAME} == set(STATES)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("step", sorted(STEPS))
def test_every_pair_is_allowed_or_refused_as_the_table_says(state, step, tree, staff, officer):
    allowed = (state, step) in set(ls.LEX_SARAH_FLOW.pairs())
    # IVO is only ever notified of a serious maladministration, so that pair starts serious
    report = lf.in_state(
        state, staff.case_worker, tree.vux_unit, officer, serious=step == "notify_ivo"
    )
    before_version = report.version
    before_entries = ChangeEntry.objects.count()
    if allowed:
        STEPS[step](officer, report)
        report.refresh_from_db()
        target = ls.LEX_SARAH_FLOW.transitions[step].target
        assert report.state == (state if target == ls.SAME else target)
        assert report.version == before_version + 1
        assert ChangeEntry.objects.count() == before_entries + 1
    else:
        with pytest.raises(ValidationError):
            STEPS[step](officer, report)
        report.refresh_from_db()
        assert report.state == state
        assert report.version == before_version
        assert ChangeEntry.objects.count() == before_entries


def test_illegal_step_says_what_and_why(tree, staff, officer, english):
    report = lf.report(staff.case_worker, tree.vux_unit)
    with pytest.raises(ValidationError) as exc:
        ls.lex_sarah_assess(actor=officer, report=report, serious=True, seriousness_reasons="x")
    assert "cannot be done now" in exc.value.messages[0]
    assert "Reported" in exc.value.messages[0]


def test_ivo_notification_without_a_seriousness_decision_is_refused_on_the_field(
    tree, staff, officer, english
):
    for report in (
        lf.in_state(S.INVESTIGATING, staff.case_worker, tree.vux_unit, officer),
        lf.in_state(S.ASSESSED, staff.case_worker, tree.vux_unit, officer, serious=False),
    ):
        version = report.version
        with pytest.raises(ValidationError) as exc:
            STEPS["notify_ivo"](officer, report)
        assert "serious" in exc.value.message_dict["ivo_notified_on"][0]
        report.refresh_from_db()
        assert report.ivo_notified_on is None and report.version == version


def test_ivo_date_not_in_future_nor_before_the_decision(tree, staff, officer, english):
    report = lf.in_state(S.ASSESSED, staff.case_worker, tree.vux_unit, officer, serious=True)
    for day, words in (
        (TODAY() + dt.timedelta(days=1), "future"),
        (TODAY() - dt.timedelta(days=1), "before"),
    ):
        with pytest.raises(ValidationError) as exc:
            ls.lex_sarah_notify_ivo(actor=officer, report=report, ivo_notified_on=day)
        assert words in exc.value.message_dict["ivo_notified_on"][0]
    report.refresh_from_db()
    assert report.ivo_notified_on is None


def test_a_serious_report_closes_only_after_ivo_and_the_investigation_goes_on(
    tree, staff, officer, english
):
    report = lf.in_state(S.ASSESSED, staff.case_worker, tree.vux_unit, officer, serious=True)
    with pytest.raises(ValidationError) as exc:
        ls.lex_sarah_close(actor=officer, report=report)
    assert "ivo_notified_on" in exc.value.message_dict
    ls.lex_sarah_notify_ivo(
        actor=officer, report=report, ivo_notified_on=TODAY(), ivo_reference="R"
    )
    # after the notification the investigation, measures and views are still recorded
    ls.lex_sarah_decide_measures(actor=officer, report=report, measures_text="Utbildning.")
    ls.lex_sarah_record_informed(actor=officer, report=report, relatives_informed_on=TODAY())
    ls.lex_sarah_close(actor=officer, report=report)
    report.refresh_from_db()
    assert report.state == S.CLOSED and report.measures_text == "Utbildning."


def test_report_refuses_future_dates_and_missing_text(tree, staff, english):
    count = LexSarahReport.objects.count()
    with pytest.raises(ValidationError) as exc:
        lf.report(
            staff.case_worker,
            tree.vux_unit,
            occurred_on=TODAY() + dt.timedelta(days=2),
            description=" ",
        )
    assert "future" in exc.value.message_dict["occurred_on"][0]
    assert "description" in exc.value.message_dict
    assert LexSarahReport.objects.count() == count


def test_reporter_may_only_report_for_own_units_and_visible_clients(tree, staff, english):
    with pytest.raises(ValidationError) as exc:
        lf.report(staff.case_worker, tree.kalmar_unit)
    assert "unit" in exc.value.message_dict
    with pytest.raises(ValidationError):
        lf.report(staff.analyst, tree.vux_unit)


def test_closing_without_assessment_needs_a_documented_position(tree, staff, officer, english):
    report = lf.in_state(S.INVESTIGATING, staff.case_worker, tree.vux_unit, officer)
    with pytest.raises(ValidationError) as exc:
        ls.lex_sarah_close(actor=officer, report=report)
    assert "non_case_position" in exc.value.message_dict
    ls.lex_sarah_close(actor=officer, report=report, non_case_position="Inte ett missförhållande.")
    report.refresh_from_db()
    assert report.state == S.CLOSED and report.serious is None


def test_finishing_the_investigation_needs_all_three_answers(tree, staff, officer):
    report = lf.in_state(S.INVESTIGATING, staff.case_worker, tree.vux_unit, officer)
    with pytest.raises(ValidationError) as exc:
        ls.lex_sarah_record_investigation(
            actor=officer,
            report=report,
            investigation_what="Vad",
            investigation_why="",
            investigation_prevention="",
            investigation_done_on=TODAY(),
        )
    assert {"investigation_why", "investigation_prevention"} <= set(exc.value.message_dict)
    # a draft without the date is kept
    ls.lex_sarah_record_investigation(
        actor=officer,
        report=report,
        investigation_what="Vad",
        investigation_why="",
        investigation_prevention="",
    )
    report.refresh_from_db()
    assert report.investigation_what == "Vad" and report.investigation_done_on is None


def test_diary_numbers_follow_the_municipalitys_series(tree, staff, officer):
    QualitySettings.objects.create(municipality=tree.vaxjo, lex_sarah_diary_prefix="SN-LS")
    first = lf.in_state(S.REGISTERED, staff.case_worker, tree.vux_unit, officer)
    second = lf.in_state(S.REGISTERED, staff.other_case_worker, tree.bof_unit, officer)
    year = TODAY().year
    assert first.diary_number == f"SN-LS {year}/1"
    assert second.diary_number == f"SN-LS {year}/2"
    assert first.officer == officer
    assert DiarySeries.objects.get(municipality=tree.vaxjo, year=year).last_number == 2


def test_default_prefix_is_ls(tree, staff, officer):
    report = lf.in_state(S.REGISTERED, staff.case_worker, tree.vux_unit, officer)
    assert report.diary_number == f"LS {TODAY().year}/1"


def test_an_officer_elsewhere_or_a_manager_gets_404(tree, staff, officer):
    from tests.factories import user_with_role

    kalmar_officer = user_with_role("lex_sarah_officer", tree.kalmar, username="ls_kalmar")
    report = lf.report(staff.case_worker, tree.vux_unit)
    for actor in (kalmar_officer, staff.unit_manager, staff.quality_lead, staff.case_worker):
        with pytest.raises(Http404):
            ls.lex_sarah_register(actor=actor, report=report)
    report.refresh_from_db()
    assert report.state == S.REPORTED


def test_stale_version_is_refused(tree, staff, officer):
    from insyn.core.concurrency import VersionConflict

    report = lf.report(staff.case_worker, tree.vux_unit)
    with pytest.raises(VersionConflict):
        ls.lex_sarah_register(actor=officer, report=report, expected_version=report.version + 1)
