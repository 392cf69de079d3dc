"""Shared lookups of the clients pages: one scoped query per object, 404 outside scope."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from insyn.clients import selectors
from insyn.clients.models import Case, Client, Intervention
from insyn.core.audit import record_access
from insyn.core.roles import Action
from insyn.core.viewmixins import InsynView


class ClientsView(InsynView):
    personal_data = True
    required_action = Action.VIEW_INDIVIDUAL
    request: HttpRequest

    def get_client(self, pk: int, action: Action = Action.VIEW_INDIVIDUAL) -> Client:
        return get_object_or_404(Client.objects.restrict(self.request.user, action), pk=pk)

    def get_case(self, pk: int, action: Action = Action.VIEW_INDIVIDUAL) -> Case:
        qs = Case.objects.restrict(self.request.user, action).select_related(
            "client", "unit", "source", "reason", "case_worker"
        )
        return get_object_or_404(qs, pk=pk)

    def get_intervention(self, pk: int, action: Action = Action.VIEW_INDIVIDUAL) -> Intervention:
        qs = Intervention.objects.restrict(self.request.user, action).select_related(
            "case__client", "case__unit", "decision", "intervention_type"
        )
        return get_object_or_404(qs, pk=pk)

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
