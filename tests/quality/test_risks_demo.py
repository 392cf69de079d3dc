"""The risk demo: a register for Växjö's reception unit spread over the matrix (two risks in
one cell, three sharing the product 4 in different cells), a history, measures, a risk
analysis and recurring deviations; nothing added the second time."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from insyn.quality import demo_risks
from insyn.quality.models import ActionItem, Risk, RiskAnalysis
from insyn.quality.risk_matrix import level_of
from insyn.quality.selectors.risks import due_for_reassessment, matrix_for, recurring_deviations


def test_demo_risks(db):
    call_command("demo", "--only", "organisations", stdout=StringIO())
    out = StringIO()
    demo_risks.load(out)
    risks = Risk.objects.all()
    assert 6 <= risks.count() <= 8
    assert {r.unit.code for r in risks} == {"VUX-MOT"}
    grid = matrix_for(risks)
    assert max(c.count for row in grid.rows for c in row) >= 2  # two in one cell
    product_four = {(r.probability, r.severity) for r in risks if r.score == 4}
    assert len(product_four) >= 2
    assert len({level_of(p, s).key for p, s in product_four}) >= 2  # same product, other level
    assert any(r.assessments.count() >= 2 for r in risks)
    assert ActionItem.objects.filter(plan__risk__in=risks).count() >= 1
    analysis = RiskAnalysis.objects.get()
    assert analysis.kind == "organisation" and analysis.risks.count() >= 2
    linked = risks.get(deviation_category__isnull=False)
    recurring = recurring_deviations(linked, None, timezone.localdate())
    assert recurring is not None and recurring.total >= 3
    assert sum(1 for _q, n in recurring.quarters if n) >= 3
    assert due_for_reassessment(risks, timezone.localdate()).exists()
    again = StringIO()
    demo_risks.load(again)
    assert "already loaded" in again.getvalue()
    assert Risk.objects.count() == risks.count()
