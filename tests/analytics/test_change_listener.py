"""Every audited write about a client moves the data version of that client's frames, so the
next query sees the edit without anyone remembering to invalidate a cache."""

from __future__ import annotations

import datetime as dt

from insyn.analytics.cache import counters
from insyn.followup import services
from tests.followup.factories import catalogue_basics, intervention, programme


def test_recording_an_occasion_bumps_the_programme_partition(tree, staff, catalogues):
    programme(tree.vaxjo)
    i = intervention(tree.vux_unit, catalogue_basics()["opv"], started_on=dt.date.today())
    enrollment = services.intervention_changed(actor=staff.case_worker, intervention=i)[0]
    before = counters("missbruk").get(tree.vaxjo.pk, 0)
    occasion = enrollment.occasions.get(stage__key="before")
    services.occasion_record(
        actor=staff.case_worker, occasion=occasion, values={"audit": "7"}, done_on=dt.date.today()
    )
    assert counters("missbruk")[tree.vaxjo.pk] > before
    unchanged = counters("missbruk")[tree.vaxjo.pk]
    services.occasion_record(
        actor=staff.case_worker, occasion=occasion, values={"audit": "7"}, done_on=dt.date.today()
    )
    assert counters("missbruk")[tree.vaxjo.pk] == unchanged  # a no-op write changes nothing
