"""Deviations for tests, made through the real services (catalogues loaded on demand, so the
audit probes, which get only `tree` and `staff`, can use them too)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from insyn.quality.models import Deviation, DeviationCategory, RootCause
from insyn.quality.services import deviations as services

# The steps that take a deviation from "reported" to each state, with valid input.
STEPS_TO: dict[str, list[str]] = {
    "reported": [],
    "received": ["receive"],
    "investigated": ["receive", "investigate"],
    "measures": ["receive", "investigate", "decide_measures"],
    "closed": ["receive", "investigate", "decide_measures", "close"],
}


def ensure_catalogues() -> None:
    if not DeviationCategory.objects.exists():
        from insyn.core.catalogue_loader import load_catalogues

        load_catalogues()


def category(code: str = "dokumentation") -> DeviationCategory:
    ensure_catalogues()
    return DeviationCategory.objects.get(code=code)


def step_input(action: str) -> dict[str, Any]:
    """Valid input for each step of the flow."""
    ensure_catalogues()
    return {
        "receive": {},
        "investigate": {
            "investigation_facts": "Journalanteckningen fördes in i fel ärende.",
            "root_causes": list(RootCause.objects.filter(code="rutin_foljs_ej")),
            "cause_text": "",
            "consequences": "Uppgifter syntes för fel handläggare en dag.",
        },
        "decide_measures": {"measures_text": "Genomgång av rutinen på APT."},
        "close": {"feedback": "Tack för rapporten: rutinen är genomgången."},
    }[action]


STEP_SERVICES = {
    "receive": services.deviation_receive,
    "investigate": services.deviation_investigate,
    "decide_measures": services.deviation_decide_measures,
    "close": services.deviation_close,
}


def deviation(
    tree: Any,
    staff: Any,
    *,
    state: str = "reported",
    reporter: Any = None,
    unit: Any = None,
    code: str = "dokumentation",
    client: Any = None,
    case: Any = None,
    occurred_on: dt.date | None = None,
) -> Deviation:
    """A deviation reported by the case worker in Vuxen/missbruk, moved on to `state` by the
    unit manager."""
    reporter = reporter or staff.case_worker
    d = services.deviation_report(
        actor=reporter,
        unit=unit or tree.vux_unit,
        category=category(code),
        occurred_on=occurred_on or timezone.localdate() - dt.timedelta(days=1),
        description="Fel mottagare på ett brev.",
        immediate_measures="Brevet återkallades.",
        client=client,
        case=case,
    )
    for action in STEPS_TO[state]:
        d = STEP_SERVICES[action](actor=staff.unit_manager, deviation=d, **step_input(action))
    return d


def linked(tree: Any, staff: Any, state: str = "reported") -> Deviation:
    """A deviation about a client of Vuxen/missbruk (individual data)."""
    from tests.clients.factories import case, client

    ensure_catalogues()
    c = case(client(tree.vux_unit))
    return deviation(tree, staff, state=state, client=c.client, case=c)
