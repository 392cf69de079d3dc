"""Non-executed decisions: the IVO list, individual reports, the quarterly summary.

The list and the reports name clients (through a pseudonym, the decision and its unit), so
they need view_individual and record every read; editing needs change_individual and
handle_quality on the case's unit (re-checked in the service). The quarterly summary is
de-identified (view_quality, suppressed). Everything is computed from live data
(selectors/non_executed.py) for any quarter.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, path
from django.utils import timezone
from django.utils.translation import gettext as _

from insyn.clients.models import Decision
from insyn.core.audit import nothing_personal_shown, record_access
from insyn.core.concurrency import VersionConflict, initial_from
from insyn.core.forms import add_service_errors
from insyn.core.roles import Action
from insyn.core.scoping import granted_paths, path_in_scope
from insyn.core.viewmixins import InsynView, get_scoped_object_or_404
from insyn.organisations.models import OrgUnit
from insyn.quality.forms.non_executed import EpisodeTextsForm, OfferForm, ReportedForm
from insyn.quality.models import NonExecutedDecision
from insyn.quality.selectors import non_executed as sel
from insyn.quality.selectors import non_executed_report as rep
from insyn.quality.selectors.non_executed_summary import quarter_summary
from insyn.quality.services import non_executed as svc
from insyn.quality.services import non_executed_export as export

TEXTS = ("not_executed_part", "reason_for_delay", "consequences", "interim_interventions")


def municipalities_for(user: Any, action: Action) -> list[OrgUnit]:
    """Municipalities in which `user` holds `action` somewhere."""
    paths = granted_paths(user, action)
    found = OrgUnit.objects.filter(kind=OrgUnit.Kind.MUNICIPALITY).order_by("name")
    return [m for m in found if any(p.startswith(m.path) or m.path.startswith(p) for p in paths)]


def pick_municipality(request: HttpRequest, action: Action) -> tuple[OrgUnit, list[OrgUnit]]:
    choices = municipalities_for(request.user, action)
    if not choices:
        raise Http404
    code = request.GET.get("municipality", "")
    chosen = next((m for m in choices if m.code == code), None)
    if code and chosen is None:
        raise Http404
    return chosen or choices[0], choices


def pick_quarter(raw: str | None, today: dt.date) -> tuple[sel.Quarter, str]:
    """The asked quarter, or the current one with the error to show."""
    if not raw:
        return sel.quarter_of(today), ""
    try:
        return sel.parse_quarter(raw), ""
    except sel.QuarterError as exc:
        return sel.quarter_of(today), str(exc)


def _can_edit(user: Any, unit_path: str) -> bool:
    return path_in_scope(user, Action.CHANGE_INDIVIDUAL, unit_path) and path_in_scope(
        user, Action.HANDLE_QUALITY, unit_path
    )


class NonExecutedView(InsynView):
    personal_data = True
    required_action = Action.VIEW_INDIVIDUAL


class ListView(NonExecutedView):
    """Approaching day 90, reportable now, and the chosen quarter's list for IVO."""

    def get(self, request: HttpRequest) -> HttpResponse:
        today = timezone.localdate()
        municipality, choices = pick_municipality(request, Action.VIEW_INDIVIDUAL)
        quarter, quarter_error = pick_quarter(request.GET.get("quarter"), today)
        decisions = list(rep.municipality_decisions(municipality, request.user))
        soon = sel.approaching(decisions, today)
        now = sel.reportable_now(decisions, today)
        rows = rep.report_rows(sel.quarter_list(decisions, quarter), quarter)
        shown = {e.decision.pk: e.decision for e in [*soon, *now, *(r.episode for r in rows)]}
        record_access(
            actor=request.user,
            action="list",
            objects=list(shown.values()),
            model=Decision,
            org_path=municipality.path,
        )
        stored = sel.stored_episodes([*soon, *now])
        return render(
            request,
            "quality/non_executed/list.html",
            {
                "municipality": municipality,
                "municipalities": choices,
                "quarter": quarter,
                "quarter_error": quarter_error,
                "approaching": soon,
                # (episode, its stored report or None, may this user start one)
                "reportable": [
                    (e, stored.get(e.key), _can_edit(request.user, e.decision.case.unit.path))
                    for e in now
                ],
                "rows": rows,
                "today": today,
                "formats": export.FORMATS,
                "can_summary": path_in_scope(request.user, Action.VIEW_QUALITY, municipality.path)
                or bool(municipalities_for(request.user, Action.VIEW_QUALITY)),
            },
        )


