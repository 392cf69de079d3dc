"""Results against an independent computation: distribution, mean, share positive, Wilson
interval, suppression; response rates and non-response; anonymous rounds; roles side by side."""

from __future__ import annotations

import datetime as dt
import math
import random

import pytest

from insyn.followup.models import NonResponseReason
from insyn.surveys import results as res
from insyn.surveys.models import Response
from insyn.surveys.services import invitations as inv_services
from insyn.surveys.services.invitations import invitation_submit
from insyn.surveys.services.responses import response_enter, response_record_non_response
from tests.surveys.factories import placement, provider, response_for

REASONS = ["declined", "not_reachable", "not_suitable", "moved", "other"]


def wilson_reference(k: int, n: int) -> tuple[float, float]:
    z = 1.959963984540054
    p = k / n
    a = p + z * z / (2 * n)
    b = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (a - b) / (1 + z * z / n), (a + b) / (1 + z * z / n)


def test_wilson_matches_the_textbook_values():
    lo, hi = res.wilson(8, 10)
    assert (round(lo, 4), round(hi, 4)) == (0.4902, 0.9433)
    assert res.wilson(0, 0) is None
    assert res.wilson(5, 5)[1] == 1.0


@pytest.fixture
def world(surveys, tree, staff):
    """30 ended placements at two care homes with a seeded mix of answers and non-response."""
    rng = random.Random(7)
    homes = [provider("Björkgården HVB"), provider("Sjöviken HVB")]
    truth = []
    for i in range(30):
        occasion = placement(
            surveys.programme, tree.vux_unit if i % 3 else tree.bof_unit, care_home=homes[i % 2]
        )
        for role in ("case_worker", "child", "guardian"):
            r = response_for(occasion, role)
            draw = rng.random()
            if draw < 0.2:
                reason = REASONS[rng.randrange(5)]
                response_record_non_response(
                    actor=staff.case_worker if r.unit == tree.vux_unit else None,
                    response=r,
                    reason=NonResponseReason.objects.get(code=reason),
                )
                truth.append((role, homes[i % 2].name, r.unit.name, "non", reason, None))
            elif draw < 0.3:
                truth.append((role, homes[i % 2].name, r.unit.name, "waiting", None, None))
            else:
                key = {"case_worker": "hl_helhet", "child": "barn_helhet", "guardian": "vh_helhet"}[
                    role
                ]
                value = rng.choice(["1", "2", "3", "4", "5", "5", "4"])
                draft = {key: value}
                if role == "case_worker":
                    draft.update(hl_placeringsorsak="hemmiljo", hl_mal_fanns="yes")
                response_enter(actor=None, response=r, draft=draft, mode="dialog")
                truth.append((role, homes[i % 2].name, r.unit.name, "answered", None, int(value)))
    return truth, homes


def test_response_rates_and_non_response_match_an_independent_count(world, surveys):
    truth, _homes = world
    rows = res.response_rates(Response.objects.all(), ["provider", "role"])
    for row in rows:
        mine = [t for t in truth if t[1] == row.group["provider"] and t[0] == row.group["role"]]
        assert row.expected == len(mine)
        assert row.answered == sum(1 for t in mine if t[3] == "answered")
        assert row.non_response == sum(1 for t in mine if t[3] == "non")
        assert row.waiting == sum(1 for t in mine if t[3] == "waiting")
        for code in REASONS:
            assert row.reasons.get(code, 0) == sum(1 for t in mine if t[4] == code)
        assert row.rate == pytest.approx(row.answered / row.expected)
    assert sum(r.expected for r in rows) == 90
    per_unit = res.response_rates(Response.objects.all(), ["unit"])
    assert {r.group["unit"]: r.non_response for r in per_unit} == {
        unit: sum(1 for t in truth if t[2] == unit and t[3] == "non")
        for unit in {t[2] for t in truth}
    }


def test_results_per_question_match_an_independent_computation(world, surveys):
    truth, _homes = world
    result = res.questionnaire_results(surveys.placement_q, Response.objects.all(), ["provider"])
    q = next(q for q in result.questions if q.key == "barn_helhet")
    values = [t[5] for t in truth if t[0] == "child" and t[3] == "answered"]
    assert q.total.n == len(values)
    assert q.total.mean == pytest.approx(sum(values) / len(values))
    positive = sum(1 for v in values if v >= 4)
    assert res.wilson(positive, len(values)) == pytest.approx(
        wilson_reference(positive, len(values))
    )
    # Without a breakdown nothing hides the total unless it holds a count under the threshold.
    whole = res.questionnaire_results(surveys.placement_q, Response.objects.all())
    total = next(q for q in whole.questions if q.key == "barn_helhet").total
    counts = {str(k): values.count(k) for k in range(1, 6)}
    assert total.n == len(values) and total.mean == pytest.approx(sum(values) / len(values))
    if all(c == 0 or c >= 5 for c in (positive, len(values) - positive)):
        assert total.share_positive == pytest.approx(positive / len(values))
        assert (total.ci_low, total.ci_high) == pytest.approx(
            wilson_reference(positive, len(values))
        )
    else:
        assert total.share_positive is None and total.ci_low is None
    if all(c == 0 or c >= 5 for c in counts.values()):
        assert total.distribution == counts
    else:
        assert total.distribution == dict.fromkeys(counts)
    for cell in q.groups:
        mine = [
            t[5]
            for t in truth
            if t[0] == "child" and t[3] == "answered" and t[1] == cell.group["provider"]
        ]
        assert cell.suppressed == (len(mine) < 5), cell.group
        assert (cell.n, cell.mean) == (
            (None, None) if cell.suppressed else (len(mine), pytest.approx(sum(mine) / len(mine)))
        )


