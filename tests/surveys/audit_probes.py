"""Audit probes for the surveys app's personal-data routes (gathered by
tests/core/test_audit_completeness.py)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse


def _occasion(tree: Any) -> Any:
    from insyn.core.catalogue_loader import load_catalogues
    from tests.surveys.factories import PLACEMENT, load_templates, placement, placement_programme

    load_catalogues()
    questionnaires = load_templates(tree.nation)
    programme = placement_programme(tree.vaxjo, questionnaires[PLACEMENT])
    return placement(programme, tree.vux_unit)


def _answered(tree: Any) -> Any:
    from insyn.surveys.services.responses import response_enter

    occasion = _occasion(tree)
    response = occasion.survey_responses.get(respondent_role="child")
    response_enter(
        actor=None,
        response=response,
        draft={"barn_helhet": "4", "barn_kommentar": "Bra"},
        mode="dialog",
    )
    return response


def _invitation(tree: Any, staff: Any, channel: str = "handed") -> tuple[Any, Any]:
    from insyn.surveys.services.invitations import invitation_create

    occasion = _occasion(tree)
    response = occasion.survey_responses.get(respondent_role="guardian")
    contact = "vh@example.se" if channel == "email" else ""
    return invitation_create(
        actor=None,
        response=response,
        channel=channel,
        contact=contact,
        reminder_days=[7] if channel == "email" else None,
    )


PROBES = {
    "surveys:occasions": lambda tree, staff: (
        staff.case_worker,
        (_occasion(tree), reverse("surveys:occasions"))[1],
    ),
    "surveys:occasion": lambda tree, staff: (
        staff.case_worker,
        reverse("surveys:occasion", args=[_occasion(tree).pk]),
    ),
    "surveys:response": lambda tree, staff: (
        staff.case_worker,
        reverse("surveys:response", args=[_answered(tree).pk]),
    ),
    "surveys:response_enter": lambda tree, staff: (
        staff.case_worker,
        reverse(
            "surveys:response_enter",
            args=[_occasion(tree).survey_responses.get(respondent_role="guardian").pk],
        ),
    ),
    "surveys:message": lambda tree, staff: (
        staff.case_worker,
        reverse(
            "surveys:message",
            args=[_invitation(tree, staff, "email")[0].messages.get(kind="reminder").pk],
        ),
    ),
    "surveys:free_text": lambda tree, staff: (
        staff.case_worker,
        (_answered(tree), reverse("surveys:free_text", args=["placering-barn-unga"]))[1],
    ),
    "surveys:answer": lambda tree, staff: (
        staff.case_worker,
        reverse("surveys:answer", args=[_invitation(tree, staff)[1]]),
    ),
    "surveyresponse-list": lambda tree, staff: (
        staff.case_worker,
        (_answered(tree), reverse("surveyresponse-list"))[1],
    ),
    "surveyresponse-detail": lambda tree, staff: (
        staff.case_worker,
        reverse("surveyresponse-detail", args=[_answered(tree).pk]),
    ),
    "surveyinvitation-list": lambda tree, staff: (
        staff.case_worker,
        (_invitation(tree, staff), reverse("surveyinvitation-list"))[1],
    ),
    "surveyinvitation-detail": lambda tree, staff: (
        staff.case_worker,
        reverse("surveyinvitation-detail", args=[_invitation(tree, staff)[0].pk]),
    ),
    # POST-only actions of the same viewsets: their reads are the detail routes above.
    "surveyresponse-non-response": lambda tree, staff: (
        staff.case_worker,
        reverse("surveyresponse-detail", args=[_answered(tree).pk]),
    ),
    "surveyinvitation-revoke": lambda tree, staff: (
        staff.case_worker,
        reverse("surveyinvitation-detail", args=[_invitation(tree, staff)[0].pk]),
    ),
}
