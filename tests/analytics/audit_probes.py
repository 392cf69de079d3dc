"""Personal-data routes of the analytics app (the analysis-ready export), for the audit
completeness test: each must record an export entry."""

from __future__ import annotations

from django.urls import reverse

from insyn.followup.models import Enrollment
from tests.analytics.factories import make_programme, populate
from tests.audit_probe import Visit


def _programme(tree) -> str:
    design = make_programme(tree, key="probe")
    populate(tree, design, n=12, seed=1, units=[tree.vux_unit])
    return design.key


PROBES = {
    "analytics:frame_download": lambda tree, staff: Visit(
        staff.quality_lead,
        reverse("analytics:frame_download") + f"?programme={_programme(tree)}&format=csv",
        model=Enrollment,
    ),
    "analysis-frame-export": lambda tree, staff: Visit(
        staff.unit_manager,
        reverse("analysis-frame-export") + f"?programme={_programme(tree)}&file_format=parquet",
        model=Enrollment,
    ),
}
