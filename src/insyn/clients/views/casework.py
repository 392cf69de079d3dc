"""Investigations, appeals and the execution of a decision, from the case page. Thin: the
rules are in the services; every page shows personal data and is audited."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from insyn.clients import selectors, services
from insyn.clients.forms_casework import AppealForm, ExecutionForm, InvestigationForm
from insyn.clients.four_months import four_month_limit, four_month_status, handling_days
from insyn.clients.models import Appeal, Case, Decision, Investigation
from insyn.clients.services.execution import EXECUTION_FIELDS
from insyn.clients.views.base import ClientsView
from insyn.core.concurrency import VersionConflict, VersionedForm, initial_from
from insyn.core.forms import add_service_errors
from insyn.core.roles import Action
from insyn.core.viewmixins import get_scoped_object_or_404

TEMPLATE = "clients/casework_form.html"


class CaseworkView(ClientsView):
    required_action = Action.CHANGE_INDIVIDUAL
    title: Any = ""
    FIELDS: tuple[str, ...] = ()

    def get_investigation(self, pk: int) -> Investigation:
        qs = Investigation.objects.restrict(self.request.user, Action.CHANGE_INDIVIDUAL)
        return get_scoped_object_or_404(
            self.request.user, qs.select_related("case__client", "case__unit"), pk=pk
        )

    def get_appeal(self, pk: int) -> Appeal:
        qs = Appeal.objects.restrict(self.request.user, Action.CHANGE_INDIVIDUAL)
        return get_scoped_object_or_404(
            self.request.user,
            qs.select_related("decision__case__client", "decision__case__unit"),
            pk=pk,
        )

    def render_form(
        self,
        case: Case,
        form: VersionedForm,
        shown: list[Any],
        status: int = 200,
        subject: Any = None,
    ) -> HttpResponse:
        self.audit("view", [case.client, case, *shown])
        return render(
            self.request,
            TEMPLATE,
            {
                "case": case,
                "client": case.client,
                "form": form,
                "title": self.title,
                "subject": subject,
            },
            status=status,
        )

    def save(self, form: VersionedForm, service: Any, current: Any, **kwargs: Any) -> bool:
        """Run the service with the form's data; errors go back onto the form."""
        if not form.is_valid():
            return False
        data = form.service_data()
        if current is not None:  # a create has no version to match
            data["expected_version"] = form.expected_version
        try:
            service(actor=self.request.user, **kwargs, **data)
        except VersionConflict as exc:
            form.show_conflict(exc, initial_from(current, self.FIELDS))
            return False
        except ValidationError as exc:
            add_service_errors(form, exc)
            return False
        messages.success(self.request, _("Saved."))
        return True


def _workers(case: Case) -> Any:
    return selectors.case_workers_for(case.unit)


class InvestigationCreateView(CaseworkView):
    title = gettext_lazy("Record an investigation")

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        case = self.get_case(pk, Action.CHANGE_INDIVIDUAL)
        return self.render_form(case, InvestigationForm(case_workers=_workers(case)), [])

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        case = self.get_case(pk, Action.CHANGE_INDIVIDUAL)
        form = InvestigationForm(request.POST, case_workers=_workers(case))
        if self.save(form, services.investigation_record, None, case=case):
            return redirect("clients:case_detail", pk=case.pk)
        return self.render_form(case, form, [], status=400)


class InvestigationUpdateView(CaseworkView):
    title = gettext_lazy("Update investigation")
    FIELDS = (
        "started_on",
        "completed_on",
        "extended_on",
        "extension_reason",
        "outcome",
        "case_worker",
    )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        inv = self.get_investigation(pk)
        form = InvestigationForm(
            initial=initial_from(inv, self.FIELDS), case_workers=_workers(inv.case)
        )
        form.track(inv)
        return self.render_form(inv.case, form, [inv], subject=inv)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        inv = self.get_investigation(pk)
        form = InvestigationForm(request.POST, case_workers=_workers(inv.case))
        if self.save(form, services.investigation_update, inv, investigation=inv):
            return redirect("clients:case_detail", pk=inv.case_id)
        return self.render_form(inv.case, form, [inv], status=400, subject=inv)


class AppealCreateView(CaseworkView):
    title = gettext_lazy("Record an appeal")

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        decision = self.get_decision(pk, Action.CHANGE_INDIVIDUAL)
        return self.render_form(decision.case, AppealForm(), [decision], subject=decision)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        decision = self.get_decision(pk, Action.CHANGE_INDIVIDUAL)
        form = AppealForm(request.POST)
        if self.save(form, services.appeal_record, None, decision=decision):
            return redirect("clients:case_detail", pk=decision.case_id)
        return self.render_form(decision.case, form, [decision], status=400, subject=decision)


class AppealUpdateView(CaseworkView):
    title = gettext_lazy("Update appeal")
    FIELDS = ("appealed_on", "court", "court_reference", "decided_on", "outcome", "comment")

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        appeal = self.get_appeal(pk)
        form = AppealForm(initial=initial_from(appeal, self.FIELDS))
        form.track(appeal)
        case = appeal.decision.case
        return self.render_form(case, form, [appeal.decision, appeal], subject=appeal.decision)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        appeal = self.get_appeal(pk)
        case = appeal.decision.case
        form = AppealForm(request.POST)
        if self.save(form, services.appeal_update, appeal, appeal=appeal):
            return redirect("clients:case_detail", pk=case.pk)
        return self.render_form(
            case, form, [appeal.decision, appeal], status=400, subject=appeal.decision
        )


class DecisionExecutionView(CaseworkView):
    """Execution of a decision: executed, interrupted and resumed, partly executed, or ended
    without execution."""

    title = gettext_lazy("Execution of the decision")
    FIELDS = ("executed_on", *EXECUTION_FIELDS)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        decision = self.get_decision(pk, Action.CHANGE_INDIVIDUAL)
        form = ExecutionForm(initial=initial_from(decision, self.FIELDS))
        form.track(decision)
        return self.render_form(decision.case, form, [decision], subject=decision)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        decision: Decision = self.get_decision(pk, Action.CHANGE_INDIVIDUAL)
        form = ExecutionForm(request.POST)
        if self.save(form, services.decision_execution_update, decision, decision=decision):
            return redirect("clients:case_detail", pk=decision.case_id)
        return self.render_form(decision.case, form, [decision], status=400, subject=decision)


def case_casework(case: Case) -> dict[str, Any]:
    """What the case page shows of investigations (with the four-month rule) and appeals; the
    objects in `shown` go into the page's access entry."""
    today = timezone.localdate()
    investigations = list(case.investigations.select_related("case_worker"))
    rows: list[dict[str, Any]] = [
        {
            "investigation": inv,
            "status": four_month_status(inv, today),
            "limit": four_month_limit(inv.started_on),
            "days": handling_days(inv.started_on, inv.completed_on),
        }
        for inv in investigations
    ]
    appeals = list(
        Appeal.objects.filter(decision__case=case).select_related("decision__intervention_type")
    )
    return {
        "investigation_rows": rows,
        "four_month_warnings": [r for r in rows if r["status"].is_problem],
        "appeals": appeals,
        "shown": [*investigations, *appeals],
    }
