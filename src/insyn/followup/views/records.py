"""Steps 2–4 pages: a client's enrolments and occasions, the occasion form, goals.

Every page here shows an individual's data and records an access entry; writes go through
the services, which re-check scope (CHANGE_INDIVIDUAL) inside their transaction.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from insyn.clients.models import Intervention
from insyn.core.audit import record_access
from insyn.core.concurrency import VersionConflict
from insyn.core.forms import add_service_errors
from insyn.core.roles import Action
from insyn.core.scoping import path_in_scope
from insyn.core.viewmixins import InsynView, get_scoped_object_or_404
from insyn.followup import selectors, services
from insyn.followup.forms.recording import (
    PREFIX,
    EnrolForm,
    ExtentForm,
    GoalForm,
    InstrumentBlock,
    MissedForm,
    OccasionForm,
)
from insyn.followup.models import Enrollment, Instrument, Occasion, Programme
from insyn.followup.scoring import running_score
from insyn.followup.services.enrollment import latest_published
from insyn.followup.services.submission import (
    Extent,
    NewGoal,
    occasion_submit,
)


def _can_change(request: HttpRequest, enrollment: Enrollment) -> bool:
    return path_in_scope(request.user, Action.CHANGE_INDIVIDUAL, enrollment.unit.path)


def _purpose(request: HttpRequest) -> str:
    return request.GET.get("purpose", "")


class InterventionFollowupView(InsynView):
    """An intervention's follow-up: its enrolments and occasions; enrol by hand."""

    personal_data = True
    required_action = Action.VIEW_INDIVIDUAL

    def _intervention(self, request: HttpRequest, pk: int, action: Action) -> Intervention:
        qs = Intervention.objects.restrict(request.user, action).select_related(
            "case", "case__unit", "case__client", "intervention_type"
        )
        return get_scoped_object_or_404(request.user, qs, pk=pk)

    def _programmes(self, intervention: Intervention) -> Any:
        enrolled = intervention.enrollments.values_list("programme__key", flat=True)
        ids = [
            p.pk
            for p in latest_published(for_unit_path=intervention.case.unit.path)
            if p.key not in set(enrolled)
        ]
        return Programme.objects.filter(pk__in=ids).order_by("name")

    def _render(
        self,
        request: HttpRequest,
        intervention: Intervention,
        form: EnrolForm | None,
        status: int = 200,
    ) -> HttpResponse:
        occasions = Occasion.objects.select_related("stage", "non_response_reason")
        enrollments = list(
            intervention.enrollments.select_related("programme", "responsible").prefetch_related(
                Prefetch("occasions", queryset=occasions.in_stage_order())
            )
        )
        record_access(
            actor=request.user, action="view", objects=[intervention], purpose=_purpose(request)
        )
        can_change = path_in_scope(
            request.user, Action.CHANGE_INDIVIDUAL, intervention.case.unit.path
        )
        if form is None and can_change:
            form = EnrolForm(programmes=self._programmes(intervention))
        return render(
            request,
            "followup/intervention.html",
            {
                "intervention": intervention,
                "client": intervention.case.client,
                "enrollments": enrollments,
                "form": form if can_change else None,
            },
            status=status,
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._render(request, self._intervention(request, pk, Action.VIEW_INDIVIDUAL), None)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        intervention = self._intervention(request, pk, Action.CHANGE_INDIVIDUAL)
        form = EnrolForm(request.POST, programmes=self._programmes(intervention))
        if form.is_valid():
            try:
                enrollment = services.enrollment_create(
                    actor=request.user,
                    programme=form.cleaned_data["programme"],
                    intervention=intervention,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The client is enrolled."))
                return redirect("followup:enrollment", pk=enrollment.pk)
        return self._render(request, intervention, form, status=400)


class EnrollmentView(InsynView):
    personal_data = True
    required_action = Action.VIEW_INDIVIDUAL

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        enrollment = get_scoped_object_or_404(
            request.user, selectors.enrollments(request.user), pk=pk
        )
        record_access(
            actor=request.user, action="view", objects=[enrollment], purpose=_purpose(request)
        )
        occasions = enrollment.occasions.select_related(
            "stage", "non_response_reason"
        ).in_stage_order()
        return render(
            request,
            "followup/enrollment.html",
            {
                "enrollment": enrollment,
                "occasions": occasions,
                "goal_rows": selectors.goal_rows(enrollment),
                "can_change": _can_change(request, enrollment),
            },
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        enrollment = get_scoped_object_or_404(
            request.user, selectors.enrollments(request.user, Action.CHANGE_INDIVIDUAL), pk=pk
        )
        op = request.POST.get("op")
        # The answer (a message about this enrolment) names the person: an access entry even
        # when the service refuses and nothing is changed.
        record_access(
            actor=request.user, action="view", objects=[enrollment], detail={"op": op or ""}
        )
        try:
            if op == "withdraw":
                services.enrollment_withdraw(actor=request.user, enrollment=enrollment)
                messages.success(request, _("The client was withdrawn from the programme."))
            elif op == "take":
                services.enrollment_assign(
                    actor=request.user,
                    enrollment=enrollment,
                    responsible=request.user,  # type: ignore[arg-type]
                )
                messages.success(request, _("You are responsible for this follow-up."))
            else:
                raise Http404
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        return redirect("followup:enrollment", pk=pk)


class OccasionView(InsynView):
    """One occasion: what was recorded (instrument totals with bands), goals, next steps."""

    personal_data = True
    required_action = Action.VIEW_INDIVIDUAL

    def _render(
        self,
        request: HttpRequest,
        occasion: Occasion,
        goal_form: GoalForm | None = None,
        status: int = 200,
    ) -> HttpResponse:
        enrollment = occasion.enrollment
        record_access(
            actor=request.user, action="view", objects=[occasion], purpose=_purpose(request)
        )
        can_change = _can_change(request, enrollment)
        if goal_form is None and can_change and occasion.stage.sets_goals:
            goal_form = GoalForm(occasion=occasion)
        return render(
            request,
            "followup/occasion.html",
            {
                "occasion": occasion,
                "enrollment": enrollment,
                "values": selectors.shown_values(occasion),
                "goal_rows": selectors.goal_rows(enrollment),
                "goal_form": goal_form if can_change and occasion.stage.sets_goals else None,
                "can_change": can_change,
                "open": occasion.status in Occasion.OPEN_STATUSES,
                "active": enrollment.status != Enrollment.Status.WITHDRAWN,
            },
            status=status,
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._render(
            request,
            get_scoped_object_or_404(request.user, selectors.occasions(request.user), pk=pk),
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Add a goal (where goals are set) or reopen an occasion marked as not done."""
        occasion = get_scoped_object_or_404(
            request.user, selectors.occasions(request.user, Action.CHANGE_INDIVIDUAL), pk=pk
        )
        if request.POST.get("op") == "reopen":
            try:
                services.occasion_reopen(actor=request.user, occasion=occasion)
            except ValidationError as exc:
                record_access(
                    actor=request.user, action="view", objects=[occasion], detail={"op": "reopen"}
                )
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("The occasion is open again."))
            return redirect("followup:occasion", pk=pk)
        if not occasion.stage.sets_goals:
            raise Http404
        form = GoalForm(request.POST, occasion=occasion)
        if form.is_valid():
            try:
                services.goal_set(
                    actor=request.user,
                    enrollment=occasion.enrollment,
                    text=form.cleaned_data["text"],
                    variable=form.cleaned_data["variable"],
                    target=form.cleaned_data["target"],
                    direction=form.cleaned_data["direction"],
                    set_on=occasion.done_on,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The goal was added."))
                return redirect("followup:occasion", pk=pk)
        return self._render(request, occasion, goal_form=form, status=400)


def _map_key(key: str) -> str:
    """A submission error key -> the form field it belongs to."""
    if key.startswith("goal:"):
        return f"goal-{key[5:]}"
    if key.startswith("assessment:"):
        return f"outcome-{key.split(':')[1]}"
    if key.startswith("extent:"):
        return f"extent-{key[7:]}"
    if key in ("done_on", "note", "__all__"):
        return key
    return f"{PREFIX}{key}"


class OccasionRecordView(InsynView):
    """The occasion form: values generated from the stage's variables, goals, extent, or
    non-response with its reason. Nothing typed is lost when something is wrong."""

    personal_data = True
    required_action = Action.CHANGE_INDIVIDUAL

    def _occasion(self, request: HttpRequest, pk: int) -> Occasion:
        occasion = get_scoped_object_or_404(
            request.user, selectors.occasions(request.user, Action.CHANGE_INDIVIDUAL), pk=pk
        )
        if occasion.enrollment.status == Enrollment.Status.WITHDRAWN:
            raise Http404
        return occasion

    def _extent_form(self, occasion: Occasion, data: Any = None) -> ExtentForm | None:
        intervention = occasion.enrollment.intervention
        if occasion.stage.kind != "after" or intervention is None:
            return None
        return ExtentForm(data, initial=ExtentForm.initial_for(intervention))

    def _render(
        self, request: HttpRequest, occasion: Occasion, forms: dict[str, Any], status: int = 200
    ) -> HttpResponse:
        form: OccasionForm = forms["form"]
        sex = occasion.enrollment.client.sex
        for block in form.blocks:
            if isinstance(block, InstrumentBlock):
                block.compute_score(sex)
        record_access(
            actor=request.user, action="view", objects=[occasion], purpose=_purpose(request)
        )
        goal_rows = (
            selectors.goal_rows(occasion.enrollment) if occasion.stage.assesses_goals else []
        )
        outcome_fields = {g.pk: form[f"outcome-{g.pk}"] for g in form.goals}
        return render(
            request,
            "followup/occasion_record.html",
            {
                "occasion": occasion,
                "enrollment": occasion.enrollment,
                "sex": sex,
                "assess_rows": [(row, outcome_fields[row.goal.pk]) for row in goal_rows],
                **forms,
            },
            status=status,
        )

    @staticmethod
    def _initial(occasion: Occasion) -> dict[str, Any]:
        if occasion.status == Occasion.Status.DONE:
            return OccasionForm.initial_for(occasion)
        return {}

    def _forms(self, occasion: Occasion, data: Any = None) -> dict[str, Any]:
        form = OccasionForm(data, occasion=occasion, initial=self._initial(occasion))
        if data is None:
            form.track(occasion)
        return {
            "form": form,
            "goal_form": GoalForm(data, occasion=occasion, optional=True)
            if occasion.stage.sets_goals
            else None,
            "extent_form": self._extent_form(occasion, data),
            "missed_form": self._missed_form(occasion),
        }

    @staticmethod
    def _missed_form(occasion: Occasion, data: Any = None) -> MissedForm:
        if data is not None:
            return MissedForm(data)
        form = MissedForm(initial=MissedForm.initial_for(occasion))
        form.track(occasion)
        return form

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        occasion = self._occasion(request, pk)
        return self._render(request, occasion, self._forms(occasion))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        occasion = self._occasion(request, pk)
        if request.POST.get("op") == "missed":
            return self._missed(request, occasion)
        forms = self._forms(occasion, request.POST)
        form, goal_form, extent_form = forms["form"], forms["goal_form"], forms["extent_form"]
        valid = all(f.is_valid() for f in (form, goal_form, extent_form) if f is not None)
        if valid:
            new_goal = None
            if goal_form is not None and (goal_form.cleaned_data["text"] or "").strip():
                d = goal_form.cleaned_data
                new_goal = NewGoal(d["text"], d["variable"], d["target"], d["direction"])
            extent = Extent(**extent_form.cleaned_data) if extent_form is not None else None
            try:
                occasion_submit(
                    actor=request.user,
                    occasion=occasion,
                    values=form.values(),
                    done_on=form.cleaned_data["done_on"],
                    note=form.cleaned_data["note"],
                    assessments=form.assessments(),
                    new_goal=new_goal,
                    extent=extent,
                    expected_version=form.expected_version,
                )
            except VersionConflict as exc:
                form.show_conflict(exc, self._initial(occasion))
            except ValidationError as exc:
                self._errors(exc, form, goal_form, extent_form)
            else:
                messages.success(request, _("The follow-up was recorded."))
                return redirect("followup:occasion", pk=occasion.pk)
        return self._render(request, occasion, forms, status=400)

    def _errors(
        self, exc: ValidationError, form: OccasionForm, goal_form: Any, extent_form: Any
    ) -> None:
        for key, msgs in exc.message_dict.items():
            name = _map_key(key)
            target = form
            if name.startswith("goal-") and goal_form is not None:
                target, name = goal_form, name[5:]
            elif name.startswith("extent-") and extent_form is not None:
                target, name = extent_form, name[7:]
            target.add_error(name if name in target.fields else None, msgs)

    def _missed(self, request: HttpRequest, occasion: Occasion) -> HttpResponse:
        missed_form = self._missed_form(occasion, request.POST)
        if missed_form.is_valid():
            try:
                services.occasion_mark_missed(
                    actor=request.user,
                    occasion=occasion,
                    expected_version=missed_form.expected_version,
                    **missed_form.service_data(),
                )
            except VersionConflict as exc:
                missed_form.show_conflict(exc, MissedForm.initial_for(occasion))
            except ValidationError as exc:
                add_service_errors(missed_form, exc)
            else:
                messages.success(request, _("The occasion was recorded as not done."))
                return redirect("followup:occasion", pk=occasion.pk)
        # The other forms are built after the service call: they show the occasion as the
        # service read it (the current version, after a conflict).
        forms = {**self._forms(occasion), "missed_form": missed_form}
        return self._render(request, occasion, forms, status=400)


class InstrumentScoreView(InsynView):
    """The running total and band for the occasion form (htmx). A calculator: it reads
    nothing but what the form sends, so it serves no personal data."""

    personal_data = False
    required_action = Action.CHANGE_INDIVIDUAL

    def get(self, request: HttpRequest, key: str) -> HttpResponse:
        instrument = get_object_or_404(Instrument, key=key)
        variable = request.GET.get("variable", "")
        prefix = f"{PREFIX}{variable}."
        codes = {k[len(prefix) :]: v for k, v in request.GET.items() if k.startswith(prefix)}
        score = running_score(
            instrument, codes, request.GET.get("sex", ""), request.GET.get(f"{PREFIX}{variable}")
        )
        return render(
            request,
            "followup/includes/score.html",
            {"score": score, "instrument": instrument},
        )
