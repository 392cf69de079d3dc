"""Work lists: "My follow-ups" for case workers (page and start-page panel) and completion
rates per unit and case worker for unit managers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insyn.core import exports as files
from insyn.core.audit import record_access
from insyn.core.roles import Action
from insyn.core.viewmixins import InsynView
from insyn.followup import completion_export, selectors
from insyn.followup.models import Occasion, Programme

PANEL_ROWS = 5


class WorklistView(InsynView):
    personal_data = True
    required_action = Action.CHANGE_INDIVIDUAL

    def get(self, request: HttpRequest) -> HttpResponse:
        today = timezone.localdate()
        occasions = list(selectors.worklist(request.user, today))
        record_access(
            actor=request.user,
            action="list",
            objects=occasions,
            model=Occasion,
            purpose=request.GET.get("purpose", ""),
        )
        return render(
            request,
            "followup/worklist.html",
            {"rows": _rows(occasions, today), "days": selectors.WORKLIST_DAYS, "today": today},
        )


def _rows(occasions: list[Occasion], today: dt.date) -> list[dict[str, Any]]:
    return [
        {
            "occasion": o,
            "status": o.current_status(today),
            "status_label": Occasion.Status(o.current_status(today)).label,
            "mine": o.enrollment.responsible_id is not None,
        }
        for o in occasions
    ]


def worklist_panel(request: HttpRequest) -> dict[str, Any]:
    """Start-page panel: the first few of the user's follow-ups (an audited read)."""
    today = timezone.localdate()
    qs = selectors.worklist(request.user, today)
    occasions = list(qs[:PANEL_ROWS])
    record_access(actor=request.user, action="list", objects=occasions, model=Occasion)
    if len(occasions) < PANEL_ROWS:  # all of them are here: count them without asking again
        total = len(occasions)
        overdue = sum(1 for o in occasions if o.window_end is not None and o.window_end < today)
    else:
        n = qs.aggregate(total=Count("pk"), overdue=Count("pk", filter=Q(window_end__lt=today)))
        total, overdue = n["total"], n["overdue"]
    return {
        "worklist_rows": _rows(occasions, today),
        "worklist_total": total,
        "worklist_overdue": overdue,
    }


class CompletionFilter(forms.Form):
    date_from = forms.DateField(
        label=_("Planned from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Planned to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    programme = forms.ChoiceField(label=_("Programme"), required=False)

    def __init__(self, *args: Any, programmes: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [("", _("All programmes")), *programmes]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The period ends before it starts."))
        return data


class CompletionView(InsynView):
    """Done / due per unit and per responsible case worker, for a period of due dates."""

    personal_data = False
    required_action = Action.VIEW_TEAM

    def filtered(
        self, request: HttpRequest
    ) -> tuple[CompletionFilter, bool, dt.date, dt.date, Any, Any]:
        """The filter and both tables (empty when the filter is invalid)."""
        today = timezone.localdate()
        keys = (
            Programme.objects.restrict(request.user, Action.VIEW_ORG)
            .exclude(status=Programme.Status.DRAFT)
            .order_by("name")
            .values_list("key", "name")
            .distinct()
        )
        form = CompletionFilter(request.GET or None, programmes=list(dict(keys).items()))
        date_from, date_to, key = today - dt.timedelta(days=365), today, ""
        by_unit: list[selectors.CompletionRow] = []
        by_worker: list[selectors.CompletionRow] = []
        valid = not form.is_bound or form.is_valid()
        if valid:
            data = form.cleaned_data if form.is_bound else {}
            date_from = data.get("date_from") or date_from
            date_to = data.get("date_to") or date_to
            key = data.get("programme") or ""
            by_unit, by_worker = selectors.completion(
                request.user, date_from=date_from, date_to=date_to, today=today, programme_key=key
            )
        return form, valid, date_from, date_to, by_unit, by_worker

    def get(self, request: HttpRequest) -> HttpResponse:
        form, valid, date_from, date_to, by_unit, by_worker = self.filtered(request)
        query = request.GET.copy()
        query.pop("format", None)
        return render(
            request,
            "followup/completion.html",
            {
                "form": form,
                "by_unit": by_unit,
                "by_worker": by_worker,
                "date_from": date_from,
                "date_to": date_to,
                "export_query": query.urlencode(),
            },
            status=200 if valid else 400,
        )


class CompletionExportView(CompletionView):
    """Both completion tables as one file: Swedish CSV, XLSX or machine CSV."""

    def get(self, request: HttpRequest) -> HttpResponse:
        fmt = request.GET.get("format", "csv")
        if fmt not in files.FORMATS:
            raise Http404
        _form, valid, date_from, date_to, by_unit, by_worker = self.filtered(request)
        if not valid:
            raise Http404
        sheet = completion_export.sheet(by_unit, by_worker, date_from, date_to)
        name = f"insyn-completion-{date_from:%Y%m%d}-{date_to:%Y%m%d}"
        return files.download(fmt, name, sheet)  # type: ignore[return-value]
