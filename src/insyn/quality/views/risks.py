"""Risk analysis: the register with its 4×4 matrix, a risk's page (history, measures,
recurring deviations) and its forms. Thin: reads through selectors/risks.py, writes through
services/risks.py. Risks are org data about the work (no client; staff only as owner or
assessor), so these pages are not personal-data views; the recurring deviations are shown as
counts, with a link to the (audited) deviation list for those who may read it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insyn.core.concurrency import VersionConflict
from insyn.core.forms import add_service_errors
from insyn.core.roles import Action
from insyn.core.scoping import granted_paths, path_in_scope
from insyn.core.validation import parse_int
from insyn.core.viewmixins import InsynView, get_scoped_object_or_404
from insyn.organisations.models import OrgUnit
from insyn.quality.forms.action_plans import owner_choices, responsible_choices
from insyn.quality.forms.risks import MeasureForm, ReassessForm, RiskFilterForm, RiskForm, StateForm
from insyn.quality.models import ActionItem, ActionPlan, Risk, RiskAnalysis
from insyn.quality.risk_matrix import LEVELS, level_of
from insyn.quality.selectors import risks as selectors
from insyn.quality.services import risks as services
from insyn.quality.views.action_plans import handler_units

EDIT_FIELDS = ("process", "title", "cause", "consequence", "reassess_on")


class RiskView(InsynView):
    personal_data = False
    required_action = Action.VIEW_QUALITY

    def risk(self, pk: int) -> Risk:
        return get_scoped_object_or_404(
            self.request.user, selectors.risks_visible(self.request.user), Risk.objects, pk=pk
        )

    def handled_risk(self, pk: int) -> Risk:
        """A risk the user may change, else the same 404 as a missing one."""
        risk = self.risk(pk)
        if not path_in_scope(self.request.user, Action.HANDLE_QUALITY, risk.unit.path):
            raise Http404
        return risk


def viewer_units(user: Any) -> Any:
    return OrgUnit.objects.restrict(user, Action.VIEW_QUALITY).filter(active=True).order_by("path")


class RiskListView(RiskView):
    template_name = "quality/risks/list.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        user: Any = request.user
        form = RiskFilterForm(request.GET or None, units=viewer_units(user))
        filters = form.filters()
        analysis = None
        raw = request.GET.get("analysis")
        if raw:
            pk = parse_int(raw)
            analysis = selectors.analyses_visible(user).filter(pk=pk).first() if pk else None
            if analysis is None:
                raise Http404
            filters["analysis"] = analysis
        today = timezone.localdate()
        qs = selectors.risks_filtered(selectors.risks_visible(user), today=today, **filters)
        # the matrix counts the filtered risks, whatever cell was picked, so the grid stays whole
        cell_free = {k: v for k, v in filters.items() if k not in ("probability", "severity")}
        grid = selectors.matrix_for(
            selectors.risks_filtered(selectors.risks_visible(user), today=today, **cell_free)
        )
        query = request.GET.copy()
        for key in ("probability", "severity"):
            query.pop(key, None)
        risks = list(qs[:300])
        for r in risks:
            r.level = level_of(r.probability, r.severity)  # type: ignore[attr-defined]
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "risks": risks,
                "matrix": grid,
                "levels": LEVELS.values(),
                "cell_query": query.urlencode(),
                "analysis": analysis,
                "today": today,
                "may_create": bool(granted_paths(user, Action.HANDLE_QUALITY)),
            },
            status=400 if form.is_bound and not form.is_valid() else 200,
        )


class RiskDetailView(RiskView):
    template_name = "quality/risks/detail.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        risk = self.risk(pk)
        user: Any = request.user
        today = timezone.localdate()
        plans = list(ActionPlan.objects.filter(risk=risk).order_by("created_at"))
        items = list(
            ActionItem.objects.filter(plan__in=plans)
            .select_related("responsible", "plan")
            .order_by("due_on", "pk")
        )
        handler = path_in_scope(user, Action.HANDLE_QUALITY, risk.unit.path)
        state_form = StateForm(initial={"step": ""})
        state_form.track(risk)
        steps = [
            (a, services.RISK_FLOW.transitions[a].label)
            for a in services.RISK_FLOW.available(risk.state)
        ]
        return render(
            request,
            self.template_name,
            {
                "risk": risk,
                "level": level_of(risk.probability, risk.severity),
                "assessments": [
                    (a, level_of(a.probability, a.severity))
                    for a in risk.assessments.select_related("assessed_by")
                ],
                "plans": plans,
                "items": items,
                "recurring": selectors.recurring_deviations(risk, user, today),
                "handler": handler,
                "steps": steps if handler else [],
                "state_form": state_form,
                "due": risk.state == Risk.State.ACTIVE
                and risk.reassess_on is not None
                and risk.reassess_on <= today,
            },
        )


class RiskCreateView(RiskView):
    template_name = "quality/risks/form.html"
    required_action = Action.HANDLE_QUALITY

    def analysis(self) -> RiskAnalysis | None:
        raw = self.request.GET.get("analysis")
        if not raw:
            return None
        pk = parse_int(raw)
        found = selectors.analyses_visible(self.request.user).filter(pk=pk).first() if pk else None
        if found is None or not path_in_scope(
            self.request.user, Action.HANDLE_QUALITY, found.unit.path
        ):
            raise Http404
        return found

    def form(self, analysis: RiskAnalysis | None, data: Any = None) -> RiskForm:
        units = handler_units(self.request.user)
        if analysis is not None:
            units = units.filter(path__startswith=analysis.unit.path)
        first = analysis.unit if analysis is not None else units.first()
        owners = owner_choices(first) if first is not None else owner_choices(OrgUnit())
        initial = {"owner": self.request.user.pk, "unit": first.pk if first else None}
        return RiskForm(data, units=units, owners=owners, creating=True, initial=initial)

    def page(self, form: RiskForm, analysis: RiskAnalysis | None, status: int = 200) -> Any:
        context = {"form": form, "analysis": analysis, "creating": True}
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        analysis = self.analysis()
        return self.page(self.form(analysis), analysis)

    def post(self, request: HttpRequest) -> HttpResponse:
        analysis = self.analysis()
        form = self.form(analysis, request.POST)
        if form.is_valid():
            try:
                risk = services.risk_register(
                    actor=request.user, analysis=analysis, **form.service_data()
                )
                return HttpResponseRedirect(reverse("quality:risk", args=[risk.pk]))
            except ValidationError as exc:
                add_service_errors(form, exc)
        return self.page(form, analysis, 400)


class RiskEditView(RiskView):
    template_name = "quality/risks/form.html"

    def initial(self, risk: Risk) -> dict[str, Any]:
        values = {n: getattr(risk, n) for n in EDIT_FIELDS}
        values["owner"] = risk.owner_id
        values["deviation_category"] = risk.deviation_category_id
        return values

    def form(self, risk: Risk, data: Any = None) -> RiskForm:
        form = RiskForm(
            data,
            units=None,
            owners=owner_choices(risk.unit),
            creating=False,
            initial=self.initial(risk),
        )
        if data is None:
            form.track(risk)
        return form

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        risk = self.handled_risk(pk)
        return render(request, self.template_name, {"form": self.form(risk), "risk": risk})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        risk = self.handled_risk(pk)
        form = self.form(risk, request.POST)
        if form.is_valid():
            try:
                services.risk_update(
                    actor=request.user,
                    risk=risk,
                    expected_version=form.expected_version,
                    **form.service_data(),
                )
                return HttpResponseRedirect(reverse("quality:risk", args=[risk.pk]))
            except VersionConflict as exc:
                risk.refresh_from_db()
                form.show_conflict(exc, self.initial(risk))
            except ValidationError as exc:
                add_service_errors(form, exc)
        return render(request, self.template_name, {"form": form, "risk": risk}, status=400)


class RiskReassessView(RiskView):
    template_name = "quality/risks/reassess.html"

    def form(self, risk: Risk, data: Any = None) -> ReassessForm:
        initial = {
            "probability": risk.probability,
            "severity": risk.severity,
            "treatment": risk.treatment,
            "assessed_on": timezone.localdate(),
        }
        form = ReassessForm(data, initial=initial)
        if data is None:
            form.track(risk)
        return form

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        risk = self.handled_risk(pk)
        return render(request, self.template_name, {"form": self.form(risk), "risk": risk})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        risk = self.handled_risk(pk)
        form = self.form(risk, request.POST)
        if form.is_valid():
            try:
                services.risk_reassess(
                    actor=request.user,
                    risk=risk,
                    expected_version=form.expected_version,
                    **form.service_data(),
                )
                return HttpResponseRedirect(reverse("quality:risk", args=[risk.pk]))
            except VersionConflict as exc:
                risk.refresh_from_db()
                form.show_conflict(
                    exc, {"probability": risk.probability, "severity": risk.severity}
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
        return render(request, self.template_name, {"form": form, "risk": risk}, status=400)


class RiskStateView(RiskView):
    """POST only: close or reopen; a refusal answers 400 with the reason."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        risk = self.handled_risk(pk)
        form = StateForm(request.POST)
        form.is_valid()
        try:
            services.risk_transition(
                actor=request.user,
                risk=risk,
                action=request.POST.get("step", ""),
                expected_version=form.expected_version,
            )
        except ValidationError as exc:
            return render(
                request,
                "quality/risks/refused.html",
                {"risk": risk, "messages_": exc.messages},
                status=400,
            )
        return HttpResponseRedirect(reverse("quality:risk", args=[risk.pk]))


