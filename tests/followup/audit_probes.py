"""Every followup page that shows an individual's data, called by the audit completeness test."""

from __future__ import annotations

from django.urls import reverse

from tests.followup.factories import enrolled


def _occasion(tree, staff, stage: str = "before"):
    return enrolled(tree, staff).occasions.get(stage__key=stage)


def _goal(tree, staff):
    from insyn.followup import services

    return services.goal_set(actor=None, enrollment=enrolled(tree, staff), text="Mindre alkohol")


def _api(name: str, obj=None):
    def probe(tree, staff):
        args = [obj(tree, staff).pk] if obj else []
        return staff.case_worker, reverse(name, args=args)

    return probe


PROBES = {
    "enrollment-list": _api("enrollment-list"),
    "enrollment-detail": _api("enrollment-detail", enrolled),
    "occasion-list": _api("occasion-list"),
    "occasion-detail": _api("occasion-detail", _occasion),
    "goal-list": _api("goal-list"),
    "goal-detail": _api("goal-detail", _goal),
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
