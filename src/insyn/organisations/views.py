"""Administrators shape the tree below their municipality."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from insyn.core.forms import add_service_errors
from insyn.core.roles import Action
from insyn.core.viewmixins import InsynView
from insyn.organisations import selectors, services
from insyn.organisations.forms import OrgUnitCreateForm, OrgUnitUpdateForm
from insyn.organisations.models import OrgUnit


class OrgRootView(InsynView):
    personal_data = False  # the org tree: units, no people
    required_action = Action.MANAGE_ORG

    def get(self, request: HttpRequest) -> HttpResponse:
        roots = list(selectors.root_units(request.user, Action.MANAGE_ORG))
        if len(roots) == 1:
            return redirect("organisations:unit", pk=roots[0].pk)
        return render(request, "organisations/roots.html", {"roots": roots})


class OrgUnitView(InsynView):
    personal_data = False  # the org tree: units, no people
    required_action = Action.MANAGE_ORG

    def _unit(self, request: HttpRequest, pk: int) -> OrgUnit:
        return get_object_or_404(selectors.units_for(request.user, Action.MANAGE_ORG), pk=pk)

    def _render(
        self,
        request: HttpRequest,
        unit: OrgUnit,
        create_form: OrgUnitCreateForm | None = None,
        update_form: OrgUnitUpdateForm | None = None,
        status: int = 200,
    ) -> HttpResponse:
        manageable = selectors.units_for(request.user, Action.MANAGE_ORG)
        context = {
            "unit": unit,
            "breadcrumbs": [a for a in unit.ancestors() if a.pk != unit.pk],
            "manageable_ids": set(
                manageable.filter(pk__in=unit.ancestor_ids()).values_list("pk", flat=True)
            ),
            "children": unit.children.order_by("name"),
            "create_form": create_form
            if create_form is not None
            else (OrgUnitCreateForm(parent=unit) if OrgUnit.CHILD_KINDS[unit.kind] else None),
            "update_form": update_form
            or OrgUnitUpdateForm(
                initial={"code": unit.code, "name": unit.name, "active": unit.active}
            ),
            "reference": unit.kind in OrgUnit.REFERENCE_KINDS,
        }
        return render(request, "organisations/unit.html", context, status=status)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._render(request, self._unit(request, pk))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        unit = self._unit(request, pk)
        if request.POST.get("op") == "create":
            form = OrgUnitCreateForm(request.POST, parent=unit)
            if form.is_valid():
                try:
                    child = services.org_unit_create(
                        actor=request.user, parent=unit, **form.cleaned_data
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(request, _("%(name)s was created.") % {"name": child.name})
                    return redirect("organisations:unit", pk=unit.pk)
            return self._render(request, unit, create_form=form, status=400)
        form_u = OrgUnitUpdateForm(request.POST)
        if form_u.is_valid():
            try:
                services.org_unit_update(actor=request.user, org_unit=unit, **form_u.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form_u, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("organisations:unit", pk=unit.pk)
        return self._render(request, unit, update_form=form_u, status=400)
