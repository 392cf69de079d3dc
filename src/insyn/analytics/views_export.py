"""The analysis-ready export on the web: a form, and the download (individual-level data:
`export_individual` only, within the user's scope, logged)."""

from __future__ import annotations

import tempfile
from typing import Any

from django import forms
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insyn.analytics import frame_export, selectors
from insyn.analytics.export_audit import record_frame_export
from insyn.analytics.forms import set_choices
from insyn.analytics.scope import Scope
from insyn.analytics.specs import SpecError, load_spec
from insyn.core.audit import nothing_personal_shown
from insyn.core.roles import Action
from insyn.core.viewmixins import InsynView


class FrameExportForm(forms.Form):
    programme = forms.ChoiceField(label=_("Programme"))
    format = forms.ChoiceField(
        label=_("File format"),
        choices=[
            ("csv", _("CSV (zip with codebook)")),
            ("xlsx", _("Excel workbook (frame and codebook)")),
            ("parquet", _("Parquet (zip with codebook)")),
        ],
        initial="csv",
    )
    key = forms.CharField(
        label=_("Export key"),
        required=False,
        max_length=100,
        help_text=_(
            "Pseudonyms are the same in every export with the same key. Leave empty for a new, "
            "unlinkable key."
        ),
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        required=False,
        max_length=200,
        help_text=_("Recorded in the access log, e.g. the study or report."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(
            self.fields["programme"], selectors.programmes_for(user, Action.EXPORT_INDIVIDUAL)
        )


class FrameExportView(InsynView):
    personal_data = False
    required_action = Action.EXPORT_INDIVIDUAL

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(
            request, "analytics/frame_export.html", {"form": FrameExportForm(user=request.user)}
        )


class FrameDownloadView(InsynView):
    personal_data = True
    required_action = Action.EXPORT_INDIVIDUAL

    def get(self, request: HttpRequest) -> HttpResponse | StreamingHttpResponse | FileResponse:
        form = FrameExportForm(request.GET, user=request.user)
        if not form.is_valid():
            nothing_personal_shown()  # the form again with its errors: no one's data
            return render(request, "analytics/frame_export.html", {"form": form}, status=400)
        data = form.cleaned_data
        return frame_download(
            request.user, data["programme"], data["format"], data["key"] or None, data["purpose"]
        )


def frame_download(
    user: Any, programme: str, fmt: str, key: str | None, purpose: str = ""
) -> StreamingHttpResponse | FileResponse:
    """Shared by the web and the API: the export file, logged. Out of scope is 404."""
    if programme not in dict(selectors.programmes_for(user, Action.EXPORT_INDIVIDUAL)):
        raise Http404
    if fmt not in frame_export.FORMATS:
        raise Http404
    try:
        spec = load_spec(programme)
    except SpecError as exc:
        raise Http404 from exc
    if spec is None:
        raise Http404
    extract = frame_export.prepare(
        spec, scope=Scope.for_user(user, Action.EXPORT_INDIVIDUAL), export_key=key
    )
    record_frame_export(
        actor=user, extract=extract, fmt=fmt, purpose=purpose, via="web", linkable=key is not None
    )
    name = f"insyn-{spec.key}-frame-{timezone.localdate():%Y%m%d}"
    if fmt == "xlsx":
        if extract.rows > frame_export.XLSX_MAX_ROWS:
            raise Http404
        handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
        frame_export.write_xlsx(extract, handle)
        handle.seek(0)
        return FileResponse(
            handle,
            as_attachment=True,
            filename=f"{name}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response = StreamingHttpResponse(
        frame_export.zip_chunks(extract, fmt), content_type="application/zip"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}-{fmt}.zip"'
    return response
