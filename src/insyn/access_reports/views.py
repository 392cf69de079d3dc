"""The access report pages: a form, and the download it posts to (thin: the service decides).

Split as the frame export is: the form shows no one (`personal_data = False`); the download
answers with the person's data, which the service logs as an export."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from insyn.access_reports.forms import AccessReportForm
from insyn.access_reports.selectors import report_municipalities
from insyn.access_reports.services import access_report_produce
from insyn.core.audit import nothing_personal_shown
from insyn.core.roles import Action
from insyn.core.viewmixins import InsynView

TEMPLATE = "access_reports/produce.html"


def _form(request: HttpRequest, data: Any = None) -> AccessReportForm:
    return AccessReportForm(data, municipalities=report_municipalities(request.user))


class AccessReportView(InsynView):
    personal_data = False
    required_action = Action.ACCESS_REPORT

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, TEMPLATE, {"form": _form(request)})


class AccessReportDownloadView(InsynView):
    """A number with a bad check digit gets the form back with the message (400): nothing is
    read, nothing logged, and the number is not written back into the page."""

    personal_data = True
    required_action = Action.ACCESS_REPORT

    def post(self, request: HttpRequest) -> HttpResponse:
        form = _form(request, request.POST)
        if form.is_valid():
            try:
                produced = access_report_produce(
                    actor=request.user,
                    municipality=form.cleaned_data["municipality"],
                    personnummer=form.cleaned_data["personnummer"],
                    fmt=form.cleaned_data["format"],
                )
            except ValidationError as exc:
                form.add_error("personnummer", exc)
            else:
                response = HttpResponse(produced.content, content_type=produced.content_type)
                response["Content-Disposition"] = f'attachment; filename="{produced.filename}"'
                response["Cache-Control"] = "no-store"
                return response
        nothing_personal_shown()  # the form again with its errors: no one's data
        return render(request, TEMPLATE, {"form": form}, status=400)
