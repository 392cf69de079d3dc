"""Audit probes for the clients routes (gathered by tests/core/test_audit_completeness.py):
each builds data and returns a Visit naming what the answer shows and what a POST writes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from insyn.clients.models import Appeal, Case, Client, Decision, Intervention, Investigation
from insyn.core.catalogue_loader import load_catalogues
from tests.audit_probe import Visit, post
from tests.clients import casework_factories as cf
from tests.clients import factories as f


def _journey(tree: Any) -> dict[str, Any]:
    load_catalogues(["clients", "followup"])
    client = f.client(tree.vux_unit, number=f.personnummer(dt.date(1979, 4, 2)))
    case = f.case(client)
    decision = f.decision(case)
    # Ended, so the probe that closes the case (2025-06-30) is not refused: a case cannot be
    # closed while an intervention in it is still running.
    intervention = f.intervention(
        case,
        decision_=decision,
        started_on=dt.date(2025, 2, 1),
        ended_on=dt.date(2025, 6, 1),
        end_reason="completed",
    )
    investigation = cf.investigation(case, started_on=case.opened_on)
    appeal = cf.appeal(decision)
    return {
        "client": client,
        "case": case,
        "decision": decision,
        "intervention": intervention,
        "investigation": investigation,
        "appeal": appeal,
    }


def _page(name: str, key: str | None, shows: tuple[str, ...], **visit: Any) -> Any:
    """A page (GET, or a POST with `visit`) about one object of the journey."""

    def probe(tree: Any, staff: Any) -> Visit:
        j = _journey(tree)
        url = reverse(name, args=[j[key].pk]) if key else reverse(name)
        return Visit(staff.case_worker, url, shows=[j[k] for k in shows], **visit)

    return probe


def _write(name: str, key: str, data: dict[str, str]) -> Any:
    """A POST that saves and redirects: a change entry names the object."""

    def probe(tree: Any, staff: Any) -> Visit:
        obj = _journey(tree)[key]
        url = reverse(name, args=[obj.pk])
        return Visit(staff.case_worker, url, method="POST", data=data, status=302, writes=[obj])

    return probe


def _offer(tree: Any, staff: Any, **visit: Any) -> Visit:
    from insyn.clients.views.clients import offer_token

    load_catalogues(["clients", "followup"])
    other = f.client(tree.bof_unit, number=f.personnummer(dt.date(1990, 1, 5)))
    url = reverse("clients:case_open_existing", args=[offer_token(staff.case_worker.pk, other.pk)])
    return Visit(staff.case_worker, url, shows=[other], **visit)


def _lookup(tree: Any, staff: Any) -> Visit:
    load_catalogues(["clients", "followup"])
    number = f.personnummer(dt.date(1979, 4, 3))
    found = f.client(tree.vux_unit, number=number)
    return Visit(
        staff.case_worker,
        reverse("client-lookup"),
        method="POST",
        data={"personnummer": number},
        json=True,
        shows=[found],
    )


def _identity_search(tree: Any, staff: Any) -> Visit:
    load_catalogues(["clients", "followup"])
    number = f.personnummer(dt.date(1979, 4, 4))
    found = f.client(tree.vux_unit, number=number)
    return Visit(
        staff.case_worker,
        reverse("clients:client_list"),
        method="POST",
        data={"personnummer": number},
        status=302,
        shows=[found],
    )


def _register(tree: Any, staff: Any) -> Visit:
    load_catalogues(["clients", "followup"])
    return Visit(
        staff.case_worker,
        reverse("clients:client_register"),
        method="POST",
        data={"unit": tree.vux_unit.pk, "no_number": "on", "birth_date": "2002-05-05", "sex": "X"},
        status=302,
        writes=[Client],
    )


def _api_list(name: str, key: str) -> Any:
    def probe(tree: Any, staff: Any) -> Visit:
        j = _journey(tree)
        return Visit(staff.case_worker, reverse(name), shows=[j[key]])

    return probe


def _api_create(tree: Any, staff: Any, name: str, body: Any, model: type) -> Visit:
    return Visit(
        staff.case_worker,
        reverse(name),
        method="POST",
        data=body,
        json=True,
        status=201,
        writes=[model],
    )


def _api_client(tree: Any, staff: Any) -> Visit:
    load_catalogues(["clients", "followup"])
    number = f.personnummer(dt.date(1988, 8, 18), female=True)
    body = {"unit": tree.vux_unit.pk, "personnummer": number}
    return _api_create(tree, staff, "client-list", body, Client)


def _api_case(tree: Any, staff: Any) -> Visit:
    j = _journey(tree)
    body = {
        "client": j["client"].pk,
        "unit": tree.vux_unit.pk,
        "opened_on": "2025-03-13",
        "source": "application",
    }
    return _api_create(tree, staff, "case-list", body, Case)


def _api_decision(tree: Any, staff: Any) -> Visit:
    j = _journey(tree)
    body = {
        "case": j["case"].pk,
        "intervention_type": "opv_adults_structured",
        "legal_basis": "sol2001_4_1",
        "decided_on": "2025-03-01",
    }
    return _api_create(tree, staff, "decision-list", body, Decision)


def _api_intervention(tree: Any, staff: Any) -> Visit:
    j = _journey(tree)
    body = {
        "case": j["case"].pk,
        "decision": j["decision"].pk,
        "intervention_type": "opv_adults_structured",
        "started_on": "2025-03-02",
    }
    return _api_create(tree, staff, "intervention-list", body, Intervention)


def _api_investigation(tree: Any, staff: Any) -> Visit:
    j = _journey(tree)
    body = {"case": j["case"].pk, "started_on": "2025-01-12"}
    return _api_create(tree, staff, "investigation-list", body, Investigation)


def _api_appeal(tree: Any, staff: Any) -> Visit:
    j = _journey(tree)
    body = {"decision": j["decision"].pk, "appealed_on": "2025-01-20"}
    return _api_create(tree, staff, "appeal-list", body, Appeal)


# A POST with an empty form is answered with the form again (400), which shows the person.
INVALID = {"method": "POST", "data": {}, "status": 400}

PROBES = {
    "clients:client_list": _page("clients:client_list", None, ("client",)),
    post("clients:client_list"): _identity_search,
    "clients:client_register": lambda tree, staff: Visit(
        staff.case_worker, reverse("clients:client_register"), model=Client
    ),
    post("clients:client_register"): _register,
    "clients:client_detail": _page(
        "clients:client_detail", "client", ("client", "case", "decision", "intervention")
    ),
    "clients:client_edit": _page("clients:client_edit", "client", ("client",)),
    post("clients:client_edit"): _write("clients:client_edit", "client", {"client_ref": "VX-NY"}),
    "clients:case_open": _page("clients:case_open", "client", ("client",)),
    post("clients:case_open"): _page("clients:case_open", "client", ("client",), **INVALID),
    "clients:case_open_existing": _offer,
    post("clients:case_open_existing"): lambda tree, staff: _offer(tree, staff, **INVALID),
    "clients:case_list": _page("clients:case_list", None, ("case",)),
    "clients:case_detail": _page(
        "clients:case_detail",
        "case",
        ("client", "case", "decision", "intervention", "investigation", "appeal"),
    ),
    post("clients:case_detail"): _write("clients:case_detail", "case", {"closed_on": "2025-06-30"}),
    "clients:case_edit": _page("clients:case_edit", "case", ("client", "case")),
    post("clients:case_edit"): _page("clients:case_edit", "case", ("client", "case"), **INVALID),
    "clients:decision_create": _page("clients:decision_create", "case", ("client", "case")),
    post("clients:decision_create"): _page(
        "clients:decision_create", "case", ("client", "case"), **INVALID
    ),
    "clients:decision_update": _page(
        "clients:decision_update", "decision", ("client", "case", "decision")
    ),
    post("clients:decision_update"): _page(
        "clients:decision_update", "decision", ("client", "case", "decision"), **INVALID
    ),
    "clients:intervention_create": _page("clients:intervention_create", "case", ("client", "case")),
    post("clients:intervention_create"): _page(
        "clients:intervention_create", "case", ("client", "case"), **INVALID
    ),
    "clients:intervention_update": _page(
        "clients:intervention_update", "intervention", ("client", "case", "intervention")
    ),
    post("clients:intervention_update"): _page(
        "clients:intervention_update",
        "intervention",
        ("client", "case", "intervention"),
        method="POST",
        data={"started_on": "not a date"},
        status=400,
    ),
    # investigations, appeals and the execution of a decision (views/casework.py)
    "clients:investigation_create": _page("clients:investigation_create", "case", ("case",)),
    post("clients:investigation_create"): _page(
        "clients:investigation_create", "case", ("client", "case"), **INVALID
    ),
    "clients:investigation_update": _page(
        "clients:investigation_update", "investigation", ("case", "investigation")
    ),
    post("clients:investigation_update"): _write(
        "clients:investigation_update", "investigation", {"started_on": "2025-01-11"}
    ),
    "clients:appeal_create": _page("clients:appeal_create", "decision", ("case", "decision")),
    post("clients:appeal_create"): _page(
        "clients:appeal_create", "decision", ("case", "decision"), **INVALID
    ),
    "clients:appeal_update": _page("clients:appeal_update", "appeal", ("decision", "appeal")),
    post("clients:appeal_update"): _write(
        "clients:appeal_update",
        "appeal",
        {"appealed_on": "2025-01-20", "court": "administrative"},
    ),
    "clients:decision_execution": _page(
        "clients:decision_execution", "decision", ("case", "decision")
    ),
    post("clients:decision_execution"): _write(
        "clients:decision_execution", "decision", {"executed_on": "2025-01-15"}
    ),
    "client-list": _api_list("client-list", "client"),
    post("client-list"): _api_client,
    "client-detail": _page("client-detail", "client", ("client",)),
    post("client-lookup"): _lookup,
    "case-list": _api_list("case-list", "case"),
    post("case-list"): _api_case,
    "case-detail": _page("case-detail", "case", ("case",)),
    "decision-list": _api_list("decision-list", "decision"),
    post("decision-list"): _api_decision,
    "decision-detail": _page("decision-detail", "decision", ("decision",)),
    "intervention-list": _api_list("intervention-list", "intervention"),
    post("intervention-list"): _api_intervention,
    "intervention-detail": _page("intervention-detail", "intervention", ("intervention",)),
    "investigation-list": _api_list("investigation-list", "investigation"),
    post("investigation-list"): _api_investigation,
    "investigation-detail": _page("investigation-detail", "investigation", ("investigation",)),
    "appeal-list": _api_list("appeal-list", "appeal"),
    post("appeal-list"): _api_appeal,
    "appeal-detail": _page("appeal-detail", "appeal", ("appeal",)),
}
