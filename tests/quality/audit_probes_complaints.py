"""Audit probes for the complaint routes (gathered by tests/quality/audit_probes.py)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from insyn.quality.models import Complaint
from tests.audit_probe import Probe, Visit, post
from tests.quality.complaints_factories import complaint_in, intake

S = Complaint.State


def _assigned(tree: Any, state: str = S.ASSIGNED) -> Complaint:
    # Registered on the unit itself: its whole history is in the unit's auditors' subtree
    # (entries written while a complaint sat on the municipality are the municipality's).
    return complaint_in(tree, state, unit=tree.vux_unit, on=tree.vux_unit)


def _step_page(tree: Any, staff: Any) -> Visit:
    c = _assigned(tree)
    return Visit(
        staff.unit_manager,
        reverse("quality:complaint_step", args=[c.pk, "investigate"]),
        method="POST",
        data={"investigate-version": c.version},
        status=302,
        writes=[c],
    )


def _step_page_error(tree: Any, staff: Any) -> Visit:
    """An answer without text: the page comes back (400) with the complaint on it."""
    c = _assigned(tree, S.INVESTIGATING)
    return Visit(
        staff.unit_manager,
        reverse("quality:complaint_step", args=[c.pk, "answer"]),
        method="POST",
        data={"answer-version": c.version, "answer-answer_text": ""},
        status=400,
        shows=[c],
    )


def _api_step(step: str, state: str, data: dict[str, Any]) -> Probe:
    def probe(tree: Any, staff: Any) -> Visit:
        c = _assigned(tree, state)
        return Visit(
            staff.unit_manager,
            reverse(f"complaint-{step}", args=[c.pk]),
            method="POST",
            data=data,
            json=True,
            shows=[c],
            writes=[c],
        )

    return probe


def _api_register(tree: Any, staff: Any) -> Visit:
    return Visit(
        staff.case_worker,
        reverse("complaint-list"),
        method="POST",
        json=True,
        data={
            "unit": tree.vux_unit.pk,
            "kind": "complaint",
            "channel": "phone",
            "received_on": timezone.localdate().isoformat(),
            "text": "Samtal",
        },
        status=201,
        writes=[Complaint],
    )


PROBES: dict[str, Probe] = {
    "quality:complaint_list": lambda tree, staff: Visit(
        staff.unit_manager, reverse("quality:complaint_list"), shows=[_assigned(tree)]
    ),
    "quality:complaint_detail": lambda tree, staff: (
        lambda c: Visit(
            staff.unit_manager, reverse("quality:complaint_detail", args=[c.pk]), shows=[c]
        )
    )(_assigned(tree)),
    post("quality:complaint_step"): _step_page,
    "complaint-list": lambda tree, staff: Visit(
        staff.unit_manager, reverse("complaint-list"), shows=[_assigned(tree)]
    ),
    post("complaint-list"): _api_register,
    "complaint-detail": lambda tree, staff: (
        lambda c: Visit(staff.unit_manager, reverse("complaint-detail", args=[c.pk]), shows=[c])
    )(_assigned(tree)),
    post("complaint-assign"): lambda tree, staff: (
        lambda c: Visit(
            intake(tree),
            reverse("complaint-assign", args=[c.pk]),
            method="POST",
            json=True,
            data={"unit": tree.vux_unit.pk},
            shows=[c],
            writes=[c],
        )
    )(complaint_in(tree, on=tree.aov)),
    post("complaint-investigate"): _api_step("investigate", S.ASSIGNED, {}),
    post("complaint-answer"): _api_step("answer", S.INVESTIGATING, {"answer_text": "Svar"}),
    post("complaint-close"): _api_step("close", S.ANSWERED, {}),
}

EXTRA_PROBES: dict[str, Probe] = {
    "complaint step re-rendered with an error": _step_page_error,
}
