"""The matrix: each risk in its (probability, consequence) cell, levels by cell and not by
product, counts computed independently here; the SVG and its table alternative on the page;
the recurring deviations beside a risk."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone

from insyn.quality.models import Risk
from insyn.quality.risk_matrix import CELL_LEVELS, LEVELS, build_matrix, cells_at_or_above, level_of
from insyn.quality.selectors import risks as selectors
from tests.quality import risks_factories as f

pytestmark = pytest.mark.usefixtures("english", "catalogues")

SCORES = [(3, 2), (3, 2), (4, 1), (1, 4), (2, 2), (4, 4), (1, 1)]


@pytest.fixture(autouse=True)
def english_pages(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def test_levels_belong_to_cells_not_products():
    assert level_of(1, 4).key == "high" and level_of(4, 1).key == "medium"
    assert level_of(1, 4).key != level_of(4, 1).key  # same product 4
    assert all(CELL_LEVELS[p][s] in LEVELS for p in range(1, 5) for s in range(1, 5))
    # a worse score never lowers the level
    for p in range(1, 5):
        for s in range(1, 5):
            if p < 4:
                assert level_of(p + 1, s).rank >= level_of(p, s).rank
            if s < 4:
                assert level_of(p, s + 1).rank >= level_of(p, s).rank
    assert (1, 4) in cells_at_or_above("high") and (4, 1) not in cells_at_or_above("high")
    assert len(cells_at_or_above("low")) == 16


def test_matrix_places_each_risk_in_its_cell(tree, staff):
    for p, s in SCORES:
        f.risk(tree.vux_unit, actor=staff.unit_manager, p=p, s=s)
    expected = Counter(SCORES)
    grid = selectors.matrix_for(Risk.objects.all())
    assert grid.total == len(SCORES)
    for p in range(1, 5):
        for s in range(1, 5):
            cell = grid.cell(p, s)
            assert (cell.probability, cell.severity) == (p, s)
            assert cell.count == expected[(p, s)], (p, s)
    # same product (4), three different cells
    assert grid.cell(4, 1).count == grid.cell(1, 4).count == grid.cell(2, 2).count == 1
    assert grid.rows[0][0].probability == 4  # top row is the most probable
    assert build_matrix([]).total == 0


def test_register_page_draws_the_svg_and_table(tree, staff, login):
    for p, s in SCORES:
        f.risk(tree.vux_unit, actor=staff.unit_manager, p=p, s=s)
    page = login(staff.unit_manager).get(reverse("quality:risks")).content.decode()
    assert '<svg role="img" aria-labelledby="risk-matrix-title risk-matrix-desc"' in page
    assert '<title id="risk-matrix-title">' in page and '<desc id="risk-matrix-desc">' in page
    assert "Probability 3, consequence 2: Medium, 2." in page
    assert "Probability 1, consequence 4: High, 1." in page
    assert "Probability 4, consequence 1: Medium, 1." in page
    for level in LEVELS.values():
        assert f'fill="{level.fill}"' in page
    links = re.findall(r"probability=(\d)&amp;severity=(\d)", page)
    assert Counter((int(p), int(s)) for p, s in links) == Counter(set(SCORES))
    cell = login(staff.unit_manager).get(
        reverse("quality:risks"), {"probability": 3, "severity": 2}
    )
    assert cell.content.decode().count('href="/quality/risks/') >= 2
    assert "2 risks" in cell.content.decode()


def test_recurring_deviations_by_month_and_quarter(tree, staff, login):
    today = timezone.localdate()
    r = f.risk(tree.vux, actor=staff.unit_manager, deviation_category=None)
    assert selectors.recurring_deviations(r, staff.unit_manager, today) is None
    from insyn.quality.models import DeviationCategory

    r.deviation_category = DeviationCategory.objects.get(code="hot_vald")
    r.save()
    dates = [
        today,
        today - dt.timedelta(days=40),
        today - dt.timedelta(days=45),
        today - dt.timedelta(days=300),
    ]
    for d in dates:
        f.deviation(tree.vux_unit, staff.case_worker, "hot_vald", d)
    f.deviation(tree.vux_unit, staff.case_worker, "hot_vald", today - dt.timedelta(days=400))
    f.deviation(tree.vux_unit, staff.case_worker, "bemotande", today)  # other category
    f.deviation(tree.bof_unit, staff.case_worker, "hot_vald", today)  # other unit
    result = selectors.recurring_deviations(r, staff.unit_manager, today)
    assert result is not None
    in_window = [d for d in dates if d >= result.since]
    assert result.total == len(in_window)
    expected_months = Counter(d.replace(day=1) for d in in_window)
    assert {m: n for m, n in result.months if n} == dict(expected_months)
    assert len(result.months) == 12
    assert sum(n for _q, n in result.quarters) == result.total
    assert result.list_url.startswith(reverse("quality:deviation_list"))
    page = login(staff.unit_manager).get(reverse("quality:risk", args=[r.pk])).content.decode()
    assert f"{result.total} deviations of the category" in page
    assert "Show the deviations" in page
