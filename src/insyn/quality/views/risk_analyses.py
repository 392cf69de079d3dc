"""Risk analyses of planned changes: list, detail (its risks and their matrix), create, edit,
complete/reopen, add a risk of the register. Org data, like the risks themselves."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse

from insyn.core.concurrency import VersionConflict
from insyn.core.forms import add_service_errors
from insyn.core.roles import Action
from insyn.core.scoping import granted_paths, path_in_scope
from insyn.core.viewmixins import get_scoped_object_or_404
from insyn.quality.forms.risks import AddRiskForm, AnalysisForm, StateForm
from insyn.quality.models import Risk, RiskAnalysis
from insyn.quality.risk_matrix import LEVELS, level_of
from insyn.quality.selectors import risks as selectors
from insyn.quality.services import risks as services
from insyn.quality.views.action_plans import handler_units
from insyn.quality.views.risks import RiskView

FIELDS = ("title", "kind", "description", "change_on", "participants")


class AnalysisView(RiskView):
    def analysis(self, pk: int) -> RiskAnalysis:
        return get_scoped_object_or_404(
            self.request.user,
            selectors.analyses_visible(self.request.user),
            RiskAnalysis.objects,
            pk=pk,
        )

    def handled_analysis(self, pk: int) -> RiskAnalysis:
        analysis = self.analysis(pk)
        if not path_in_scope(self.request.user, Action.HANDLE_QUALITY, analysis.unit.path):
            raise Http404
        return analysis


class AnalysisListView(AnalysisView):
    def get(self, request: HttpRequest) -> HttpResponse:
        analyses = list(selectors.analyses_visible(request.user)[:200])
        return render(
            request,
            "quality/risks/analysis_list.html",
            {
                "analyses": analyses,
                "may_create": bool(granted_paths(request.user, Action.HANDLE_QUALITY)),
            },
        )


class AnalysisDetailView(AnalysisView):
    def page(self, analysis: RiskAnalysis, add_form: Any = None, status: int = 200) -> Any:
        user: Any = self.request.user
        risks = list(selectors.risks_visible(user).filter(analysis=analysis))
        for r in risks:
            r.level = level_of(r.probability, r.severity)  # type: ignore[attr-defined]
        active = selectors.risks_visible(user).filter(analysis=analysis, state=Risk.State.ACTIVE)
        handler = path_in_scope(user, Action.HANDLE_QUALITY, analysis.unit.path)
        candidates = (
            selectors.risks_visible(user)
            .filter(unit__path__startswith=analysis.unit.path, state=Risk.State.ACTIVE)
            .exclude(analysis=analysis)
        )
        if handler and add_form is None and analysis.state == RiskAnalysis.State.OPEN:
            add_form = AddRiskForm(risks=candidates)
        state_form = StateForm(initial={"step": ""})
        state_form.track(analysis)
        steps = [
            (a, services.ANALYSIS_FLOW.transitions[a].label)
            for a in services.ANALYSIS_FLOW.available(analysis.state)
        ]
        return render(
            self.request,
            "quality/risks/analysis_detail.html",
            {
                "analysis": analysis,
                "risks": risks,
                "matrix": selectors.matrix_for(active),
                "levels": LEVELS.values(),
                "cell_query": f"analysis={analysis.pk}",
                "handler": handler,
                "add_form": add_form if handler and candidates.exists() else None,
                "steps": steps if handler else [],
                "state_form": state_form,
                "open": analysis.state == RiskAnalysis.State.OPEN,
            },
            status=status,
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.page(self.analysis(pk))


class AnalysisCreateView(AnalysisView):
    required_action = Action.HANDLE_QUALITY

    def form(self, data: Any = None) -> AnalysisForm:
        return AnalysisForm(data, units=handler_units(self.request.user), creating=True)

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(
            request, "quality/risks/analysis_form.html", {"form": self.form(), "creating": True}
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self.form(request.POST)
        if form.is_valid():
            try:
                analysis = services.analysis_create(actor=request.user, **form.service_data())
                return HttpResponseRedirect(reverse("quality:risk_analysis", args=[analysis.pk]))
            except ValidationError as exc:
                add_service_errors(form, exc)
        return render(
            request,
            "quality/risks/analysis_form.html",
            {"form": form, "creating": True},
            status=400,
        )


class AnalysisEditView(AnalysisView):
    def form(self, analysis: RiskAnalysis, data: Any = None) -> AnalysisForm:
        initial = {n: getattr(analysis, n) for n in FIELDS}
        form = AnalysisForm(data, units=None, creating=False, initial=initial)
        if data is None:
            form.track(analysis)
        return form

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        analysis = self.handled_analysis(pk)
        context = {"form": self.form(analysis), "analysis": analysis}
        return render(request, "quality/risks/analysis_form.html", context)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        analysis = self.handled_analysis(pk)
        form = self.form(analysis, request.POST)
        if form.is_valid():
            try:
                services.analysis_update(
                    actor=request.user,
                    analysis=analysis,
                    expected_version=form.expected_version,
                    **form.service_data(),
                )
                return HttpResponseRedirect(reverse("quality:risk_analysis", args=[analysis.pk]))
            except VersionConflict as exc:
                analysis.refresh_from_db()
                form.show_conflict(exc, {n: getattr(analysis, n) for n in FIELDS})
            except ValidationError as exc:
                add_service_errors(form, exc)
        context = {"form": form, "analysis": analysis}
        return render(request, "quality/risks/analysis_form.html", context, status=400)


class AnalysisStateView(AnalysisView):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        analysis = self.handled_analysis(pk)
        form = StateForm(request.POST)
        form.is_valid()
        try:
            services.analysis_transition(
                actor=request.user,
                analysis=analysis,
                action=request.POST.get("step", ""),
                expected_version=form.expected_version,
            )
        except ValidationError as exc:
            return render(
                request,
                "quality/risks/refused.html",
                {"analysis": analysis, "messages_": exc.messages},
                status=400,
            )
        return HttpResponseRedirect(reverse("quality:risk_analysis", args=[analysis.pk]))


class AnalysisAddRiskView(AnalysisDetailView):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        analysis = self.handled_analysis(pk)
        candidates = selectors.risks_visible(request.user).filter(
            unit__path__startswith=analysis.unit.path
        )
        form = AddRiskForm(request.POST, risks=candidates)
        if form.is_valid():
            try:
                services.analysis_add_risk(
                    actor=request.user, analysis=analysis, risk=form.cleaned_data["risk"]
                )
                return HttpResponseRedirect(reverse("quality:risk_analysis", args=[analysis.pk]))
            except ValidationError as exc:
                add_service_errors(form, exc)
        return self.page(analysis, form, 400)


urlpatterns = [
    path("risks/analyses/", AnalysisListView.as_view(), name="risk_analyses"),
    path("risks/analyses/new/", AnalysisCreateView.as_view(), name="risk_analysis_create"),
    path("risks/analyses/<int:pk>/", AnalysisDetailView.as_view(), name="risk_analysis"),
    path("risks/analyses/<int:pk>/edit/", AnalysisEditView.as_view(), name="risk_analysis_edit"),
    path("risks/analyses/<int:pk>/state/", AnalysisStateView.as_view(), name="risk_analysis_state"),
    path(
        "risks/analyses/<int:pk>/add-risk/",
        AnalysisAddRiskView.as_view(),
        name="risk_analysis_add_risk",
    ),
]
