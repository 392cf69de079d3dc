"""The Open Comparisons state machine: every step forwards in order, every illegal step refused
with a message and nothing changed; the steps' preconditions; the parts that may change at
each step; stale writes refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from insyn.core.concurrency import VersionConflict
from insyn.core.models import ChangeEntry
from insyn.indicators.models import OjPublication
from insyn.indicators.services import oj as services
from insyn.indicators.services import oj_steps as steps
from tests.indicators import oj_factories as f

S = OjPublication.Status
pytestmark = pytest.mark.usefixtures("english")


def _state(pub: OjPublication) -> tuple[Any, ...]:
    pub.refresh_from_db()
    return (pub.status, pub.version, pub.received_on, pub.prioritised_on, pub.communicated_on)


def test_the_table_is_a_straight_line_through_every_state() -> None:
    assert services.OJ_FLOW.states() == set(S.values)
    pairs = list(services.OJ_FLOW.pairs())
    assert len(pairs) == len(S.values) - 1
    assert [state for state, _ in pairs] == f.ORDER[:-1]


@pytest.mark.parametrize("state", f.ORDER)
def test_every_illegal_transition_is_refused_with_a_message_and_changes_nothing(
    state: Any, tree: Any, staff: Any
) -> None:
    pub = f.publication(tree.aov, staff.quality_lead, to=state)
    assert pub.status == state
    allowed = set(services.OJ_FLOW.available(state))
    for action in services.OJ_FLOW.transitions:
        if action in allowed:
            continue
        before = _state(pub)
        changes = ChangeEntry.objects.count()
        with pytest.raises(ValidationError) as exc:
            services.publication_transition(
                actor=staff.quality_lead, publication=pub, action=action
            )
        assert "cannot be done now" in " ".join(exc.value.messages)
        assert _state(pub) == before
        assert ChangeEntry.objects.count() == changes


def test_a_walk_dates_every_step_and_names_who_decided(tree: Any, staff: Any) -> None:
    pub = f.publication(tree.aov, staff.quality_lead, to="communicated")
    for prefix in services.STEP_OF.values():
        assert getattr(pub, f"{prefix}_on") is not None
        assert getattr(pub, f"{prefix}_by") == staff.quality_lead
    actions = set(
        ChangeEntry.objects.filter(object_type="indicators.ojpublication").values_list(
            "action", flat=True
        )
    )
    assert set(services.OJ_FLOW.transitions) <= actions


def test_steps_need_their_work_done_first(tree: Any, staff: Any) -> None:
    lead = staff.quality_lead
    pub = f.publication(tree.aov, lead)
    with pytest.raises(ValidationError, match="data check"):
        services.publication_transition(actor=lead, publication=pub, action="receive")
    pub = f.publication(tree.aov, lead, to="received")
    with pytest.raises(ValidationError, match="results"):
        services.publication_transition(actor=lead, publication=pub, action="finish_quick_analysis")
    steps.result_add(
        actor=lead, publication=pub, indicator=f.indicator("x"), colour="red", source="Test"
    )
    with pytest.raises(ValidationError, match="quick analysis"):
        services.publication_transition(actor=lead, publication=pub, action="finish_quick_analysis")
    assert _state(pub)[0] == S.RECEIVED


def test_a_step_cannot_be_dated_in_the_future_nor_decided_by_an_outsider(
    tree: Any, staff: Any
) -> None:
    lead = staff.quality_lead
    pub = f.publication(tree.aov, lead)
    steps.data_check_add(
        actor=lead,
        publication=pub,
        area="A",
        collection_clear="yes",
        all_units_included="yes",
        shared_understanding="yes",
    )
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    with pytest.raises(ValidationError, match="future"):
        services.publication_transition(actor=lead, publication=pub, action="receive", on=tomorrow)
    with pytest.raises(ValidationError, match="must work in"):
        services.publication_transition(
            actor=lead, publication=pub, action="receive", decided_by=staff.kalmar_admin
        )
    assert _state(pub)[0] == S.DATA_CHECK


def test_a_part_changes_only_at_its_step(tree: Any, staff: Any) -> None:
    lead = staff.quality_lead
    pub = f.publication(tree.aov, lead, to="prioritised")
    before = _state(pub)
    with pytest.raises(ValidationError, match="can only be changed"):
        steps.data_check_add(
            actor=lead,
            publication=pub,
            area="B",
            collection_clear="yes",
            all_units_included="yes",
            shared_understanding="yes",
        )
    row = f._matrix(pub)[0]
    with pytest.raises(ValidationError, match="matrix"):
        steps.matrix_save(actor=lead, publication=pub, rows={row.pk: {"priority": 3}})
    assert _state(pub) == before


def test_a_stale_write_is_refused_and_changes_nothing(tree: Any, staff: Any) -> None:
    lead = staff.quality_lead
    pub = f.publication(tree.aov, lead, to="quick_analysis")
    seen = pub.version
    row = f._matrix(pub)[0]
    steps.matrix_save(
        actor=lead, publication=pub, rows={row.pk: {"priority": 2}}, expected_version=seen
    )
    with pytest.raises(VersionConflict):
        steps.matrix_save(
            actor=lead, publication=pub, rows={row.pk: {"priority": 3}}, expected_version=seen
        )
    row.refresh_from_db()
    assert row.priority == 2
    with pytest.raises(VersionConflict):
        services.publication_update(
            actor=lead, publication=pub, a3_causes="x", expected_version=seen
        )


def test_only_quality_handlers_of_the_unit_may_write(tree: Any, staff: Any) -> None:
    pub = f.publication(tree.aov, staff.quality_lead)
    with pytest.raises(Http404):
        services.publication_update(actor=staff.case_worker, publication=pub, a3_causes="x")
    with pytest.raises(Http404):
        services.publication_create(
            actor=staff.kalmar_admin, unit=tree.aov, title="T", year=2026, area="A"
        )
