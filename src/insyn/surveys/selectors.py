"""Every read of the surveys app, already restricted to what the user may see."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from insyn.core.roles import Action
from insyn.core.scoping import granted_paths
from insyn.followup.models import Occasion
from insyn.organisations.models import OrgUnit
from insyn.surveys.models import (
    Answer,
    Invitation,
    InvitationToken,
    Question,
    Questionnaire,
    Response,
    SurveyRound,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from insyn.accounts.models import User

    Actor = User | AnonymousUser


def questionnaires(user: Actor) -> QuerySet[Questionnaire]:
    return Questionnaire.objects.restrict(user, Action.VIEW_ORG).select_related("owner")


def questionnaire_keys(user: Actor) -> list[tuple[str, str]]:
    """(key, name) of each questionnaire key the user can see, newest version's name."""
    seen: dict[str, str] = {}
    for q in questionnaires(user).order_by("key", "-version"):
        seen.setdefault(q.key, q.label)
    return sorted(seen.items(), key=lambda kv: kv[1])


def results_responses(user: Actor) -> QuerySet[Response]:
    """Responses whose group results the user may see (suppressed aggregates only)."""
    return Response.objects.restrict(user, Action.VIEW_AGGREGATE)


def individual_responses(
    user: Actor, action: Action = Action.VIEW_INDIVIDUAL
) -> QuerySet[Response]:
    return Response.objects.restrict(user, action).select_related(
        "questionnaire", "occasion__enrollment__client", "provider", "unit"
    )


def survey_occasions(user: Actor) -> QuerySet[Occasion]:
    """Occasions whose stage asks questionnaires, in the user's individual scope."""
    return (
        Occasion.objects.restrict(user, Action.VIEW_INDIVIDUAL)
        .filter(stage__questionnaires__isnull=False)
        .select_related("stage", "enrollment__client", "enrollment__programme", "enrollment__unit")
        .distinct()
        .order_by("due_on", "id")
    )


def rounds(user: Actor, action: Action = Action.VIEW_AGGREGATE) -> QuerySet[SurveyRound]:
    return SurveyRound.objects.restrict(user, action).select_related("questionnaire", "unit")


def units_for(user: Actor, action: Action) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.restrict(user, action).filter(active=True)


def design_owner(user: Actor) -> OrgUnit | None:
    """The highest unit where the user designs questionnaires (owner of what they import)."""
    paths = granted_paths(user, Action.DESIGN)
    if not paths:
        return None
    return OrgUnit.objects.filter(path=min(paths, key=len)).first()


def free_text_answers(user: Actor, key: str) -> QuerySet[Answer]:
    """Free-text answers for roles with individual access only; never part of pooled views."""
    return (
        Answer.objects.filter(
            response__in=Response.objects.restrict(user, Action.VIEW_INDIVIDUAL),
            response__questionnaire__key=key,
            question__type=Question.Type.TEXT,
        )
        .exclude(text="")
        .select_related("question", "response")
        .order_by("-response__submitted_on", "-id")
    )


def handed_out_links(user: Actor, tokens: list[str]) -> list[tuple[str, Invitation]]:
    """The open, handed-over invitations behind these link tokens that the user may change,
    in the order given; any other token (unknown, used, revoked, expired, sent by e-mail or
    text, outside the user's units) is left out, so it cannot be told from a missing one."""
    hashes = {hashlib.sha256(t.encode()).hexdigest(): t for t in tokens if t and len(t) <= 100}
    allowed = Invitation.objects.restrict(user, Action.CHANGE_INDIVIDUAL).filter(
        channel=Invitation.Channel.HANDED, used_at__isnull=True, revoked_at__isnull=True
    )
    rows = InvitationToken.objects.filter(
        token_hash__in=hashes, invitation__in=allowed.filter(expires_at__gt=timezone.now())
    ).select_related("invitation__questionnaire")
    found = {hashes[row.token_hash]: row.invitation for row in rows}
    return [(t, found[t]) for t in dict.fromkeys(tokens) if t in found]
