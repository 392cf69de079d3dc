"""The public answer page: no account, the link is the key. It shows the questionnaire and the
respondent's own saved answers, nothing about anyone else; after submission only a receipt.

Guessing links is pointless (256-bit tokens) and also throttled: an address (or a token prefix)
that tries many unknown links gets 429 for unknown links for a while; a valid link always opens
(see `insyn.surveys.link_throttle`).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views import View

from insyn.core.audit import record_access
from insyn.surveys.link_throttle import count_bad_token, throttled
from insyn.surveys.models import Invitation
from insyn.surveys.services import invitations as services
from insyn.surveys.services.answers import read_form
from insyn.surveys.views.fields import build_fields

RECEIPT_KEY = "surveys_receipt"


def _language(request: HttpRequest, invitation: Invitation | None) -> str | None:
    """?lang= switches and remembers; otherwise the cookie, otherwise the invitation's."""
    chosen = request.GET.get("lang", "")
    if chosen in dict(settings.LANGUAGES):
        return chosen
    if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) in dict(settings.LANGUAGES):
        return None
    return invitation.language if invitation else None


class PublicView(View):
    template_closed = "surveys/public/closed.html"

    def finish(
        self, request: HttpRequest, response: HttpResponse, lang: str | None
    ) -> HttpResponse:
        if lang and request.GET.get("lang") == lang:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, lang, samesite="Lax", max_age=365 * 24 * 3600
            )
        return response

    def closed(self, request: HttpRequest, state: str, lang: str | None) -> HttpResponse:
        status = 404 if state == "unknown" else 429 if state == "throttled" else 410
        with translation.override(lang or translation.get_language()):
            response = render(request, self.template_closed, {"state": state}, status=status)
        return self.finish(request, response, lang)


class AnswerView(PublicView):
    """GET shows the form with saved answers; POST saves progress or submits."""

    personal_data: ClassVar[bool] = True  # the respondent's own saved answers are shown

    def _load(self, request: HttpRequest, token: str) -> tuple[Invitation | None, str]:
        invitation = services.invitation_by_token(token)
        if invitation is None:
            # Only failed lookups are throttled: a valid link is never refused.
            if throttled(request, token):
                return None, "throttled"
            count_bad_token(request, token)
            return None, "unknown"
        state = invitation.state(timezone.now())
        if state == "open" and invitation.response_id and not invitation.response.is_open:  # type: ignore[union-attr]
            state = "used"
        return invitation, state

    def _render(
        self,
        request: HttpRequest,
        invitation: Invitation,
        draft: dict[str, Any],
        errors: dict[str, str],
        lang: str | None,
        saved: bool = False,
        status: int = 200,
    ) -> HttpResponse:
        # Every rendering shows the respondent's saved answers (a GET, a saved draft, a form
        # sent back with errors): an access entry each time.
        record_access(
            actor=request.user,
            action="view",
            objects=[invitation],
            detail={"respondent_page": True},
        )
        with translation.override(lang or translation.get_language()):
            questions = services.invitation_questions(invitation)
            fields = build_fields(questions, draft, errors)
            municipality = invitation.unit.municipality
            context = {
                "questionnaire": invitation.questionnaire,
                # Who asks, in the respondent's words: the municipality, never the staff
                # description of the questionnaire (who answers when, as a dialog interview …).
                "municipality": municipality.name if municipality else "",
                "any_required": any(f["required"] for f in fields),
                "fields": fields,
                "errors": [f for f in fields if f["error"]],
                "saved": saved,
                "dialog": False,
                "current_language": translation.get_language(),
                "expires_at": invitation.expires_at,
            }
            response = render(request, "surveys/public/answer.html", context, status=status)
        return self.finish(request, response, lang)

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        invitation, state = self._load(request, token)
        lang = _language(request, invitation)
        if invitation is None or state != "open":
            return self.closed(request, state, lang)
        return self._render(request, invitation, dict(invitation.draft), {}, lang)

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        invitation, state = self._load(request, token)
        lang = _language(request, invitation)
        if invitation is None or state != "open":
            return self.closed(request, state, lang)
        with translation.override(lang or translation.get_language()):
            return self._post(request, invitation, lang)

    def _post(self, request: HttpRequest, invitation: Invitation, lang: str | None) -> HttpResponse:
        questions = services.invitation_questions(invitation)
        draft = read_form(questions, request.POST)
        try:
            errors = services.invitation_save_draft(invitation=invitation, draft=draft)
            if request.POST.get("action") == "submit" and not errors:
                services.invitation_submit(invitation=invitation, draft=draft)
                request.session[RECEIPT_KEY] = {
                    "on": timezone.localdate().isoformat(),
                    "lang": translation.get_language(),
                }
                return redirect("surveys:receipt")
            if request.POST.get("action") == "submit":
                raise ValidationError(errors)
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                return self.closed(request, exc.code or "used", lang)
            errors = {k: v[0] for k, v in exc.message_dict.items()}
            return self._render(request, invitation, draft, errors, lang, status=400)
        return self._render(
            request,
            invitation,
            draft,
            errors,
            lang,
            saved=not errors,
            status=400 if errors else 200,
        )


class ReceiptView(PublicView):
    """Shown once after submission: a receipt, nothing about the answers."""

    personal_data: ClassVar[bool] = False

    def get(self, request: HttpRequest) -> HttpResponse:
        receipt = request.session.get(RECEIPT_KEY) or {}
        lang = _language(request, None) or receipt.get("lang")
        with translation.override(lang or translation.get_language()):
            response = render(
                request,
                "surveys/public/receipt.html",
                {"received_on": receipt.get("on", ""), "title": _("Thank you")},
            )
        return self.finish(request, response, lang)
