"""Audit probes for the surveys app's personal-data routes (gathered by
tests/core/test_audit_completeness.py)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tests.audit_probe import Visit, post


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


def _guardian(tree: Any) -> Any:
    return _occasion(tree).survey_responses.get(respondent_role="guardian")


def _occasion_revoke(tree: Any, staff: Any) -> Visit:
    invitation = _invitation(tree, staff)[0]
    occasion = invitation.response.occasion
    return Visit(
        staff.case_worker,
        reverse("surveys:occasion", args=[occasion.pk]),
        method="POST",
        data={"op": "revoke", "invitation": invitation.pk},
        status=302,
        writes=[invitation],
    )


def _message(tree: Any, staff: Any, **visit: Any) -> Visit:
    invitation = _invitation(tree, staff, "email")[0]
    message = invitation.messages.get(kind="reminder")
    url = reverse("surveys:message", args=[message.pk])
    return Visit(staff.case_worker, url, shows=[invitation], **visit)


def _answer(tree: Any, staff: Any, **visit: Any) -> Visit:
    invitation, token = _invitation(tree, staff)
    return Visit(
        staff.case_worker, reverse("surveys:answer", args=[token]), shows=[invitation], **visit
    )


def _answer_save(tree: Any, staff: Any) -> Visit:
    invitation, token = _invitation(tree, staff)
    return Visit(
        staff.case_worker,
        reverse("surveys:answer", args=[token]),
        method="POST",
        data={"action": "save"},
        shows=[invitation],
        writes=[invitation],
    )


def _api_invite(tree: Any, staff: Any) -> Visit:
    from insyn.surveys.models import Invitation

    return Visit(
        staff.case_worker,
        reverse("surveyinvitation-list"),
        method="POST",
        data={"response": _guardian(tree).pk, "channel": "handed"},
        json=True,
        status=201,
        writes=[Invitation],
    )


def _api_non_response(tree: Any, staff: Any) -> Visit:
    response = _guardian(tree)
    return Visit(
        staff.case_worker,
        reverse("surveyresponse-non-response", args=[response.pk]),
        method="POST",
        data={"reason": "declined"},
        json=True,
        writes=[response],
    )


def _api_revoke(tree: Any, staff: Any) -> Visit:
    invitation = _invitation(tree, staff)[0]
    return Visit(
        staff.case_worker,
        reverse("surveyinvitation-revoke", args=[invitation.pk]),
        method="POST",
        json=True,
        data={},
        writes=[invitation],
    )


def _shows(name: str, build: Any, arg: Any = None) -> Any:
    """GET `name` (with the pk of `arg(shown)` if given), naming `shown` = build(tree, staff)."""

    def probe(tree: Any, staff: Any) -> Visit:
        shown = build(tree, staff)
        args = [arg(shown)] if arg else []
        return Visit(staff.case_worker, reverse(name, args=args), shows=[shown])

    return probe


def _handout(tree: Any, staff: Any) -> Visit:
    invitation, token = _invitation(tree, staff)
    return Visit(
        staff.case_worker,
        reverse("surveys:handout"),
        method="POST",
        data={"token": token},
        shows=[invitation],
    )


PROBES = {
    post("surveys:handout"): _handout,
    "surveys:occasions": _shows("surveys:occasions", lambda t, s: _occasion(t)),
    "surveys:occasion": _shows("surveys:occasion", lambda t, s: _occasion(t), lambda o: o.pk),
    post("surveys:occasion"): _occasion_revoke,
    "surveys:response": _shows("surveys:response", lambda t, s: _answered(t), lambda r: r.pk),
    "surveys:response_enter": _shows(
        "surveys:response_enter", lambda t, s: _guardian(t), lambda r: r.pk
    ),
    # A dialog interview sent without its mode: the form comes back (400) with the answers.
    post("surveys:response_enter"): lambda tree, staff: (
        lambda r: Visit(
            staff.case_worker,
            reverse("surveys:response_enter", args=[r.pk]),
            method="POST",
            data={},
            status=400,
            shows=[r],
        )
    )(_guardian(tree)),
    "surveys:message": _message,
    post("surveys:message"): lambda tree, staff: _message(
        tree, staff, method="POST", data={"subject": "x"}, status=400
    ),
    "surveys:free_text": lambda tree, staff: (
        lambda r: Visit(
            staff.case_worker,
            reverse("surveys:free_text", args=["placering-barn-unga"]),
            shows=[r],
        )
    )(_answered(tree)),
    "surveys:answer": _answer,
    post("surveys:answer"): _answer_save,
    "surveyresponse-list": _shows("surveyresponse-list", lambda t, s: _answered(t)),
    "surveyresponse-detail": _shows(
        "surveyresponse-detail", lambda t, s: _answered(t), lambda r: r.pk
    ),
    post("surveyresponse-non-response"): _api_non_response,
    "surveyinvitation-list": _shows("surveyinvitation-list", lambda t, s: _invitation(t, s)[0]),
    post("surveyinvitation-list"): _api_invite,
    "surveyinvitation-detail": _shows(
        "surveyinvitation-detail", lambda t, s: _invitation(t, s)[0], lambda i: i.pk
    ),
    post("surveyinvitation-revoke"): _api_revoke,
}
