"""Every followup route that shows or writes an individual's data, called by the audit
completeness test: each Visit names the objects its entries must name."""

from __future__ import annotations

from django.urls import reverse

from insyn.followup.models import Enrollment, Goal
from tests.audit_probe import Visit, post
from tests.followup.factories import enrolled


def _occasion(tree, staff, stage: str = "before"):
    return enrolled(tree, staff).occasions.get(stage__key=stage)


def _goal(tree, staff):
    from insyn.followup import services

    return services.goal_set(actor=None, enrollment=enrolled(tree, staff), text="Mindre alkohol")


def _api(name: str, obj, detail: bool):
    def probe(tree, staff):
        shown = obj(tree, staff)
        args = [shown.pk] if detail else []
        return Visit(staff.case_worker, reverse(name, args=args), shows=[shown])

    return probe


def _page(name: str, user: str = "case_worker", **visit):
    """GET (or, with `visit`, POST) the page of the occasion before."""

    def probe(tree, staff):
        occasion = _occasion(tree, staff)
        return Visit(
            getattr(staff, user),
            reverse(name, args=[occasion.pk]),
            shows=[occasion],
            **visit,
        )

    return probe


def _intervention(tree, staff, **visit):
    enrollment = enrolled(tree, staff)
    intervention = enrollment.intervention
    url = reverse("followup:intervention", args=[intervention.pk])
    return Visit(staff.case_worker, url, shows=[intervention], **visit)


def _enrollment(tree, staff, **visit):
    enrollment = enrolled(tree, staff)
    url = reverse("followup:enrollment", args=[enrollment.pk])
    return Visit(staff.case_worker, url, shows=[enrollment], **visit)


def _enrollment_take(tree, staff):
    """The unit manager takes the follow-up over: a change entry names the enrolment."""
    enrollment = enrolled(tree, staff)
    url = reverse("followup:enrollment", args=[enrollment.pk])
    return Visit(
        staff.unit_manager,
        url,
        method="POST",
        data={"op": "take"},
        status=302,
        shows=[enrollment],
        writes=[enrollment],
    )


def _api_enrol(tree, staff):
    from tests.followup.factories import programme

    enrollment = enrolled(tree, staff)
    second = programme(tree.vaxjo, key="andra")
    body = {"programme": second.pk, "intervention": enrollment.intervention_id}
    return Visit(
        staff.case_worker,
        reverse("enrollment-list"),
        method="POST",
        data=body,
        json=True,
        status=201,
        writes=[Enrollment],
    )


def _api_goal(tree, staff):
    enrollment = enrolled(tree, staff)
    return Visit(
        staff.case_worker,
        reverse("goal-list"),
        method="POST",
        data={"enrollment": enrollment.pk, "text": "Sova bättre"},
        json=True,
        status=201,
        writes=[Goal],
    )


PROBES = {
    "enrollment-list": _api("enrollment-list", enrolled, False),
    post("enrollment-list"): _api_enrol,
    "enrollment-detail": _api("enrollment-detail", enrolled, True),
    "occasion-list": _api("occasion-list", _occasion, False),
    "occasion-detail": _api("occasion-detail", _occasion, True),
    "goal-list": _api("goal-list", _goal, False),
    post("goal-list"): _api_goal,
    "goal-detail": _api("goal-detail", _goal, True),
    "followup:worklist": lambda tree, staff: Visit(
        staff.case_worker,
        reverse("followup:worklist"),
        shows=[_occasion(tree, staff)],
    ),
    "followup:intervention": _intervention,
    post("followup:intervention"): lambda tree, staff: _intervention(
        tree, staff, method="POST", data={}, status=400
    ),
    "followup:enrollment": _enrollment,
    post("followup:enrollment"): _enrollment_take,
    "followup:occasion": _page("followup:occasion", "quality_lead"),
    # Reopening an occasion that is open is refused: the message still names the occasion.
    post("followup:occasion"): _page(
        "followup:occasion", method="POST", data={"op": "reopen"}, status=302
    ),
    "followup:occasion_record": _page("followup:occasion_record"),
    post("followup:occasion_record"): _page(
        "followup:occasion_record", method="POST", data={"done_on": "not a date"}, status=400
    ),
}
