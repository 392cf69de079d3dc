"""The client page answers "may record in this case" and "may edit this client" from the
user's grants (issue 16: fewer queries); the answers must be those of the restricted queries."""

from __future__ import annotations

import pytest

from insyn.clients import selectors
from insyn.core.roles import PERMISSIONS, Action
from tests.clients.factories import case, client


def test_every_role_that_may_change_a_persons_data_may_also_see_it() -> None:
    """What lets the page look only at the cases it shows."""
    for role, actions in PERMISSIONS.items():
        if Action.CHANGE_INDIVIDUAL in actions:
            assert Action.VIEW_INDIVIDUAL in actions, role


@pytest.mark.parametrize(
    "who", ["case_worker", "other_case_worker", "unit_manager", "quality_lead"]
)
def test_the_pages_answers_are_those_of_the_restricted_queries(
    tree, staff, catalogues, who: str
) -> None:
    person = client(tree.vux_unit)
    case(person)  # in the client's own unit
    case(person, tree.bof_unit)  # in a unit only some of the users see
    user = getattr(staff, who)
    journey = selectors.client_journey(user, person)
    cases, can_edit = selectors.journey_changes(user, journey)
    assert cases == selectors.changeable_case_ids(user, person)
    assert can_edit == selectors.client_changeable(user, person)


def test_a_case_elsewhere_lets_the_case_worker_edit_the_client(tree, staff, catalogues) -> None:
    """The client is registered in a unit the user cannot change, one case is in theirs."""
    person = client(tree.bof_unit)
    mine = case(person, tree.vux_unit)
    user = staff.case_worker
    journey = selectors.client_journey(user, person)
    assert selectors.journey_changes(user, journey) == ({mine.pk}, True)
    assert selectors.client_changeable(user, person)


def test_a_reader_without_the_right_to_change_gets_nothing(tree, staff, catalogues) -> None:
    person = client(tree.vux_unit)
    case(person)
    reader = staff.quality_lead
    journey = selectors.client_journey(reader, person)
    assert journey.cases  # the quality lead sees the case ...
    assert selectors.journey_changes(reader, journey) == (set(), False)  # ... but may not change
