"""The demo deviations: a year of them in Växjö, through the services, safe to load twice."""

from __future__ import annotations

import io

import pytest

from insyn.quality.models import Deviation


@pytest.mark.usefixtures("catalogues")
def test_demo_deviations_load_once(db):
    from insyn.organisations import demo as org_demo
    from insyn.quality import demo_deviations

    org_demo.load(io.StringIO())
    demo_deviations.load(io.StringIO())
    deviations = Deviation.objects.all()
    assert deviations.count() == demo_deviations.COUNT
    assert set(deviations.values_list("state", flat=True)) == set(Deviation.State.values)
    assert deviations.filter(personal_data_incident=True).count() == 1
    span = deviations.order_by("occurred_on")
    assert (span.last().occurred_on - span.first().occurred_on).days > 300
    closed = deviations.filter(state="closed")
    assert all(d.closed_at >= d.received_at >= d.reported_at for d in closed)
    out = io.StringIO()
    demo_deviations.load(out)
    assert "already loaded" in out.getvalue()
    assert Deviation.objects.count() == demo_deviations.COUNT