def test_small_groups_are_suppressed_with_a_complement(world, surveys, settings):
    settings.INSYN_MIN_CELL = 5
    result = res.questionnaire_results(
        surveys.placement_q, Response.objects.all(), ["provider", "unit"]
    )
    for q in result.questions:
        shown = [c for c in q.groups if not c.suppressed]
        hidden = [c for c in q.groups if c.suppressed]
        assert all(c.n >= 5 for c in shown)
        assert len(hidden) != 1 or not shown  # never exactly one hidden beside shown ones
        for row in result.rows():
            if row["suppressed"]:
                assert row["n"] is None and row["mean"] is None
    # the data holds small groups, so the complement rule above was really tested
    assert any(len([c for c in q.groups if c.suppressed]) >= 2 for q in result.questions)


def test_dont_know_is_left_out_of_denominators(surveys, tree, staff, settings):
    settings.INSYN_MIN_CELL = 5
    for i in range(12):
        occasion = placement(surveys.programme, tree.vux_unit)
        response_enter(
            actor=staff.case_worker,
            response=response_for(occasion, "child"),
            draft={
                "barn_helhet": "5",
                "barn_skola": "unknown" if i < 5 else "4",
                "barn_halsa": "unknown" if i < 2 else "4",
            },
            mode="dialog",
        )
    result = res.questionnaire_results(surveys.placement_q, Response.objects.all())
    school = next(q for q in result.questions if q.key == "barn_skola")
    assert (school.total.n, school.total.unknown) == (7, 5) and school.total.share_positive == 1.0
    health = next(q for q in result.questions if q.key == "barn_halsa")
    # Two who did not know are too few to show; the ten who answered are not.
    assert (health.total.n, health.total.unknown) == (10, None)
    assert health.total.share_positive == 1.0


def test_roles_side_by_side_use_the_same_placements(world, surveys, settings):
    settings.INSYN_MIN_CELL = 2
    truth, _ = world
    n, rows = res.compare_roles(
        surveys.placement_q, Response.objects.all(), ["case_worker", "child", "guardian"]
    )
    # independent: placements (triples of truth) where all three answered
    triples = [truth[i : i + 3] for i in range(0, 90, 3)]
    complete = [t for t in triples if all(x[3] == "answered" for x in t)]
    assert n == len(complete)
    overall = next(r for r in rows if r.topic == "helhet")
    child = [t[1][5] for t in complete]
    assert overall.by_role["child"]["n"] == len(child)
    assert overall.by_role["child"]["mean"] == pytest.approx(sum(child) / len(child))


def test_anonymous_round_below_threshold_shows_no_results(surveys, tree, staff, settings):
    settings.INSYN_MIN_CELL = 5
    survey_round = inv_services.round_create(
        actor=staff.case_worker,
        questionnaire=surveys.ifo_q,
        unit=tree.vux_unit,
        name="IFO",
        opens_on=dt.date.today(),
        closes_on=dt.date.today() + dt.timedelta(days=30),
    )
    issued = inv_services.round_invite(
        actor=staff.case_worker, survey_round=survey_round, channel="handed", count=10
    )
    for invitation, _token in issued[:4]:
        invitation_submit(invitation=invitation, draft={"ifo_battre": "5"})
    rate = res.round_rate(survey_round)
    assert (rate.invitations, rate.answered, rate.rate) == (10, 4, 0.4)
    result = res.questionnaire_results(surveys.ifo_q, Response.objects.all())
    assert result.withheld and result.questions == [] and result.respondents == 4
    invitation_submit(invitation=issued[4][0], draft={"ifo_battre": "4"})
    result = res.questionnaire_results(surveys.ifo_q, Response.objects.all())
    assert not result.withheld
    assert next(q for q in result.questions if q.key == "ifo_battre").total.n == 5


def test_period_breakdown_is_the_year_of_the_answer(surveys, tree, settings):
    settings.INSYN_MIN_CELL = 1
    for year, value in ((2024, "2"), (2025, "4"), (2025, "5")):
        occasion = placement(surveys.programme, tree.vux_unit)
        r = response_for(occasion, "child")
        response_enter(actor=None, response=r, draft={"barn_helhet": value}, mode="dialog")
        Response.objects.filter(pk=r.pk).update(submitted_on=dt.date(year, 6, 1))
    result = res.questionnaire_results(
        surveys.placement_q, Response.objects.all(), ["period", "role"]
    )
    q = next(q for q in result.questions if q.key == "barn_helhet")
    by_year = {c.group["period"]: (c.n, c.mean) for c in q.groups}
    assert by_year == {"2024": (1, 2.0), "2025": (2, 4.5)}
    assert {c.group["role"] for c in q.groups} == {"child"}
