"""A questionnaire-only occasion completes itself when every expected response is settled."""

from __future__ import annotations

import pytest

from insyn.core.models import ChangeEntry
from insyn.followup.models import NonResponseReason, Occasion, StageVariable, Variable
from insyn.surveys.services.responses import response_enter, response_record_non_response
from tests.surveys.factories import placement, response_for

ANSWERS = {
    "case_worker": {"hl_placeringsorsak": "hemmiljo", "hl_mal_fanns": "yes"},
    "child": {"barn_helhet": "4"},
    "guardian": {"vh_helhet": "4"},
}


@pytest.fixture
def occasion(surveys, tree):
    return placement(surveys.programme, tree.bof_unit)


def _answer(occasion: Occasion, role: str) -> None:
    response_enter(
        actor=None, response=response_for(occasion, role), draft=ANSWERS[role], mode="dialog"
    )


def test_stays_open_until_every_respondent_is_settled_then_done(occasion):
    _answer(occasion, "case_worker")
    _answer(occasion, "child")
    occasion.refresh_from_db()
    assert occasion.status in Occasion.OPEN_STATUSES
    response_record_non_response(
        actor=None,
        response=response_for(occasion, "guardian"),
        reason=NonResponseReason.objects.get(code="moved"),
    )
    occasion.refresh_from_db()
    assert occasion.status == Occasion.Status.DONE and occasion.done_on is not None
    assert ChangeEntry.objects.filter(object_type="followup.occasion", action="mark_done").exists()


def test_all_non_response_marks_the_occasion_missed(occasion):
    reasons = ["declined", "not_reachable", "other"]
    for role, code in zip(("case_worker", "child", "guardian"), reasons, strict=True):
        response_record_non_response(
            actor=None,
            response=response_for(occasion, role),
            reason=NonResponseReason.objects.get(code=code),
        )
    occasion.refresh_from_db()
    assert occasion.status == Occasion.Status.MISSED
    assert occasion.non_response_reason.code == "declined"


def test_stage_with_its_own_values_is_left_for_staff(occasion):
    stage = occasion.stage
    variable = Variable.objects.create(
        programme=stage.programme, key="school", label="Skola", type="boolean"
    )
    StageVariable.objects.create(stage=stage, variable=variable)
    for role in ("case_worker", "child", "guardian"):
        _answer(occasion, role)
    occasion.refresh_from_db()
    assert occasion.status in Occasion.OPEN_STATUSES
