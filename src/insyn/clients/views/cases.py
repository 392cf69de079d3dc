"""Cases, decisions and interventions: open and close a case, record what was decided and
what was done."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from insyn.accounts.models import User
from insyn.clients import selectors, services
from insyn.clients.forms import (
    CaseCloseForm,
    CaseEditForm,
    CaseOpenForm,
    DecisionEditForm,
    DecisionForm,
    InterventionEditForm,
    InterventionForm,
)
from insyn.clients.models import Case, Client, Decision, Intervention
from insyn.clients.services.interventions import INTERVENTION_FIELDS
from insyn.clients.views.base import ClientsView
from insyn.clients.views.casework import case_casework
from insyn.clients.views.clients import read_offer
from insyn.core.concurrency import VersionConflict, initial_from
from insyn.core.forms import add_service_errors
from insyn.core.roles import Action
from insyn.core.validation import parse_int


def _case_workers(units: Any) -> Any:
    """Everyone who may be responsible for a case in one of these units."""
    users = None
    for unit in units:
        qs = selectors.case_workers_for(unit)
        users = qs if users is None else users | qs
    return users.distinct() if users is not None else User.objects.none()


class CaseListView(ClientsView):
    def get(self, request: HttpRequest) -> HttpResponse:
        status = request.GET.get("status", "open")
        mine = request.GET.get("mine") == "1"
        q = request.GET.get("q", "").strip()[:40]
        qs = selectors.cases_for(request.user, q=q, status=status, mine=mine)
        page = Paginator(qs, 50).get_page(request.GET.get("page"))
        self.audit("list", list(page.object_list), model=Case, detail={"q": q, "status": status})
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "clients/case_list.html",
            {"page": page, "status": status, "mine": mine, "q": q, "query": query.urlencode()},
        )


class CaseOpenView(ClientsView):
    """Open a case for a client the user can see, or (with `token`) for a person another unit
    registered, which the user identified by number."""

    required_action = Action.CHANGE_INDIVIDUAL

    def _target(self, request: HttpRequest, pk: int | None, token: str | None) -> Client:
        if token is not None:
            return read_offer(request, token)
        return self.get_client(pk or 0)

    def _form(self, data: Any = None) -> CaseOpenForm:
        units = self.entry_units()
        return CaseOpenForm(
            data,
            units=units,
            case_workers=_case_workers(units),
            initial={
                "unit": selectors.default_unit(self.request.user),
                "case_worker": self.request.user,
            },
        )

    def _render(
        self,
        request: HttpRequest,
        client: Client,
        form: CaseOpenForm,
        status: int = 200,
        offer_mode: bool = False,
    ) -> HttpResponse:
        self.audit("view", [client])
        form.fields["unit"].queryset = form.fields["unit"].queryset.filter(  # type: ignore[attr-defined]
            municipality_id=client.municipality_id
        )
        return render(
            request,
            "clients/case_open.html",
            {"client": client, "form": form, "offer_mode": offer_mode},
            status=status,
        )

    def get(self, request: HttpRequest, pk: int | None = None, token: str | None = None) -> Any:
        client = self._target(request, pk, token)
        return self._render(request, client, self._form(), offer_mode=token is not None)

    def post(self, request: HttpRequest, pk: int | None = None, token: str | None = None) -> Any:
        client = self._target(request, pk, token)
        form = self._form(request.POST)
        if form.is_valid():
            try:
                case = services.case_open(actor=request.user, client=client, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                note = _(" It is a re-actualisation.") if case.reactualisation else ""
                messages.success(
                    request,
                    _("Case %(ref)s was opened.") % {"ref": case.case_ref} + note,
                )
                return redirect("clients:case_detail", pk=case.pk)
        return self._render(request, client, form, status=400, offer_mode=token is not None)


class CaseDetailView(ClientsView):
    def _render(
        self, request: HttpRequest, case: Case, form: CaseCloseForm | None, status: int = 200
    ) -> HttpResponse:
        decisions = list(case.decisions.select_related("intervention_type", "legal_basis"))
        interventions = list(
            case.interventions.select_related(
                "intervention_type", "provider", "end_reason", "decision"
            )
        )
        casework = case_casework(case)
        self.audit("view", [case.client, case, *decisions, *interventions, *casework["shown"]])
        can_change = (
            Case.objects.restrict(request.user, Action.CHANGE_INDIVIDUAL)
            .filter(pk=case.pk)
            .exists()
        )
        return render(
            request,
            "clients/case_detail.html",
            {
                "case": case,
                "client": case.client,
                "decisions": decisions,
                "interventions": interventions,
                **casework,
                "can_change": can_change,
                # A refused close stays on the page with its message even when the case was
                # closed meanwhile (by someone else, which the message then says).
                "close_form": form
                if can_change and (case.closed_on is None or (form is not None and form.is_bound))
                else None,
            },
            status=status,
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        case = self.get_case(pk)
        form = CaseCloseForm(initial=CaseCloseForm.initial_for(case))
        form.track(case)
        return self._render(request, case, form)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        case = self.get_case(pk, Action.CHANGE_INDIVIDUAL)
        form = CaseCloseForm(request.POST)
        if form.is_valid():
            try:
                services.case_close(
                    actor=request.user,
                    case=case,
                    expected_version=form.expected_version,
                    **form.service_data(),
                )
            except VersionConflict as exc:
                form.show_conflict(exc, CaseCloseForm.initial_for(case))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The case was closed."))
                return redirect("clients:case_detail", pk=case.pk)
        return self._render(request, case, form, status=400)


class CaseEditView(ClientsView):
    """Correct a case: unit, dates, source, reason, responsible case worker."""

    required_action = Action.CHANGE_INDIVIDUAL
    FIELDS = ("unit", "opened_on", "source", "reason", "case_worker", "closed_on")

    def _form(self, data: Any = None, initial: Any = None) -> CaseEditForm:
        units = self.entry_units()
        return CaseEditForm(data, initial=initial, units=units, case_workers=_case_workers(units))

    def _render(
        self, request: HttpRequest, case: Case, form: CaseEditForm, status: int = 200
    ) -> HttpResponse:
        self.audit("view", [case.client, case])
        return render(
            request,
            "clients/case_edit.html",
            {"case": case, "client": case.client, "form": form},
            status=status,
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        case = self.get_case(pk, Action.CHANGE_INDIVIDUAL)
        form = self._form(initial=initial_from(case, self.FIELDS))
        form.track(case)
        return self._render(request, case, form)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        case = self.get_case(pk, Action.CHANGE_INDIVIDUAL)
        form = self._form(request.POST)
        if form.is_valid():
            try:
                services.case_update(
                    actor=request.user,
                    case=case,
                    expected_version=form.expected_version,
                    **form.service_data(),
                )
            except VersionConflict as exc:
                form.show_conflict(exc, initial_from(case, self.FIELDS))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("clients:case_detail", pk=case.pk)
        return self._render(request, case, form, status=400)


class DecisionFormMixin(ClientsView):
    """One page for recording and for correcting a decision."""

    required_action = Action.CHANGE_INDIVIDUAL

    def render_form(
        self,
        request: HttpRequest,
        case: Case,
        form: DecisionForm,
        decision: Decision | None = None,
        status: int = 200,
    ) -> HttpResponse:
        self.audit("view", [case.client, case, *([decision] if decision else [])])
        return render(
            request,
            "clients/decision_form.html",
            {"case": case, "client": case.client, "form": form, "decision": decision},
            status=status,
        )


class DecisionCreateView(DecisionFormMixin):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        case = self.get_case(pk, Action.CHANGE_INDIVIDUAL)
        return self.render_form(
            request, case, DecisionForm(types=selectors.active_intervention_types())
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        case = self.get_case(pk, Action.CHANGE_INDIVIDUAL)
        form = DecisionForm(request.POST, types=selectors.active_intervention_types())
        if form.is_valid():
            data = dict(form.cleaned_data)
            then_intervention = data.pop("then_intervention")
            try:
                decision = services.decision_record(actor=request.user, case=case, **data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The decision was recorded."))
                if then_intervention:
                    url = reverse("clients:intervention_create", args=[case.pk])
                    return redirect(f"{url}?decision={decision.pk}")
                return redirect("clients:case_detail", pk=case.pk)
        return self.render_form(request, case, form, status=400)


class DecisionUpdateView(DecisionFormMixin):
    """Correct a recorded decision (type, legal basis, dates, comment); the change is logged
    with the values before and after."""

    FIELDS = ("intervention_type", "legal_basis", "decided_on", "executed_on", "comment")

    def _form(self, data: Any = None, initial: Any = None) -> DecisionEditForm:
        types = selectors.active_intervention_types()
        return DecisionEditForm(data, initial=initial, types=types)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        decision = self.get_decision(pk, Action.CHANGE_INDIVIDUAL)
        form = self._form(initial=initial_from(decision, self.FIELDS))
        form.track(decision)
        return self.render_form(request, decision.case, form, decision)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        decision = self.get_decision(pk, Action.CHANGE_INDIVIDUAL)
        form = self._form(request.POST)
        if form.is_valid():
            try:
                services.decision_update(
                    actor=request.user,
                    decision=decision,
                    expected_version=form.expected_version,
                    **form.service_data(),
                )
            except VersionConflict as exc:
                form.show_conflict(exc, initial_from(decision, self.FIELDS))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The decision was updated."))
                return redirect("clients:case_detail", pk=decision.case_id)
        return self.render_form(request, decision.case, form, decision, status=400)


class InterventionFormMixin(ClientsView):
    required_action = Action.CHANGE_INDIVIDUAL
    template = "clients/intervention_form.html"

    form_class: type[InterventionForm] = InterventionForm

    def make_form(self, case: Case, data: Any = None, initial: Any = None) -> Any:
        return self.form_class(
            data,
            initial=initial,
            decisions=Decision.objects.filter(case=case).select_related("intervention_type"),
            types=selectors.active_intervention_types(),
            providers=selectors.usable_providers(case.municipality_id),
        )

    def render_form(
        self,
        request: HttpRequest,
        case: Case,
        form: InterventionForm,
        intervention: Intervention | None = None,
        status: int = 200,
    ) -> HttpResponse:
        self.audit("view", [case.client, case, *([intervention] if intervention else [])])
        return render(
            request,
            self.template,
            {"case": case, "client": case.client, "form": form, "intervention": intervention},
            status=status,
        )


class InterventionCreateView(InterventionFormMixin):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        case = self.get_case(pk, Action.CHANGE_INDIVIDUAL)
        decision_id = parse_int(request.GET.get("decision", ""))
        decision = None
        if decision_id is not None:
            decision = get_object_or_404(Decision, case=case, pk=decision_id)
        initial: dict[str, Any] = {"decision": decision}
        if decision is not None:
            initial["intervention_type"] = decision.intervention_type
            initial["started_on"] = decision.executed_on or decision.decided_on
        return self.render_form(request, case, self.make_form(case, initial=initial))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        case = self.get_case(pk, Action.CHANGE_INDIVIDUAL)
        form = self.make_form(case, request.POST)
        if form.is_valid():
            try:
                services.intervention_record(actor=request.user, case=case, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The intervention was recorded."))
                return redirect("clients:client_detail", pk=case.client_id)
        return self.render_form(request, case, form, status=400)


class InterventionUpdateView(InterventionFormMixin):
    form_class = InterventionEditForm
    FIELDS = INTERVENTION_FIELDS

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        intervention = self.get_intervention(pk, Action.CHANGE_INDIVIDUAL)
        form = self.make_form(intervention.case, initial=initial_from(intervention, self.FIELDS))
        form.track(intervention)
        return self.render_form(request, intervention.case, form, intervention)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        intervention = self.get_intervention(pk, Action.CHANGE_INDIVIDUAL)
        case = intervention.case
        form = self.make_form(case, request.POST)
        if form.is_valid():
            data = form.service_data()
            data["intervention_type"] = data["intervention_type"] or (
                data["decision"].intervention_type
                if data["decision"]
                else intervention.intervention_type
            )
            try:
                services.intervention_update(
                    actor=request.user,
                    intervention=intervention,
                    expected_version=form.expected_version,
                    **data,
                )
            except VersionConflict as exc:
                form.show_conflict(exc, initial_from(intervention, self.FIELDS))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The intervention was updated."))
                return redirect("clients:client_detail", pk=case.client_id)
        return self.render_form(request, case, form, intervention, status=400)