class RiskMeasureView(RiskView):
    """A measure against the risk: an action-plan item (the plan is made on first use)."""

    template_name = "quality/risks/measure.html"

    def form(self, risk: Risk, data: Any = None) -> MeasureForm:
        return MeasureForm(data, people=responsible_choices(risk.unit))

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        risk = self.handled_risk(pk)
        return render(request, self.template_name, {"form": self.form(risk), "risk": risk})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        risk = self.handled_risk(pk)
        form = self.form(risk, request.POST)
        if form.is_valid():
            try:
                services.risk_add_measure(actor=request.user, risk=risk, **form.cleaned_data)
                return HttpResponseRedirect(reverse("quality:risk", args=[risk.pk]) + "#measures")
            except ValidationError as exc:
                add_service_errors(form, exc)
        return render(request, self.template_name, {"form": form, "risk": risk}, status=400)


def _patterns() -> list[URLPattern | URLResolver]:
    from insyn.quality.views import risk_analyses

    return [
        path("risks/", RiskListView.as_view(), name="risks"),
        path("risks/new/", RiskCreateView.as_view(), name="risk_create"),
        path("risks/<int:pk>/", RiskDetailView.as_view(), name="risk"),
        path("risks/<int:pk>/edit/", RiskEditView.as_view(), name="risk_edit"),
        path("risks/<int:pk>/reassess/", RiskReassessView.as_view(), name="risk_reassess"),
        path("risks/<int:pk>/state/", RiskStateView.as_view(), name="risk_state"),
        path("risks/<int:pk>/measure/", RiskMeasureView.as_view(), name="risk_measure"),
        *risk_analyses.urlpatterns,
    ]


urlpatterns: list[URLPattern | URLResolver] = _patterns()


def register() -> None:
    """Navigation (placement="quality"), the digest section and the dashboard panel."""
    from insyn.core.navigation import NavItem, register_nav
    from insyn.quality.dashboard_panels import DashboardPanel, register_panel
    from insyn.quality.digest import DigestSection, register_digest_section
    from insyn.quality.views.risk_panel import risk_panel

    register_nav(
        NavItem("risks", _("Risks"), "quality:risks", Action.VIEW_QUALITY, 80, placement="quality")
    )
    register_panel(DashboardPanel("risks", "quality/risks/panel.html", risk_panel, order=80))
    register_digest_section(
        DigestSection("risks", _("Risks to reassess"), selectors.digest_risks_due, order=80)
    )
