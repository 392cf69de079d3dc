"""The draw: reproducible from its seed, uniform, takes all when the sample is too large, and
never assigns a case to its own worker when that is prevented."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from scipy import stats

from insyn.quality.models import ControlCase, ControlRound
from insyn.quality.services import control as services
from tests.factories import user_with_role
from tests.quality import control_factories as f

pytestmark = pytest.mark.django_db


def test_draw_sample_is_reproducible_and_independent_of_input_order():
    ids = list(range(100, 160))
    shuffled = ids[:]
    random.Random(1).shuffle(shuffled)
    assert services.draw_sample(ids, 10, 42) == services.draw_sample(shuffled, 10, 42)
    assert services.draw_sample(ids, 10, 42) != services.draw_sample(ids, 10, 43)
    # never the first ten, never sorted
    assert services.draw_sample(ids, 10, 42) != ids[:10]


def test_draw_sample_is_uniform_chi_square():
    """2,000 draws of 5 of 20 with fixed seeds: each case is drawn about 500 times; the fixed
    seeds make the test deterministic (it cannot flake), the threshold checks uniformity."""
    population, k, draws = list(range(1, 21)), 5, 2000
    counts: Counter[int] = Counter()
    first: Counter[int] = Counter()
    for seed in range(draws):
        picked = services.draw_sample(population, k, seed)
        counts.update(picked)
        first[picked[0]] += 1
    observed = [counts[i] for i in population]
    assert sum(observed) == k * draws
    assert stats.chisquare(observed).pvalue > 0.01
    # the first drawn is uniform too (draw order carries no bias)
    assert stats.chisquare([first[i] for i in population]).pvalue > 0.01


def test_round_draw_stores_seed_and_cases_in_order(tree, staff, catalogues):
    cases = [f.case(tree.vux_unit, staff.case_worker) for _ in range(12)]
    r = f.round_(tree.vux_unit, staff.quality_lead, sample_size=4, seed=777)
    result = services.control_round_draw(actor=staff.quality_lead, round_=r)
    r.refresh_from_db()
    assert r.state == ControlRound.State.DRAWN and r.seed == 777 and r.population_size == 12
    drawn = list(ControlCase.objects.filter(round=r).order_by("draw_order"))
    expected = services.draw_sample([c.pk for c in cases], 4, 777)
    assert [cc.case_id for cc in drawn] == expected
    assert [cc.draw_order for cc in drawn] == [1, 2, 3, 4]
    assert result.messages == []
    # a second round with the same seed draws the same cases
    r2 = f.round_(tree.vux_unit, staff.quality_lead, sample_size=4, seed=777)
    services.control_round_draw(actor=staff.quality_lead, round_=r2)
    assert [cc.case_id for cc in r2.cases.order_by("draw_order")] == expected


def test_population_is_units_subtree_and_period(tree, staff, catalogues):
    inside = f.case(tree.vux_unit, opened_on=dt.date(2026, 3, 1))
    f.case(tree.vux_unit, opened_on=dt.date(2026, 8, 1))  # after the period
    f.case(tree.bof_unit, opened_on=dt.date(2026, 3, 1))  # other unit
    r = f.round_(tree.vux, staff.quality_lead, units=[tree.vux], sample_size=10)
    assert list(services.population(r)) == [inside]


def test_sample_larger_than_population_takes_all_and_says_so(tree, staff, catalogues, english):
    cases = [f.case(tree.vux_unit) for _ in range(3)]
    r = f.round_(tree.vux_unit, staff.quality_lead, sample_size=10)
    result = services.control_round_draw(actor=staff.quality_lead, round_=r)
    assert result.drawn == 3 and result.population == 3
    assert sorted(cc.case_id for cc in r.cases.all()) == sorted(c.pk for c in cases)
    assert "every case was taken" in result.messages[0]


def test_mode_all_takes_every_case(tree, staff, catalogues):
    for _ in range(4):
        f.case(tree.vux_unit)
    r = f.round_(tree.vux_unit, staff.quality_lead, mode="all", sample_size=None)
    result = services.control_round_draw(actor=staff.quality_lead, round_=r)
    assert result.drawn == 4 and result.messages == []


def test_empty_population_is_refused(tree, staff, catalogues):
    r = f.round_(tree.vux_unit, staff.quality_lead)
    with pytest.raises(ValidationError):
        services.control_round_draw(actor=staff.quality_lead, round_=r)
    r.refresh_from_db()
    assert r.state == ControlRound.State.PLANNED


def test_bad_round_input_is_refused(tree, staff, catalogues):
    with pytest.raises(ValidationError) as exc:
        f.round_(
            tree.vux_unit,
            staff.quality_lead,
            period_end=dt.date(2025, 1, 1),
            sample_size=0,
            second_review_share=120,
            title=" ",
        )
    assert {"period_end", "sample_size", "second_review_share", "title"} <= set(
        exc.value.message_dict
    )
    assert not ControlRound.objects.exists()


def test_seed_generated_when_empty(tree, staff, catalogues):
    r = f.round_(tree.vux_unit, staff.quality_lead, seed=None)
    assert r.seed is not None and 0 < r.seed <= services.MAX_SEED


def test_assignment_never_own_case_and_second_reviewer_differs(tree, staff, catalogues):
    from insyn.core.roles import Role

    third = user_with_role(Role.CASE_WORKER, tree.vux_unit, username="cw3")
    workers = [staff.case_worker, third, staff.unit_manager]
    for n in range(15):
        f.case(tree.vux_unit, workers[n % 2])
    r = f.round_(tree.vux_unit, staff.quality_lead, sample_size=10, second_review_share=50, seed=9)
    services.control_round_draw(actor=staff.quality_lead, round_=r)
    services.control_round_assign(actor=staff.quality_lead, round_=r, reviewers=workers)
    drawn = list(r.cases.select_related("case"))
    assert all(cc.reviewer_id != cc.case.case_worker_id for cc in drawn)
    doubled = [cc for cc in drawn if cc.second_reviewer_id]
    assert len(doubled) == 5
    assert all(
        cc.second_reviewer_id not in (cc.reviewer_id, cc.case.case_worker_id) for cc in doubled
    )
    # the load is spread: every reviewer has a case
    assert {cc.reviewer_id for cc in drawn} | {cc.second_reviewer_id for cc in doubled} >= {
        w.pk for w in workers
    }


def test_assignment_impossible_says_so(tree, staff, catalogues):
    f.case(tree.vux_unit, staff.case_worker)
    r = f.round_(tree.vux_unit, staff.quality_lead)
    services.control_round_draw(actor=staff.quality_lead, round_=r)
    with pytest.raises(ValidationError) as exc:
        services.control_round_assign(
            actor=staff.quality_lead, round_=r, reviewers=[staff.case_worker]
        )
    assert "reviewers" in exc.value.message_dict
    assert not r.cases.filter(reviewer__isnull=False).exists()
    # allowed when not prevented
    r.prevent_own_cases = False
    r.save()
    services.control_round_assign(actor=staff.quality_lead, round_=r, reviewers=[staff.case_worker])
    assert r.cases.get().reviewer == staff.case_worker


def test_reviewer_without_access_is_skipped(tree, staff, catalogues):
    f.case(tree.vux_unit, staff.case_worker)
    r = f.round_(tree.vux_unit, staff.quality_lead)
    services.control_round_draw(actor=staff.quality_lead, round_=r)
    with pytest.raises(ValidationError):
        services.control_round_assign(
            actor=staff.quality_lead, round_=r, reviewers=[staff.kalmar_case_worker]
        )


def test_workflow_table(tree, staff, catalogues):
    assert set(services.ROUND_FLOW.pairs()) == {
        ("planned", "draw"),
        ("drawn", "start_review"),
        ("in_review", "complete"),
    }
    r = f.round_(tree.vux_unit, staff.quality_lead)
    with pytest.raises(ValidationError):
        services.control_round_transition(actor=staff.quality_lead, round_=r, action="complete")
