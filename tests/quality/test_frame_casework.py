"""Casework in the analysis frame: waiting time from decision to execution, the latest
investigation before the intervention (handling days, over four months), and whether the
decision was appealed, as background variables at the programme's first stage. Expected values
are written out by hand from the dates below."""

from __future__ import annotations

import datetime as dt

import pytest

from insyn.analytics.frames import store
from insyn.analytics.specs import load_spec
from insyn.clients.models import Appeal, Decision, Investigation
from insyn.clients.services.appeals import appeal_record
from tests.analytics.test_frames import read
from tests.followup.factories import enrolled

pytestmark = pytest.mark.usefixtures("catalogues")


def _dated(tree, staff, *, started_days_ago: int):
    enrollment = enrolled(tree, staff, started_days_ago=started_days_ago)
    return enrollment, enrollment.intervention


def test_casework_facts_in_the_frame(tree, staff):
    today = dt.date.today()
    a, ia = _dated(tree, staff, started_days_ago=30)
    b, ib = _dated(tree, staff, started_days_ago=30)
    c, _ic = _dated(tree, staff, started_days_ago=30)
    # a: decided 35 days ago, executed 28 days ago -> 7 days' wait; two investigations before
    # the start, the later one over four months (2025-01-31 -> 2025-06-02 > 2025-05-31) ...
    Decision.objects.filter(pk=ia.decision_id).update(executed_on=today - dt.timedelta(days=28))
    Investigation.objects.create(
        case=ia.case, started_on=dt.date(2024, 1, 10), completed_on=dt.date(2024, 2, 9)
    )
    Investigation.objects.create(
        case=ia.case, started_on=dt.date(2025, 1, 31), completed_on=dt.date(2025, 6, 2)
    )
    # ... and one completed after the intervention began, which does not count
    Investigation.objects.create(
        case=ia.case, started_on=today - dt.timedelta(days=20), completed_on=today
    )
    Appeal.objects.create(decision=ia.decision, appealed_on=today - dt.timedelta(days=30))
    # b: executed the day of the decision; one investigation on the four-month limit exactly
    Decision.objects.filter(pk=ib.decision_id).update(executed_on=ib.decision.decided_on)
    Investigation.objects.create(
        case=ib.case, started_on=dt.date(2025, 10, 31), completed_on=dt.date(2026, 2, 28)
    )
    # c: not executed, no investigation, not appealed
    spec = load_spec(a.programme.key)
    stage = spec.stages[0].key
    assert spec.variable("days_to_execution").source == "casework"
    frame = read(store.frame(spec))
    col = {key: f"{key}__{stage}" for key in ("days_to_execution", "investigation_days")}
    col["over"] = f"investigation_over_four_months__{stage}"
    col["appealed"] = f"decision_appealed__{stage}"
    assert frame.loc[a.pk, col["days_to_execution"]] == 7
    assert (
        frame.loc[a.pk, col["investigation_days"]]
        == (dt.date(2025, 6, 2) - dt.date(2025, 1, 31)).days
    )
    assert frame.loc[a.pk, col["over"]] == 1
    assert frame.loc[a.pk, col["appealed"]] == 1
    assert frame.loc[b.pk, col["days_to_execution"]] == 0
    assert frame.loc[b.pk, col["investigation_days"]] == 120
    assert frame.loc[b.pk, col["over"]] == 0  # 28 Feb is the limit for 31 Oct: in time
    assert frame.loc[b.pk, col["appealed"]] == 0
    for key in ("days_to_execution", "investigation_days", "over"):
        value = frame.loc[c.pk, col[key]]
        assert value is None or value != value  # missing, never 0
    assert frame.loc[c.pk, col["appealed"]] == 0


def test_an_appeal_changes_the_data_version(tree, staff):
    a, ia = _dated(tree, staff, started_days_ago=10)
    spec = load_spec(a.programme.key)
    before = read(store.frame(spec)).loc[a.pk, f"decision_appealed__{spec.stages[0].key}"]
    # through the service: its change entry bumps the data version (no scan would notice)
    appeal_record(actor=staff.case_worker, decision=ia.decision, appealed_on=dt.date.today())
    spec = load_spec(a.programme.key)
    after = read(store.frame(spec)).loc[a.pk, f"decision_appealed__{spec.stages[0].key}"]
    assert (before, after) == (0, 1)
