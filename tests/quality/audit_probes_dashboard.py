"""The dashboard's personal-data routes, for the audit completeness test: the page and the API
list open complaints and lex Sarah reports by reference, and must name each in an access entry."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from insyn.core.catalogue_loader import load_catalogues
from tests.audit_probe import Probe, Visit
from tests.quality import factories as f


def _dashboard_rows(tree: Any, staff: Any) -> list[Any]:
    load_catalogues()
    report = f.lex_sarah(tree.bof_unit, staff.case_worker, reported_at=timezone.now())
    complaint = f.complaint(tree.vux_unit, received_on=timezone.localdate())
    return [report, complaint]


PROBES: dict[str, Probe] = {
    "quality:dashboard": lambda tree, staff: Visit(
        staff.quality_lead, reverse("quality:dashboard"), shows=_dashboard_rows(tree, staff)
    ),
    "quality-dashboard": lambda tree, staff: Visit(
        staff.quality_lead, reverse("quality-dashboard"), shows=_dashboard_rows(tree, staff)
    ),
}
