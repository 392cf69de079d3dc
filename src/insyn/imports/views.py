"""Web import: upload → validation report → confirm or cancel. The pages show counts and
problems by file, row and column; never the data itself."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from insyn.accounts.models import User
from insyn.core.roles import Action
from insyn.core.viewmixins import InsynView
from insyn.imports import services
from insyn.imports.forms import UploadForm
from insyn.imports.models import ImportBatch
from insyn.imports.report import Report


class ImportView(InsynView):
    personal_data = False
    required_action = Action.CHANGE_INDIVIDUAL

    def _render(self, request: HttpRequest, form: UploadForm, status: int = 200) -> HttpResponse:
        batches = ImportBatch.objects.filter(uploaded_by_id=request.user.pk).select_related(
            "municipality"
        )[:20]
        return render(
            request, "imports/upload.html", {"form": form, "batches": batches}, status=status
        )

    def _form(self, request: HttpRequest, data: Any = None, files: Any = None) -> UploadForm:
        user: User = request.user  # type: ignore[assignment]
        return UploadForm(data, files, municipalities=services.import_municipalities(user))

    def get(self, request: HttpRequest) -> HttpResponse:
        services.purge_expired()
        return self._render(request, self._form(request))

    def post(self, request: HttpRequest) -> HttpResponse:
        services.purge_expired()
        form = self._form(request, request.POST, request.FILES)
        if form.is_valid():
            uploads = [(f.name, f.read()) for f in form.cleaned_data["upload"]]
            try:
                batch = services.batch_upload(
                    actor=request.user,  # type: ignore[arg-type]
                    municipality=form.cleaned_data["municipality"],
                    files=uploads,
                )
            except ValidationError as exc:
                form.add_error("upload", exc.messages)
            else:
                return redirect("imports:batch", pk=batch.pk)
        return self._render(request, form, status=400)


class BatchView(InsynView):
    personal_data = False
    required_action = Action.CHANGE_INDIVIDUAL

    def _batch(self, request: HttpRequest, pk: int) -> ImportBatch:
        qs = ImportBatch.objects.filter(uploaded_by_id=request.user.pk).select_related(
            "municipality"
        )
        return get_object_or_404(qs, pk=pk)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        batch = self._batch(request, pk)
        report = Report.from_dict(batch.report)
        return render(
            request,
            "imports/batch.html",
            {
                "batch": batch,
                "report": report,
                "pending": batch.status == ImportBatch.Status.PENDING,
            },
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        batch = self._batch(request, pk)
        user: User = request.user  # type: ignore[assignment]
        try:
            if request.POST.get("op") == "confirm":
                report = services.batch_confirm(actor=user, batch=batch)
                if report.applied:
                    messages.success(request, _("The import is done."))
                else:
                    messages.error(
                        request,
                        _(
                            "Nothing was imported: the data changed since the upload. "
                            "See the report."
                        ),
                    )
            else:
                services.batch_cancel(actor=user, batch=batch)
                messages.success(request, _("The import was cancelled and the files deleted."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("imports:batch", pk=batch.pk)
