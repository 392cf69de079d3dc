"""Start page, health check and the audit trail."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db import connection
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
)
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from insyn.core import context, selectors
from insyn.core import exports as files
from insyn.core.audit import nothing_personal_shown, record_access
from insyn.core.audit_values import record_values_read
from insyn.core.forms import AuditFilterForm
from insyn.core.models import AccessEntry, ChangeEntry
from insyn.core.navigation import panels_for
from insyn.core.roles import Action
from insyn.core.viewmixins import InsynView, declare
from insyn.organisations.models import Membership


class HomeView(InsynView):
    """The start page. Its panels may list clients (the follow-up worklist shows client
    references), so it is personal data; a personal panel records its own reads, and a page
    without one says that it showed no one's data."""

    personal_data = True
    required_action = None

    def get(self, request: HttpRequest) -> HttpResponse:
        panels = panels_for(request)
        if not any(panel["personal_data"] for panel in panels):
            nothing_personal_shown()
        memberships = (
            Membership.objects.filter(user=request.user)  # type: ignore[misc]
            .select_related("org_unit")
            .order_by("org_unit__path")
        )
        return render(
            request,
            "core/home.html",
            {"panels": panels, "memberships": memberships},
        )


@declare(personal_data=False)
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # the point is to report any database failure, whatever its kind
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok", "time": timezone.now().isoformat()})


def _forget_typed_reference(request: HttpRequest) -> None:
    """Every entry this request writes keeps its address without the client reference typed
    (it may name a client the next auditor may not read, or none): the search's own entry
    keeps only the ids found."""
    if "client" in request.GET:
        query = request.GET.copy()
        query.pop("client")
        context.current().path = request.path + (f"?{query.urlencode()}" if query else "")


class AuditView(InsynView):
    """Who looked at this client; what did this user look at; who changed what. Each entry
    says who did what to which object and when; what the object holds only to an auditor who
    may read it (selectors.describe), and that showing is recorded as a read."""

    personal_data = True
    required_action = Action.VIEW_AUDIT

    def _query(self, request: HttpRequest) -> tuple[AuditFilterForm, Any]:
        _forget_typed_reference(request)
        form = AuditFilterForm(request.GET or None)
        if form.is_bound and not form.is_valid():
            return form, None
        f = form.to_filter()
        if form.selected_log == "change":
            return form, selectors.change_entries(request.user, f).select_related("actor")
        if form.selected_log == "denied":
            f.action = AccessEntry.Kind.DENIED
        return form, selectors.access_entries(request.user, f).select_related("actor")

    @staticmethod
    def _search(request: HttpRequest) -> tuple[dict[str, Any], int | None]:
        """The filter as recorded in the list's access entry: a client reference becomes the
        ids it found (none for someone who may not read the client), so the reference typed
        is not shown to auditors who may not read that client."""
        search: dict[str, Any] = {k: v for k, v in request.GET.items() if k != "page"}
        if "client" not in search:
            return search, None
        ids = selectors.client_ids_for_ref(request.user, str(search.pop("client")))
        search["client_ids"] = ids
        return search, ids[0] if len(ids) == 1 else None

    def get(self, request: HttpRequest) -> HttpResponseBase:
        form, qs = self._query(request)
        page = Paginator(qs, 100).get_page(request.GET.get("page")) if qs is not None else None
        if page is not None:
            record_values_read(request.user, selectors.describe(request.user, list(page)))
        search, client_id = self._search(request)
        record_access(
            actor=request.user,
            action="list",
            model=qs.model if qs is not None else AccessEntry,
            detail={"filter": search},
            client_id=client_id,
        )
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "core/audit.html",
            {"form": form, "page": page, "log": form.selected_log, "query": query.urlencode()},
        )


class AuditExportView(AuditView):
    def get(self, request: HttpRequest) -> HttpResponseBase:
        fmt = request.GET.get("format", "csv")
        if fmt not in files.FORMATS:
            raise Http404
        form, qs = self._query(request)
        if qs is None:
            return render(request, "core/audit.html", {"form": form, "page": None}, status=400)
        search, client_id = self._search(request)
        record_access(
            actor=request.user,
            action="export",
            model=qs.model,
            detail={"filter": search, "rows": qs.count()},
            client_id=client_id,
        )
        if qs.model is ChangeEntry:
            # The values this reader may see are recorded before the file streams.
            for batch in selectors.values_shown(request.user, qs):
                record_values_read(request.user, batch)
        header, rows = selectors.csv_rows(request.user, qs)
        name = f"insyn-audit-{form.selected_log}-{timezone.localdate():%Y%m%d}"
        return files.download(
            fmt, name, files.Sheet(str(AUDIT_SHEET), audit_columns(header), rows), stream=True
        )


AUDIT_SHEET = pgettext_lazy("audit export", "Audit log")
AUDIT_COLUMNS = {
    "time": pgettext_lazy("audit export", "Time"),
    "user": pgettext_lazy("audit export", "User"),
    "request": pgettext_lazy("audit export", "Request"),
    "action": pgettext_lazy("audit export", "Action"),
    "event": pgettext_lazy("audit export", "Event"),
    "object_type": pgettext_lazy("audit export", "Object type"),
    "object_id": pgettext_lazy("audit export", "Object id"),
    "object": pgettext_lazy("audit export", "Object"),
    "client_id": pgettext_lazy("audit export", "Client id"),
    "changes": pgettext_lazy("audit export", "Changes"),
    "before": pgettext_lazy("audit export", "Before"),
    "after": pgettext_lazy("audit export", "After"),
    "purpose": pgettext_lazy("audit export", "Purpose"),
    "address": pgettext_lazy("audit export", "Address"),
    "detail": pgettext_lazy("audit export", "Detail"),
}


def audit_columns(keys: list[str]) -> list[files.Column]:
    """The audit file's columns: stable keys for programs, Swedish headers for people."""
    return [files.Column(k, AUDIT_COLUMNS.get(k, k)) for k in keys]


@declare(personal_data=False)
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent with a missing or stale CSRF token: say so in the product's words (Django's
    page explains the mechanism and names settings)."""
    return render(request, "403_csrf.html", status=403)
