"""The public complaint and suggestion page of a municipality: no login, Swedish or English.

It takes personal data in (the text, optional contact details) but shows none back: after a
submission the browser is redirected (PRG) to a receipt page that shows only the receipt
number, carried in a signed, short-lived token (not a guessable address, and nothing from the
database is read). The page never says whether an e-mail address is known. An unknown or
closed municipality answers the very same 404 page as any missing page.
"""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views import View

from insyn.core.forms import add_service_errors
from insyn.quality import complaints_throttle as throttle
from insyn.quality.forms.complaints import PublicComplaintForm
from insyn.quality.services import complaints as services

logger = logging.getLogger(__name__)
RECEIPT_SALT = "insyn.quality.complaint-receipt"
RECEIPT_MAX_AGE = 60 * 60  # seconds a receipt link works


def _language(request: HttpRequest) -> str:
    """?lang= switches (and is remembered in a cookie); else the cookie; else Swedish."""
    languages = dict(settings.LANGUAGES)
    chosen = request.GET.get("lang", "")
    if chosen in languages:
        return chosen
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return cookie if cookie in languages else settings.LANGUAGE_CODE


class PublicComplaintBase(View):
    # Takes personal data in, shows none back (the receipt shows only its own number).
    personal_data: ClassVar[bool] = False

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        lang = _language(request)
        municipality = services.public_municipality(kwargs.get("code", ""))
        if municipality is None:
            raise Http404
        with translation.override(lang):
            self.municipality = municipality
            response = super().dispatch(request, *args, **kwargs)
        if request.GET.get("lang") == lang:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, lang, samesite="Lax", max_age=365 * 24 * 3600
            )
        return response

    def page(
        self,
        request: HttpRequest,
        template: str,
        status: int = 200,
        keep: dict[str, str] | None = None,
        **context: Any,
    ) -> Any:
        lang = translation.get_language()
        # The language switch keeps what the page needs (a valid receipt token), nothing else.
        query = QueryDict(mutable=True)
        query.update(keep or {})
        query["lang"] = "sv" if lang == "en" else "en"
        return render(
            request,
            template,
            {
                "municipality": self.municipality,
                "lang": lang,
                "switch_query": query.urlencode(),
                **context,
            },
            status=status,
        )


class ComplaintFormView(PublicComplaintBase):
    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        return self.page(request, "quality/complaints/public/form.html", form=PublicComplaintForm())

    def post(self, request: HttpRequest, code: str) -> HttpResponse:
        if throttle.throttled(request, code):
            return self.page(request, "quality/complaints/public/throttled.html", status=429)
        throttle.count_submission(request, code)
        form = PublicComplaintForm(request.POST)
        if form.is_robot():  # looks like success to the robot; nothing is stored
            return self._to_receipt(code, "")
        if form.is_valid():
            data = form.cleaned_data
            try:
                complaint = services.complaint_submit_public(
                    municipality_code=code,
                    kind=data["kind"],
                    text=data["text"],
                    theme=data["theme"],
                    submitter=data["submitter"],
                    anonymous=data["anonymous"],
                    contact_name=data["contact_name"],
                    contact_email=data["contact_email"],
                    contact_phone=data["contact_phone"],
                    wants_answer=data["wants_answer"],
                    language=translation.get_language() or "sv",
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                try:
                    services.complaint_send_receipt(complaint)
                except Exception:  # the complaint is stored: the sender still gets the receipt page
                    logger.exception("complaint receipt mail failed for %s", complaint.pk)
                return self._to_receipt(code, complaint.receipt_number)
        else:
            # Also the service's messages (a missing text), so every problem shows at once.
            d = form.cleaned_data
            found = services.intake_errors(
                kind=d.get("kind") or "complaint",
                text=d.get("text", ""),
                anonymous=d.get("anonymous", False),
                name=d.get("contact_name", ""),
                email=d.get("contact_email", ""),
                phone=d.get("contact_phone", ""),
                wants_answer=d.get("wants_answer", False),
            )
            for name, messages in found.items():
                if name in form.fields and not form.has_error(name):
                    form.add_error(name, messages)
        return self.page(request, "quality/complaints/public/form.html", status=400, form=form)

    def _to_receipt(self, code: str, number: str) -> HttpResponse:
        token = signing.dumps({"n": number}, salt=RECEIPT_SALT)
        url = reverse("quality_public:complaint_receipt", args=[code])
        return redirect(f"{url}?t={token}")


class ComplaintReceiptView(PublicComplaintBase):
    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        try:
            data = signing.loads(
                request.GET.get("t", ""), salt=RECEIPT_SALT, max_age=RECEIPT_MAX_AGE
            )
        except signing.BadSignature:
            data = None
        if not isinstance(data, dict):
            return self.page(request, "quality/complaints/public/receipt.html", number="")
        return self.page(
            request,
            "quality/complaints/public/receipt.html",
            number=str(data.get("n", "")),
            keep={"t": request.GET.get("t", "")},
            days=services.quality_settings(self.municipality).complaint_answer_days,
        )