class ExportView(NonExecutedView):
    """The quarter's individual list as CSV, XLSX or PDF, or as a printable page."""

    def get(self, request: HttpRequest, quarter: str, fmt: str) -> HttpResponse:
        try:
            q = sel.parse_quarter(quarter)
        except sel.QuarterError:
            raise Http404 from None
        if fmt not in (*export.FORMATS, "print"):
            raise Http404
        municipality, _c = pick_municipality(request, Action.VIEW_INDIVIDUAL)
        decisions = rep.municipality_decisions(municipality, request.user)
        rows = rep.report_rows(sel.quarter_list(decisions, q), q)
        record_access(
            actor=request.user,
            action="print" if fmt == "print" else "export",
            objects=list({r.decision.pk: r.decision for r in rows}.values()),
            model=Decision,
            org_path=municipality.path,
            detail={"quarter": q.label, "format": fmt},
        )
        if fmt == "print":
            return render(
                request,
                "quality/non_executed/list_pdf.html",
                {"rows": rows, "quarter": q, "about": export.list_about(q, municipality)},
            )
        body = export.list_file(rows, q, municipality, fmt)
        response = HttpResponse(body, content_type=export.CONTENT_TYPES[fmt])
        name = export.filename("ej-verkstallda-beslut", q, municipality, fmt)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class OpenEpisodeView(NonExecutedView):
    """Create the stored report of a reportable decision the daily job has not reached yet."""

    required_action = Action.CHANGE_INDIVIDUAL

    def post(self, request: HttpRequest, decision_pk: int) -> HttpResponse:
        decision = get_scoped_object_or_404(
            request.user,
            rep.visible_decisions(request.user, Action.CHANGE_INDIVIDUAL),
            unrestricted=Decision.objects.all(),
            pk=decision_pk,
        )
        if not _can_edit(request.user, decision.case.unit.path):
            raise Http404
        today = timezone.localdate()
        kind, clock = request.POST.get("kind", ""), request.POST.get("clock_from", "")
        found = [
            e
            for e in sel.decision_episodes(decision, today)
            if e.kind == kind and e.clock_from.isoformat() == clock
        ]
        if not found or not found[0].is_reportable:
            raise Http404
        row = svc.episode_row(found[0], actor=request.user, today=today)
        return redirect("quality:non_executed_episode", pk=row.pk)


def get_episode(user: Any, pk: int) -> NonExecutedDecision:
    return get_scoped_object_or_404(
        user, rep.visible_episodes(user), unrestricted=NonExecutedDecision.objects.all(), pk=pk
    )


class EpisodeView(NonExecutedView):
    """The individual report: the IVO fields, the texts, offers and the report record."""

    def _render(
        self, request: HttpRequest, episode: NonExecutedDecision, **forms: Any
    ) -> HttpResponse:
        today = timezone.localdate()
        row = rep.row_for(episode, today)
        record_access(actor=request.user, action="view", objects=[episode])
        can_edit = _can_edit(request.user, episode.decision.case.unit.path)
        context: dict[str, Any] = {"episode": episode, "row": row, "can_edit": can_edit}
        if can_edit:
            texts = forms.get("texts")
            if texts is None:
                texts = EpisodeTextsForm(initial=initial_from(episode, TEXTS))
                texts.track(episode)
            context.update(
                texts_form=texts,
                offer_form=forms.get("offer") or OfferForm(),
                reported_form=forms.get("reported")
                or ReportedForm(
                    initial={"quarter": sel.quarter_of(today).label, "reported_on": today}
                ),
            )
        status = 400 if forms else 200
        return render(request, "quality/non_executed/episode.html", context, status=status)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._render(request, get_episode(request.user, pk))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        episode = get_episode(request.user, pk)
        if not _can_edit(request.user, episode.decision.case.unit.path):
            raise Http404
        op = request.POST.get("op", "")
        if op == "texts":
            form: Any = EpisodeTextsForm(request.POST)
            if form.is_valid():
                data = form.service_data()
                try:
                    svc.episode_update(
                        actor=request.user,
                        episode=episode,
                        expected_version=form.expected_version,
                        **data,
                    )
                except VersionConflict as exc:
                    episode.refresh_from_db()
                    form.show_conflict(exc, initial_from(episode, TEXTS))
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(request, _("The report was saved."))
                    return redirect("quality:non_executed_episode", pk=pk)
            return self._render(request, episode, texts=form)
        if op == "offer":
            form = OfferForm(request.POST)
            if form.is_valid():
                try:
                    svc.offer_add(actor=request.user, episode=episode, **form.cleaned_data)
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(request, _("The offer was added."))
                    return redirect("quality:non_executed_episode", pk=pk)
            return self._render(request, episode, offer=form)
        if op == "reported":
            form = ReportedForm(request.POST)
            if form.is_valid():
                try:
                    svc.record_reported(actor=request.user, episode=episode, **form.cleaned_data)
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(request, _("The report to IVO was recorded."))
                    return redirect("quality:non_executed_episode", pk=pk)
            return self._render(request, episode, reported=form)
        raise Http404


