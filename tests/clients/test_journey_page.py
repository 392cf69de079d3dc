"""The client page and the intervention's follow-up page as a case worker reads them: stages in
the programme's order (an ongoing intervention's "after" has no date yet, and must not jump
ahead of "before"), and the goals on the timeline (issue 14, item 6)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from insyn.followup import services
from insyn.followup.models import Goal
from tests.followup.factories import enrolled


@pytest.fixture
def enrollment(tree, staff, catalogues):
    return enrolled(tree, staff, started_days_ago=10)  # ongoing: "after" is not dated yet


def _order(html: str, names: tuple[str, ...]) -> list[str]:
    return list(re.findall(r">(" + "|".join(names) + r")</a>", html))


def test_the_client_page_lists_before_ahead_of_after(enrollment, staff, login):
    client = login(staff.case_worker)
    html = client.get(reverse("clients:client_detail", args=[enrollment.client_id])).content
    shown = _order(html.decode(), ("Före", "Efter"))
    # The timeline and the follow-up table each show both stages, "Före" first.
    assert shown == ["Före", "Efter", "Före", "Efter"], shown


def test_the_intervention_page_lists_before_ahead_of_after(enrollment, staff, login):
    client = login(staff.case_worker)
    url = reverse("followup:intervention", args=[enrollment.intervention_id])
    shown = _order(client.get(url).content.decode(), ("Före", "Efter"))
    assert shown == ["Före", "Efter"], shown


def test_goals_are_on_the_client_timeline(enrollment, staff, login):
    today = dt.date.today()
    goal = services.goal_set(
        actor=staff.case_worker,
        enrollment=enrollment,
        text="Minska drickandet till helger",
        set_on=today - dt.timedelta(days=9),
    )
    services.goal_assess(
        actor=staff.case_worker, goal=goal, outcome=Goal.Outcome.PARTLY, assessed_on=today
    )
    client = login(staff.case_worker)
    html = client.get(reverse("clients:client_detail", args=[enrollment.client_id])).content
    timeline = html.decode().split('class="timeline"')[1].split("</ol>")[0]
    assert "Mål satt" in timeline and "Mål bedömt" in timeline
    assert timeline.count("Minska drickandet till helger") == 2
    assert "Delvis uppnått" in timeline
