"""Audit probes for the clients routes: each builds data and returns (user, url[, body])."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from insyn.core.catalogue_loader import load_catalogues
from tests.clients import factories as f


def _journey(tree: Any) -> dict[str, Any]:
    load_catalogues(["clients", "followup"])
    client = f.client(tree.vux_unit, number=f.personnummer(dt.date(1979, 4, 2)))
    case = f.case(client)
    decision = f.decision(case)
    intervention = f.intervention(case, decision_=decision, started_on=dt.date(2025, 2, 1))
    return {"client": client, "case": case, "decision": decision, "intervention": intervention}


def _url(name: str, key: str | None = None) -> Any:
    def probe(tree: Any, staff: Any) -> tuple[Any, str]:
        if key is None:
            _journey(tree)
            return staff.case_worker, reverse(name)
        return staff.case_worker, reverse(name, args=[_journey(tree)[key].pk])

    return probe


def _offer(tree: Any, staff: Any) -> tuple[Any, str]:
    from insyn.clients.views.clients import offer_token

    load_catalogues(["clients", "followup"])
    other = f.client(tree.bof_unit, number=f.personnummer(dt.date(1990, 1, 5)))
    return staff.case_worker, reverse(
        "clients:case_open_existing", args=[offer_token(staff.case_worker.pk, other.pk)]
    )


def _lookup(tree: Any, staff: Any) -> tuple[Any, str, dict[str, str]]:
    load_catalogues(["clients", "followup"])
    number = f.personnummer(dt.date(1979, 4, 3))
    f.client(tree.vux_unit, number=number)
    return staff.case_worker, reverse("client-lookup"), {"personnummer": number}


PROBES = {
    "clients:client_list": _url("clients:client_list"),
    "clients:client_register": _url("clients:client_register"),
    "clients:client_detail": _url("clients:client_detail", "client"),
    "clients:case_open": _url("clients:case_open", "client"),
    "clients:client_edit": _url("clients:client_edit", "client"),
    "clients:case_edit": _url("clients:case_edit", "case"),
    "clients:case_open_existing": _offer,
    "clients:case_list": _url("clients:case_list"),
    "clients:case_detail": _url("clients:case_detail", "case"),
    "clients:decision_create": _url("clients:decision_create", "case"),
    "clients:decision_update": _url("clients:decision_update", "decision"),
    "clients:intervention_create": _url("clients:intervention_create", "case"),
    "clients:intervention_update": _url("clients:intervention_update", "intervention"),
    "client-list": _url("client-list"),
    "client-detail": _url("client-detail", "client"),
    "client-lookup": _lookup,
    "case-list": _url("case-list"),
    "case-detail": _url("case-detail", "case"),
    "decision-list": _url("decision-list"),
    "decision-detail": _url("decision-detail", "decision"),
    "intervention-list": _url("intervention-list"),
    "intervention-detail": _url("intervention-detail", "intervention"),
}