class SummaryView(InsynView):
    """The de-identified quarterly report to the council and the auditors (suppressed)."""

    personal_data = False
    required_action = Action.VIEW_QUALITY

    def get(self, request: HttpRequest) -> HttpResponse:
        municipality, choices = pick_municipality(request, Action.VIEW_QUALITY)
        quarter, error = pick_quarter(request.GET.get("quarter"), timezone.localdate())
        decisions = sel.reportable_decisions(
            Decision.objects.filter(case__municipality=municipality).restrict(
                request.user, Action.VIEW_QUALITY
            )
        )
        summary = quarter_summary(decisions, municipality, quarter)
        nothing_personal_shown()
        fmt = request.GET.get("format", "")
        if fmt in export.FORMATS and not error:
            response = HttpResponse(
                export.summary_file(summary, fmt), content_type=export.CONTENT_TYPES[fmt]
            )
            name = export.filename(
                "ej-verkstallda-beslut-sammanstallning", quarter, municipality, fmt
            )
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
        return render(
            request,
            "quality/non_executed/summary.html",
            {
                "summary": summary,
                "municipalities": choices,
                "quarter_error": error,
                "formats": export.FORMATS,
            },
            status=400 if error else 200,
        )


urlpatterns: list[URLPattern | URLResolver] = [
    path("non-executed/", ListView.as_view(), name="non_executed_list"),
    path("non-executed/summary/", SummaryView.as_view(), name="non_executed_summary"),
    path(
        "non-executed/quarter/<str:quarter>/<str:fmt>/",
        ExportView.as_view(),
        name="non_executed_export",
    ),
    path("non-executed/<int:pk>/", EpisodeView.as_view(), name="non_executed_episode"),
    path(
        "non-executed/decision/<int:decision_pk>/open/",
        OpenEpisodeView.as_view(),
        name="non_executed_open",
    ),
]


def register() -> None:
    """Navigation (placement="quality"), the reminder job, dashboard panels, audit values."""
    from django.utils.translation import gettext_lazy

    from insyn.core.audit_values import register_value_action
    from insyn.core.navigation import NavItem, register_nav
    from insyn.core.reminders import register_reminder_job
    from insyn.quality.dashboard_panels import DashboardPanel, register_panel
    from insyn.quality.non_executed_panel import build_panel
    from insyn.quality.services.non_executed_job import non_executed_job

    register_nav(
        NavItem(
            "quality_non_executed",
            gettext_lazy("Non-executed decisions"),
            "quality:non_executed_list",
            Action.VIEW_INDIVIDUAL,
            60,
            "quality",
        )
    )
    register_reminder_job("quality_non_executed", non_executed_job)
    register_panel(
        DashboardPanel(
            key="non_executed",
            template="quality/non_executed/panel.html",
            build=build_panel,
            order=10,
        )
    )
    register_value_action("quality.nonexecuteddecision", Action.VIEW_INDIVIDUAL)
