"""Web import: upload → background check → validation report → confirm → background apply →
result. The batch page polls itself (htmx) while a task runs. The pages show counts and
problems by file, row and column; never the data itself."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from insyn.accounts.models import User
from insyn.core.roles import Action
from insyn.core.viewmixins import InsynView
from insyn.imports import services
from insyn.imports.forms import UploadForm
from insyn.imports.models import ImportBatch
from insyn.imports.progress import progress_read
from insyn.imports.report import Report
from insyn.imports.uploads import EncryptingUploadHandler

POLL_SECONDS = 2


@method_decorator(csrf_exempt, name="dispatch")  # checked below, after the upload handler is set
class ImportView(InsynView):
    personal_data = False
    required_action = Action.CHANGE_INDIVIDUAL
    own_upload_handlers = True  # InputGuardMiddleware leaves the multipart body to this view

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # Encrypt the files as they arrive (never spooled to disk in clear); this must happen
        # before anything reads request.POST, hence the CSRF check after it.
        request.upload_handlers = [EncryptingUploadHandler(request)]
        return csrf_protect(super().dispatch)(request, *args, **kwargs)

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
            try:
                batch = services.batch_upload(
                    actor=request.user,  # type: ignore[arg-type]
                    municipality=form.cleaned_data["municipality"],
                    files=form.cleaned_data["upload"],
                )
            except ValidationError as exc:
                form.add_error("upload", exc.messages)
            else:
                return redirect("imports:batch", pk=batch.pk)
        return self._render(request, form, status=400)


class BatchView(InsynView):
    """The batch page; asked by htmx (HX-Request) it answers only the part that changes."""

    personal_data = False
    required_action = Action.CHANGE_INDIVIDUAL

    def _batch(self, request: HttpRequest, pk: int) -> ImportBatch:
        qs = ImportBatch.objects.filter(uploaded_by_id=request.user.pk).select_related(
            "municipality"
        )
        return get_object_or_404(qs, pk=pk)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        batch = self._batch(request, pk)
        context = {
            "batch": batch,
            "report": Report.from_dict(batch.report),
            "progress": progress_read(batch),
            "waiting": batch.status == ImportBatch.Status.CHECKED,
            "cancellable": batch.status
            in (ImportBatch.Status.UPLOADED, ImportBatch.Status.CHECKED),
            "poll_seconds": POLL_SECONDS,
        }
        partial = request.headers.get("HX-Request") == "true"
        template = "imports/_batch_state.html" if partial else "imports/batch.html"
        return render(request, template, context)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        batch = self._batch(request, pk)
        user: User = request.user  # type: ignore[assignment]
        try:
            if request.POST.get("op") == "confirm":
                batch = services.batch_confirm(actor=user, batch=batch)
                batch.refresh_from_db()  # the task may have run already (INSYN_TASKS=immediate)
                if batch.status == ImportBatch.Status.APPLIED:
                    messages.success(request, _("The import is done."))
                elif batch.status == ImportBatch.Status.FAILED:
                    messages.error(request, _("Nothing was imported. See the report."))
                else:
                    messages.success(request, _("The import has started."))
            else:
                services.batch_cancel(actor=user, batch=batch)
                messages.success(request, _("The import was cancelled and the files deleted."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("imports:batch", pk=batch.pk)
