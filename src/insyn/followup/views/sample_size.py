"""The sample-size planner on a programme (issue 15, item 4): try numbers, see what they buy,
and store the plan on a draft so it travels with the programme's YAML."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from insyn.core.forms import add_service_errors
from insyn.followup import selectors
from insyn.followup.forms.sample_size import PlanningForm
from insyn.followup.models import Programme, Variable
from insyn.followup.sample_history import programme_history
from insyn.followup.sample_size import Guidance, guidance, planning_problems
from insyn.followup.services import design
from insyn.followup.views.design import ProgrammeMixin
from insyn.organisations.models import OrgUnit


def breakdown_groups(programme: Programme) -> int:
    """Groups a unit × sex breakdown of the programme has: its units (or the units below its
    owner), times two."""
    units = programme.units.count() or (
        OrgUnit.objects.filter(path__startswith=programme.owner.path, kind=OrgUnit.Kind.UNIT)
        .exclude(pk=programme.owner.pk)
        .count()
    )
    return 2 * max(units, 1)


def compute(programme: Programme, plan: dict[str, Any]) -> Guidance | None:
    """The guidance for a plan, or None while it cannot be computed."""
    if plan.get("intake_per_year") is None or planning_problems(plan, {plan.get("variable", "")}):
        return None
    return guidance(
        intake_per_year=float(plan["intake_per_year"]),
        rule=programme.sampling,
        days=[int(d) for d in programme.sampling_days or []],
        date_from=programme.sampling_from,
        date_to=programme.sampling_to,
        measure=plan.get("measure", "share"),
        share_percent=plan.get("share_percent"),
        sd=plan.get("sd"),
        completion_percent=plan.get("completion_percent"),
        precision=plan.get("precision"),
        min_cell=int(settings.INSYN_MIN_CELL),
        groups=breakdown_groups(programme),
    )


class SampleSizeView(ProgrammeMixin):
    """Anyone who reads the programme may try numbers (op=compute, nothing stored); a designer
    stores the plan on a draft (op=save)."""

    def _variables(self, programme: Programme) -> list[tuple[str, str]]:
        numeric = programme.variables.filter(type__in=Variable.NUMERIC_TYPES)
        return [(v.key, v.label) for v in numeric.order_by("sort_order", "id")]

    def _page(
        self, request: HttpRequest, programme: Programme, form: PlanningForm, status: int = 200
    ) -> HttpResponse:
        plan = form.planning() if form.is_bound and form.is_valid() else dict(programme.planning)
        variable = str(plan.get("variable") or "")
        return render(
            request,
            "followup/design/sample_size.html",
            {
                "programme": programme,
                "form": form,
                "result": compute(programme, plan),
                "history": programme_history(request.user, programme, variable),
                "min_cell": settings.INSYN_MIN_CELL,
                "can_save": programme.status == Programme.Status.DRAFT
                and selectors.can_design(request.user, programme),
            },
            status=status,
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        programme = self.programme(request, pk)
        form = PlanningForm(initial=programme.planning, variables=self._variables(programme))
        return self._page(request, programme, form)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        if request.POST.get("op") != "save":
            programme = self.programme(request, pk)
            form = PlanningForm(request.POST, variables=self._variables(programme))
            return self._page(request, programme, form, status=200 if form.is_valid() else 400)
        programme = self.designable(request, pk)
        form = PlanningForm(request.POST, variables=self._variables(programme))
        if form.is_valid():
            try:
                design.programme_set_planning(
                    actor=request.user, programme=programme, planning=form.planning()
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The sample-size plan was saved."))
                return redirect("followup:programme_sample_size", pk=pk)
        return self._page(request, programme, form, status=400)
