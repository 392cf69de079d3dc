"""Every followup page that shows an individual's data, called by the audit completeness test."""

from __future__ import annotations

from django.urls import reverse

from tests.followup.factories import enrolled


def _occasion(tree, staff, stage: str = "before"):
    return enrolled(tree, staff).occasions.get(stage__key=stage)


PROBES = {
    "followup:worklist": lambda tree, staff: (staff.case_worker, reverse("followup:worklist")),
    "followup:intervention": lambda tree, staff: (
        staff.case_worker,
        reverse("followup:intervention", args=[enrolled(tree, staff).intervention_id]),
    ),
    "followup:enrollment": lambda tree, staff: (
        staff.case_worker,
        reverse("followup:enrollment", args=[enrolled(tree, staff).pk]),
    ),
    "followup:occasion": lambda tree, staff: (
        staff.quality_lead,
        reverse("followup:occasion", args=[_occasion(tree, staff).pk]),
    ),
    "followup:occasion_record": lambda tree, staff: (
        staff.case_worker,
        reverse("followup:occasion_record", args=[_occasion(tree, staff).pk]),
    ),
}
