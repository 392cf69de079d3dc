"""The Analys page as a quality lead reads it: stages in the programme's order in the chart,
a failed variable named as the form names it, the threshold always stated, and a question
without a variable answered with a message (issue 14, item 6)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.analytics.factories import populate


@pytest.fixture
def small(tree, design):
    return populate(tree, design, n=40, seed=11, units=[tree.vux_unit])


def test_the_chart_draws_before_ahead_of_after(small, staff, login):
    client = login(staff.quality_lead)
    query = "programme=vux&variable=days&mode=compare&before=before&after=after&by1=sex"
    svg = client.get(f"{reverse('analytics:chart')}?{query}").content.decode()
    legend = re.findall(r">(Före|Efter)<", svg)
    assert legend[:2] == ["Före", "Efter"], legend


def test_a_failed_variable_is_named_and_the_threshold_is_stated(small, staff, login):
    client = login(staff.quality_lead)
    # Boende (single choice) cannot be compared before/after: an error card, nothing else.
    response = client.get(
        f"{reverse('analytics:index')}?programme=vux&variable=housing&mode=compare"
        "&before=before&after=after&show=1"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'<h3 id="result-1">Boende</h3>', html), html
    assert 'id="result-1">housing<' not in html
    assert "Grupper med färre än 5 personer döljs" in html
    assert "färre än  personer" not in html


def test_showing_results_without_a_variable_says_so(small, staff, login):
    client = login(staff.quality_lead)
    response = client.get(f"{reverse('analytics:index')}?programme=vux&mode=stage&show=1")
    html = response.content.decode()
    assert "Välj minst en variabel." in html
    assert 'role="alert"' in html
    # Refreshing the programme's variables is not a question yet: no complaint.
    quiet = client.get(f"{reverse('analytics:index')}?programme=vux&mode=stage&choose=1")
    assert "Välj minst en variabel." not in quiet.content.decode()
