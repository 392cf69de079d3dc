"""Case-file review pages (personal data: each names cases): my reviews, the review form of
one drawn case, the round's results (compliance, agreement, failures → deviation or action
item) and the data checks over every case of a unit and period."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, path
from django.utils import timezone
from django.utils.translation import gettext as _

from insyn.clients.models import Case
from insyn.core.audit import record_access
from insyn.core.concurrency import VersionConflict
from insyn.core.forms import add_service_errors
from insyn.core.roles import Action
from insyn.core.scoping import has_action, path_in_scope
from insyn.core.viewmixins import InsynView, get_scoped_object_or_404
from insyn.organisations.models import OrgUnit
from insyn.quality.forms.control import ChecksForm, review_form_class
from insyn.quality.models import ControlCase, ControlRound, ReviewAnswer, ReviewCriterion
from insyn.quality.selectors import control as selectors
from insyn.quality.selectors import control_rules
from insyn.quality.services import control as services
from insyn.quality.services import control_findings as findings


class MyReviewsView(InsynView):
    personal_data = True
    required_action = Action.VIEW_INDIVIDUAL

    def get(self, request: HttpRequest) -> HttpResponse:
        cases = list(selectors.my_reviews(request.user))
        record_access(actor=request.user, action="list", objects=cases, model=ControlCase)
        return render(request, "quality/control/mine.html", {"cases": cases})


class ReviewView(InsynView):
    """One drawn case: every criterion with its answer and comment; data-rule criteria come
    pre-filled from the data (the reviewer may change them)."""

    personal_data = True
    required_action = Action.VIEW_INDIVIDUAL

    def _case(self, pk: int) -> ControlCase:
        user = self.request.user
        queryset = (
            ControlCase.objects.restrict(user, Action.VIEW_INDIVIDUAL)
            .filter(Q(reviewer=user) | Q(second_reviewer=user))
            .select_related("round__template", "case__unit", "case__client")
        )
        return get_scoped_object_or_404(user, queryset, ControlCase.objects, pk=pk)

    def _render(self, cc: ControlCase, form: Any, status: int = 200) -> HttpResponse:
        record_access(actor=self.request.user, action="view", objects=[cc])
        criteria = list(cc.round.template.criteria.order_by("order", "id"))
        rows = [
            {"criterion": c, "answer": form[f"c{c.pk}"], "comment": form[f"comment{c.pk}"]}
            for c in criteria
        ]
        context = {
            "cc": cc,
            "form": form,
            "rows": rows,
            "data": services.prefilled(cc),
            "editable": cc.round.state == ControlRound.State.IN_REVIEW,
        }
        return render(self.request, "quality/control/review.html", context, status=status)

    def _initial(self, cc: ControlCase, criteria: list[ReviewCriterion]) -> dict[str, str]:
        initial: dict[str, str] = {}
        for pk, result in services.prefilled(cc).items():
            initial[f"c{pk}"] = result.answer
        user: Any = self.request.user
        for a in cc.answers.filter(reviewer=user):
            initial[f"c{a.criterion_id}"] = a.answer
            initial[f"comment{a.criterion_id}"] = a.comment
        return initial

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        cc = self._case(pk)
        criteria = list(cc.round.template.criteria.all())
        form = review_form_class(criteria)(initial=self._initial(cc, criteria))
        return self._render(cc, form)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        cc = self._case(pk)
        criteria = list(cc.round.template.criteria.all())
        form = review_form_class(criteria)(request.POST)
        if form.is_valid():
            answers = {
                c.pk: (form.cleaned_data[f"c{c.pk}"], form.cleaned_data[f"comment{c.pk}"])
                for c in criteria
            }
            version = request.POST.get("version")
            try:
                services.control_review_save(
                    actor=request.user,  # type: ignore[arg-type]
                    control_case=cc,
                    answers=answers,
                    expected_version=int(version) if version and version.isdigit() else None,
                )
            except VersionConflict as exc:
                form.add_error(None, exc.messages)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The review was saved."))
                return redirect("quality:control_my_reviews")
        cc.refresh_from_db()
        return self._render(cc, form, status=400)


class ResultsView(InsynView):
    """Compliance per criterion and unit with Wilson intervals, agreement between reviewers,
    and the failed criteria (naming cases) with buttons to open a deviation or an item."""

    personal_data = True
    required_action = Action.VIEW_QUALITY

    def _round(self, pk: int) -> ControlRound:
        user = self.request.user
        return get_scoped_object_or_404(user, selectors.rounds(user), ControlRound.objects, pk=pk)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        round_ = self._round(pk)
        overall, per_unit = selectors.compliance(round_)
        failed = selectors.failures(request.user, round_)
        record_access(
            actor=request.user,
            action="view",
            objects=list({a.control_case_id: a.control_case for a in failed}.values()),
            model=ControlCase,
            org_path=round_.unit.path,
        )
        user = request.user
        context = {
            "round": round_,
            "overall": overall,
            "per_unit": per_unit,
            "agreement": selectors.agreement(round_),
            "failed": failed,
            "may_plan": path_in_scope(user, Action.HANDLE_QUALITY, round_.unit.path),
            "may_report": has_action(user, Action.REPORT_QUALITY),
        }
        return render(request, "quality/control/results.html", context)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        round_ = self._round(pk)
        visible = selectors.failures(request.user, round_)
        answer = next((a for a in visible if str(a.pk) == request.POST.get("answer")), None)
        if answer is None:
            raise Http404
        try:
            if request.POST.get("op") == "action_item":
                item = findings.finding_to_action_item(actor=request.user, answer=answer)
                messages.success(
                    request,
                    _("An action item was added to the plan “%(p)s”.") % {"p": item.plan.title},
                )
                return redirect("quality:action_plan", pk=item.plan_id)
            if request.POST.get("op") == "deviation":
                deviation = findings.finding_to_deviation(
                    actor=request.user,  # type: ignore[arg-type]
                    answer=answer,
                )
                messages.success(
                    request, _("Deviation %(ref)s was reported.") % {"ref": deviation.reference}
                )
                return redirect("quality:deviation_detail", pk=deviation.pk)
        except ValidationError as exc:
            for text in exc.messages:
                messages.error(request, text)
            record_access(actor=request.user, action="view", objects=[answer.control_case])
            return redirect("quality:control_results", pk=round_.pk)
        raise Http404


class ChecksView(InsynView):
    """The data rules over every case of a unit's subtree active in a period (no sample)."""

    personal_data = True
    required_action = Action.VIEW_INDIVIDUAL

    def get(self, request: HttpRequest) -> HttpResponse:
        units = OrgUnit.objects.restrict(request.user, Action.VIEW_INDIVIDUAL).filter(active=True)
        form = ChecksForm(request.GET or None, units=units.order_by("path"))
        context: dict[str, Any] = {"form": form, "rules": ReviewCriterion.DataRule.choices}
        if form.is_valid():
            data = form.cleaned_data
            cases = (
                Case.objects.restrict(request.user, Action.VIEW_INDIVIDUAL)
                .filter(unit__path__startswith=data["unit"].path)
                .filter(opened_on__lte=data["period_end"])
                .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=data["period_start"]))
                .select_related("unit")
                .order_by("pk")
            )
            rows = control_rules.run_checks(
                cases, ReviewCriterion.DataRule.values, timezone.localdate()
            )
            totals = {
                rule: Counter(r[rule].answer for _, r in rows) for rule in control_rules.RULES
            }
            failing = [
                (case, results)
                for case, results in rows
                if any(
                    v.answer in (ReviewAnswer.Answer.NO, ReviewAnswer.Answer.PARTLY)
                    for v in results.values()
                )
            ]
            context.update({"checked": len(rows), "totals": totals, "failing": failing})
            record_access(
                actor=request.user,
                action="list",
                objects=[case for case, _ in failing],
                model=Case,
                org_path=data["unit"].path,
            )
        else:
            record_access(actor=request.user, action="view", model=Case)
        return render(request, "quality/control/checks.html", context)


urlpatterns: list[URLPattern | URLResolver] = [
    path("control/mine/", MyReviewsView.as_view(), name="control_my_reviews"),
    path("control/checks/", ChecksView.as_view(), name="control_checks"),
    path("control/review/<int:pk>/", ReviewView.as_view(), name="control_review"),
    path("control/<int:pk>/results/", ResultsView.as_view(), name="control_results"),
]
