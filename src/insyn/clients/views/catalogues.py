"""The catalogues as a reference page: the codes imports and the API use. Catalogues are shared
by every municipality, so they are changed by the system administration (or a YAML file
loaded with `insyn catalogues load`), not by one municipality's administrator."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from insyn.clients.models import (
    CaseSource,
    EndReason,
    IntakeReason,
    InterventionType,
    LegalBasis,
)
from insyn.core.roles import Action
from insyn.core.viewmixins import InsynView


class CatalogueView(InsynView):
    personal_data = False
    required_action = Action.VIEW_ORG

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(
            request,
            "clients/catalogues.html",
            {
                "types": InterventionType.objects.select_related("group").order_by(
                    "group__sort_order", "sort_order", "name"
                ),
                "bases": LegalBasis.objects.order_by("law", "sort_order", "name"),
                "sources": CaseSource.objects.all(),
                "reasons": IntakeReason.objects.order_by("area", "sort_order", "name"),
                "end_reasons": EndReason.objects.all(),
                "is_staff": request.user.is_staff,
            },
        )
