"""The demo non-executed decisions: the promised mix, through the services, safe twice."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone

from insyn.clients.models import Decision
from insyn.quality.models import NonExecutedDecision, NonExecutedReportRecord
from insyn.quality.selectors import non_executed as sel


@pytest.mark.usefixtures("catalogues")
def test_demo_loads_once(db) -> None:
    from insyn.organisations import demo as org_demo
    from insyn.quality import demo_non_executed

    org_demo.load(io.StringIO())
    demo_non_executed.load(io.StringIO())
    today = timezone.localdate()
    decisions = Decision.objects.filter(case__case_ref__startswith="EVB-DEMO-")
    assert decisions.count() == 7
    found = sel.episodes(sel.reportable_decisions(decisions), today)
    kinds = {e.kind for e in found if e.is_reportable}
    assert kinds == {"not_executed", "interrupted", "partly"}
    assert len(sel.approaching(list(sel.reportable_decisions(decisions)), today)) == 2
    assert NonExecutedDecision.objects.exclude(reason_for_delay="").count() >= 4
    assert NonExecutedReportRecord.objects.count() == 1
    out = io.StringIO()
    demo_non_executed.load(out)
    assert "already loaded" in out.getvalue()
    assert Decision.objects.filter(case__case_ref__startswith="EVB-DEMO-").count() == 7
