"""Start page, health check and the audit trail."""

from __future__ import annotations

import json
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

from insyn.core import exports as files
from insyn.core import selectors
from insyn.core.audit import nothing_personal_shown, record_access
from insyn.core.audit_values import may_see_values, record_values_read
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


# In the CSV where the reader may not see a change's values (the page says it in words).
VALUES_HIDDEN = "(hidden)"


class AuditView(InsynView):
    """Who looked at this client; what did this user look at; who changed what."""

    personal_data = True
    required_action = Action.VIEW_AUDIT

    def _query(self, request: HttpRequest) -> tuple[AuditFilterForm, Any]:
        form = AuditFilterForm(request.GET or None)
        if form.is_bound and not form.is_valid():
            return form, None
        f = form.to_filter()
        if form.selected_log == "change":
            return form, selectors.change_entries(request.user, f).select_related("actor")
        if form.selected_log == "denied":
            f.action = AccessEntry.Kind.DENIED
        return form, selectors.access_entries(request.user, f).select_related("actor")

    def get(self, request: HttpRequest) -> HttpResponseBase:
        form, qs = self._query(request)
        page = Paginator(qs, 100).get_page(request.GET.get("page")) if qs is not None else None
        if page is not None and qs is not None and qs.model is ChangeEntry:
            shown = []
            for entry in page:
                entry.values_visible = may_see_values(request.user, entry)
                if entry.values_visible:
                    shown.append(entry)
            record_values_read(request.user, shown)
        record_access(
            actor=request.user,
            action="list",
            model=qs.model if qs is not None else AccessEntry,
            detail={"filter": {k: v for k, v in request.GET.items() if k != "page"}},
        )
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "core/audit.html",
            {"form": form, "page": page, "log": form.selected_log, "query": query.urlencode()},
        )


class AuditExportView(AuditView):
    @staticmethod
    def _values_shown(request: HttpRequest, qs: Any) -> set[int]:
        """Which entries' values this reader may see; those reads are recorded before the
        file streams (in batches), like the page does for its rows."""
        visible: set[int] = set()
        batch: list[ChangeEntry] = []
        fields = ("id", "object_type", "object_id", "client_id", "org_path", "org_paths")
        for entry in qs.select_related(None).only(*fields).iterator():
            if may_see_values(request.user, entry):
                visible.add(entry.pk)
                batch.append(entry)
                if len(batch) >= 1000:
                    record_values_read(request.user, batch)
                    batch = []
        record_values_read(request.user, batch)
        return visible

    def get(self, request: HttpRequest) -> HttpResponseBase:
        fmt = request.GET.get("format", "csv")
        if fmt not in files.FORMATS:
            raise Http404
        form, qs = self._query(request)
        if qs is None:
            return render(request, "core/audit.html", {"form": form, "page": None}, status=400)
        record_access(
            actor=request.user,
            action="export",
            model=qs.model,
            detail={"filter": dict(request.GET.items()), "rows": qs.count()},
        )
        if qs.model is ChangeEntry:
            header = audit_columns("before", "after")
            visible = self._values_shown(request, qs)
            rows = (
                [
                    e.at.isoformat(),
                    e.actor_label,
                    e.request_id,
                    e.action,
                    e.object_type,
                    e.object_id,
                    e.client_id,
                    e.before if e.pk in visible else VALUES_HIDDEN,
                    e.after if e.pk in visible else VALUES_HIDDEN,
                ]
                for e in qs.iterator()
            )
        else:
            header = audit_columns("purpose", "address", "detail")
            rows = (
                [
                    e.at.isoformat(),
                    e.actor_label,
                    e.request_id,
                    e.action,
                    e.object_type,
                    e.object_id,
                    e.client_id,
                    e.purpose,
                    e.path,
                    json.dumps(e.detail, ensure_ascii=False, sort_keys=True) if e.detail else "",
                ]
                for e in qs.iterator()
            )
        name = f"insyn-audit-{form.selected_log}-{timezone.localdate():%Y%m%d}"
        return files.download(fmt, name, files.Sheet(str(AUDIT_SHEET), header, rows), stream=True)


AUDIT_SHEET = pgettext_lazy("audit export", "Audit log")
AUDIT_COLUMNS = {
    "time": pgettext_lazy("audit export", "Time"),
    "user": pgettext_lazy("audit export", "User"),
    "request": pgettext_lazy("audit export", "Request"),
    "action": pgettext_lazy("audit export", "Action"),
    "object_type": pgettext_lazy("audit export", "Object type"),
    "object_id": pgettext_lazy("audit export", "Object id"),
    "client_id": pgettext_lazy("audit export", "Client id"),
    "before": pgettext_lazy("audit export", "Before"),
    "after": pgettext_lazy("audit export", "After"),
    "purpose": pgettext_lazy("audit export", "Purpose"),
    "address": pgettext_lazy("audit export", "Address"),
    "detail": pgettext_lazy("audit export", "Detail"),
}


def audit_columns(*last: str) -> list[files.Column]:
    """The audit file's columns: stable keys for programs, Swedish headers for people."""
    keys = ("time", "user", "request", "action", "object_type", "object_id", "client_id", *last)
    return [files.Column(k, AUDIT_COLUMNS[k]) for k in keys]


@declare(personal_data=False)
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent with a missing or stale CSRF token: say so in the product's words (Django's
    page explains the mechanism and names settings)."""
    return render(request, "403_csrf.html", status=403)
