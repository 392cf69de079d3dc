"""Shared lookups of the clients pages: one scoped query per object, 404 outside scope."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from insyn.clients import selectors
from insyn.clients.models import Case, Client, Decision, Intervention
from insyn.clients.validators import contains_identity_number
from insyn.core import context
from insyn.core.audit import record_access
from insyn.core.roles import Action
from insyn.core.viewmixins import InsynView, get_scoped_object_or_404


def identity_number_in_address(request: HttpRequest) -> bool:
    """An identity number typed into a GET form ends up in the address. It is dropped from the
    request's recorded address at once, so no access entry keeps it."""
    if any(contains_identity_number(str(v)) for v in request.GET.values()):
        context.current().path = request.path
        return True
    return False


class ClientsView(InsynView):
    personal_data = True
    required_action = Action.VIEW_INDIVIDUAL
    request: HttpRequest

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method == "GET" and identity_number_in_address(request):
            messages.warning(
                request,
                _(
                    "Search by identity number with the number search, so the number is not "
                    "sent in the address."
                ),
            )
            return redirect(request.path)
        return super().dispatch(request, *args, **kwargs)

    def get_client(self, pk: int, action: Action = Action.VIEW_INDIVIDUAL) -> Client:
        clients = Client.objects.restrict(self.request.user, action).select_related("unit")
        return get_scoped_object_or_404(self.request.user, clients, pk=pk)

    def get_case(self, pk: int, action: Action = Action.VIEW_INDIVIDUAL) -> Case:
        qs = Case.objects.restrict(self.request.user, action).select_related(
            "client", "unit", "source", "reason", "case_worker"
        )
        return get_scoped_object_or_404(self.request.user, qs, pk=pk)

    def get_intervention(self, pk: int, action: Action = Action.VIEW_INDIVIDUAL) -> Intervention:
        qs = Intervention.objects.restrict(self.request.user, action).select_related(
            "case__client", "case__unit", "decision", "intervention_type"
        )
        return get_scoped_object_or_404(self.request.user, qs, pk=pk)

    def get_decision(self, pk: int, action: Action = Action.VIEW_INDIVIDUAL) -> Decision:
        qs = Decision.objects.restrict(self.request.user, action).select_related(
            "case__client", "case__unit", "intervention_type", "legal_basis"
        )
        return get_scoped_object_or_404(self.request.user, qs, pk=pk)

    def audit(self, action: str, objects: list[Any], **kwargs: Any) -> None:
        record_access(
            actor=self.request.user,
            action=action,
            objects=objects,
            purpose=self.request.GET.get("purpose", ""),
            **kwargs,
        )

    def entry_units(self) -> Any:
        return selectors.entry_units(self.request.user)
