"""Handed-over questionnaire links on paper or on a screen: the link, its QR code and what to
do, one sheet per link.

Only the hash of a link is stored, so nothing can show a link again later: the page that
has just issued it (the occasion page, a round) posts the token here. GET has nothing to
show. The QR code is drawn here as SVG (segno), so no link leaves the server.
"""

from __future__ import annotations

import segno
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from insyn.core.audit import record_access
from insyn.core.roles import Action
from insyn.core.viewmixins import InsynView
from insyn.surveys import selectors
from insyn.surveys.services.invitations import link_for

# A round hands out at most this many links at once on paper (each is a page).
MAX_SHEETS = 500


def qr_data_uri(text: str) -> str:
    """A QR code for `text` as an SVG data URI (the CSP allows data: images)."""
    return segno.make(text, error="m").svg_data_uri(scale=4, border=4, dark="#000", light="#fff")


class HandoutView(InsynView):
    """Printable sheets for links the user has just issued and may change."""

    personal_data = True
    required_action = Action.CHANGE_INDIVIDUAL
    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        tokens = request.POST.getlist("token")[:MAX_SHEETS]
        found = selectors.handed_out_links(request.user, tokens)
        if not found:
            raise Http404
        record_access(
            actor=request.user,
            action="print_link",
            objects=[invitation for _token, invitation in found],
        )
        sheets = []
        for token, invitation in found:
            url = link_for(token)
            sheets.append(
                {
                    "url": url,
                    "qr": qr_data_uri(url),
                    "questionnaire": invitation.questionnaire.label,
                    "expires_at": invitation.expires_at,
                    "language": invitation.language,
                }
            )
        return render(request, "surveys/handout.html", {"sheets": sheets})
