"""The catalogue's computed entries of follow-up, surveys and quality name a computation that
exists and resolves against the shipped catalogues (quality criteria), with every part of the
definition written out."""

from __future__ import annotations

import pytest

from insyn.indicators import computations
from insyn.indicators.computations.followup import BEFORE_AFTER
from insyn.indicators.computations.surveys import USER_ASSESSMENT, UserAssessment
from insyn.indicators.models import Indicator

MINE = {
    "followup_completion",
    "goal_attainment",
    "complaints_answered_in_time",
    "lex_sarah_reports",
}


@pytest.fixture
def measures(catalogues: None) -> list[Indicator]:
    rows = [
        i
        for i in Indicator.objects.filter(source="computed")
        if i.computation in MINE
        or i.computation.partition(":")[0] in (BEFORE_AFTER, USER_ASSESSMENT)
    ]
    assert rows
    return rows


def test_every_entry_names_a_computation_and_writes_out_its_definition(
    measures: list[Indicator],
) -> None:
    names = {i.computation for i in measures}
    assert names >= MINE
    assert "before_after_improvement:missbruk-vuxna" in names
    for indicator in measures:
        assert computations.get(indicator.computation) is not None, indicator.key
        for part in ("numerator", "denominator", "population", "period"):
            assert getattr(indicator, part).strip(), (indicator.key, part)
        assert indicator.unit in ("percent", "count")
        assert indicator.dimension is not None
    lex = next(i for i in measures if i.computation == "lex_sarah_reports")
    assert (lex.unit, lex.direction) == ("count", "none")


def test_every_quality_criterion_has_a_user_assessment(measures: list[Indicator]) -> None:
    from insyn.surveys.models import QualityCriterion

    named = {
        i.computation.partition(":")[2]
        for i in measures
        if i.computation.startswith(USER_ASSESSMENT)
    }
    assert named == set(QualityCriterion.objects.values_list("code", flat=True))
    for code in named:
        UserAssessment(f"{USER_ASSESSMENT}:{code}").resolve()  # no error
