"""User assessment per quality criterion: hand-built responses with answers worked out by hand
(who counts, what is positive, don't know, the case worker left out, boundary days)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest

from insyn.clients.models import InterventionType
from insyn.indicators import computations
from insyn.indicators.computations import Cell
from insyn.indicators.computations._measures import ComputationError
from insyn.indicators.computations.surveys import is_positive
from insyn.indicators.periods import Period, year_period
from insyn.organisations.models import OrgUnit
from insyn.surveys.models import (
    Answer,
    QualityCriterion,
    Question,
    Questionnaire,
    Response,
    Section,
)
from tests.conftest import Tree
from tests.followup.factories import catalogue_basics, intervention
from tests.indicators.measures_factories import by_key

D = dt.date
SCALE, YES_NO = Question.Type.SCALE, Question.Type.YES_NO
Y2024 = year_period(2024)


def compute(name: str, municipality: OrgUnit, period: Period = Y2024) -> Sequence[Cell]:
    computation = computations.get(name)
    assert computation is not None, name
    return computation.compute(municipality, period)


@pytest.fixture
def survey(tree: Tree) -> dict[str, Question]:
    part = QualityCriterion.objects.get_or_create(code="delaktighet", defaults={"name": "D"})[0]
    respect = QualityCriterion.objects.get_or_create(code="bemotande", defaults={"name": "B"})[0]
    q = Questionnaire.objects.create(key="t", name="T", owner=tree.nation, status="published")
    section = Section.objects.create(questionnaire=q, key="s", title="S")
    questions = {
        key: Question.objects.create(
            section=section, key=key, text=key, type=type_, quality_criterion=criterion
        )
        for key, type_, criterion in [
            ("inflytande", SCALE, part),
            ("paverka", YES_NO, part),
            ("forstadd", SCALE, respect),
            ("omrade", Question.Type.NUMBER, part),  # not a scale: never counted
        ]
    }

    def respond(
        unit: OrgUnit,
        role: str,
        submitted: dt.date,
        sex: str | None = None,
        status: str = "submitted",
        **answers: float | str,
    ) -> None:
        iv = None
        if sex is not None:
            opv = catalogue_basics()["opv"]
            assert isinstance(opv, InterventionType)
            iv = intervention(unit, opv, started_on=D(2023, 1, 1), sex=sex)
        r = Response.objects.create(
            questionnaire=q,
            respondent_role=role,
            unit=unit,
            status=status,
            submitted_on=submitted,
            intervention=iv,
        )
        for key, number in answers.items():
            Answer.objects.create(
                response=r,
                question=questions[key],
                number=None if isinstance(number, str) else number,
                unknown=number == "?",
            )

    respond(tree.vux_unit, "client", D(2024, 3, 1), "K", inflytande=5, paverka=1, forstadd=3)
    respond(tree.vux_unit, "client", D(2024, 3, 1), "M", inflytande=4, paverka=0, forstadd=4)
    respond(tree.bof_unit, "guardian", D(2024, 3, 1), inflytande=2, paverka="?", forstadd="?")
    respond(tree.bof_unit, "child", D(2024, 1, 1), "K", inflytande="?", paverka=1, omrade=0)
    respond(tree.vux_unit, "case_worker", D(2024, 3, 1), inflytande=5)  # not a user
    respond(tree.vux_unit, "client", D(2023, 12, 31), "K", inflytande=5)  # last year
    respond(tree.vux_unit, "client", D(2024, 12, 31), "K", inflytande=3)  # last day
    respond(tree.kalmar_unit, "client", D(2024, 3, 1), "K", inflytande=5)  # Kalmar
    respond(tree.vux_unit, "client", D(2024, 3, 1), "K", status="non_response", inflytande=5)
    return questions


def test_positive_is_four_or_five_or_yes() -> None:
    assert [is_positive(SCALE, x) for x in (1, 2, 3, 4, 5)] == [False] * 3 + [True] * 2
    assert [is_positive(YES_NO, x) for x in (0, 1)] == [False, True]


def test_share_positive_per_criterion_by_hand(tree: Tree, survey: dict[str, Question]) -> None:
    got = by_key(compute("user_assessment:delaktighet", tree.vaxjo))
    vux, bof = tree.vux_unit.pk, tree.bof_unit.pk
    # positive only when every valid answer is: K 5+yes ✓, M 4+no ✗, guardian 2 ✗,
    # child (don't know)+yes ✓, last-day K 3 ✗
    assert got == {
        (vux, "T"): (1, 3),
        (vux, "K"): (1, 2),
        (vux, "M"): (0, 1),
        (tree.vux.pk, "T"): (1, 3),
        (tree.vux.pk, "K"): (1, 2),
        (tree.vux.pk, "M"): (0, 1),
        (bof, "T"): (1, 2),
        (bof, "K"): (1, 1),
        (tree.bof.pk, "T"): (1, 2),
        (tree.bof.pk, "K"): (1, 1),
        (tree.aov.pk, "T"): (2, 5),
        (tree.aov.pk, "K"): (2, 3),
        (tree.aov.pk, "M"): (0, 1),
        (tree.vaxjo.pk, "T"): (2, 5),
        (tree.vaxjo.pk, "K"): (2, 3),
        (tree.vaxjo.pk, "M"): (0, 1),
    }
    respect = by_key(compute("user_assessment:bemotande", tree.vaxjo))
    assert respect[(tree.vaxjo.pk, "T")] == (1, 2)  # the guardian said don't know
    one = by_key(compute("user_assessment:delaktighet:inflytande", tree.vaxjo))
    assert one[(tree.vaxjo.pk, "T")] == (2, 4)  # 5 ✓, 4 ✓, 2 ✗, 3 ✗ (the child: don't know)
    assert by_key(compute("user_assessment:delaktighet", tree.kalmar)) == {
        (tree.kalmar_unit.pk, "T"): (1, 1),
        (tree.kalmar_unit.pk, "K"): (1, 1),
        (tree.kalmar_unit.parent_id, "T"): (1, 1),
        (tree.kalmar_unit.parent_id, "K"): (1, 1),
        (tree.kalmar.pk, "T"): (1, 1),
        (tree.kalmar.pk, "K"): (1, 1),
    }


def test_empty_population_has_no_cells(tree: Tree, survey: dict[str, Question]) -> None:
    assert compute("user_assessment:delaktighet", tree.vaxjo, year_period(2019)) == []
    QualityCriterion.objects.create(code="valmojligheter", name="Valmöjligheter")
    assert compute("user_assessment:valmojligheter", tree.vaxjo) == []


def test_unknown_criterion_or_question_is_a_clear_error(
    tree: Tree, survey: dict[str, Question], english: None
) -> None:
    with pytest.raises(ComputationError, match="no quality criterion with the code nope"):
        compute("user_assessment:nope", tree.vaxjo)
    with pytest.raises(ComputationError, match="forstadd"):
        compute("user_assessment:delaktighet:forstadd", tree.vaxjo)
    with pytest.raises(ComputationError, match="needs a parameter"):
        compute("user_assessment:", tree.vaxjo)
