"""Clients test data, built through the clients services (the same path the product uses)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from insyn.clients import services
from insyn.clients.models import (
    Case,
    CaseSource,
    Client,
    Decision,
    EndReason,
    IntakeReason,
    Intervention,
    InterventionType,
    LegalBasis,
    Provider,
)
from insyn.organisations.models import OrgUnit

_serial = itertools.count(11)


def luhn_digit(nine: str) -> str:
    total = 0
    for i, ch in enumerate(nine):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return str((10 - total % 10) % 10)


def personnummer(
    born: dt.date, *, female: bool = False, serial: int | None = None, coordination: bool = False
) -> str:
    """A valid 12-digit personnummer (samordningsnummer: day + 60) for the birth date."""
    n = next(_serial) if serial is None else serial
    third = (n % 5) * 2 + (0 if female else 1)
    digits3 = f"{(n // 5) % 100:02d}{third}"
    day = born.day + (60 if coordination else 0)
    ten = f"{born:%y%m}{day:02d}{digits3}"
    return f"{born:%Y}"[:2] + ten + luhn_digit(ten)


def code(model: type[Any], value: str) -> Any:
    return model.objects.get(code=value)


def client(
    unit: OrgUnit,
    *,
    actor: Any = None,
    number: str = "",
    birth_date: dt.date | None = None,
    sex: str = "",
    client_ref: str = "",
) -> Client:
    if not number and birth_date is None:
        birth_date, sex = dt.date(1980, 5, 17), sex or "K"
    return services.client_register(
        actor=actor,
        unit=unit,
        personnummer=number,
        birth_date=birth_date,
        sex=sex,
        client_ref=client_ref,
    )


def case(
    client_: Client,
    unit: OrgUnit | None = None,
    *,
    actor: Any = None,
    opened_on: dt.date = dt.date(2025, 1, 10),
    source: str = "application",
    reason: str | None = "alcohol",
    closed_on: dt.date | None = None,
    case_ref: str = "",
) -> Case:
    c = services.case_open(
        actor=actor,
        client=client_,
        unit=unit or client_.unit,
        opened_on=opened_on,
        source=code(CaseSource, source),
        reason=code(IntakeReason, reason) if reason else None,
        case_ref=case_ref,
    )
    if closed_on is not None:
        services.case_close(actor=actor, case=c, closed_on=closed_on)
    return c


def decision(
    case_: Case,
    *,
    actor: Any = None,
    intervention_type: str = "opv_adults_structured",
    legal_basis: str = "sol2001_4_1",
    decided_on: dt.date | None = None,
) -> Decision:
    return services.decision_record(
        actor=actor,
        case=case_,
        intervention_type=code(InterventionType, intervention_type),
        legal_basis=code(LegalBasis, legal_basis),
        decided_on=decided_on or case_.opened_on,
    )


def intervention(
    case_: Case,
    *,
    actor: Any = None,
    decision_: Decision | None = None,
    intervention_type: str = "opv_adults_structured",
    started_on: dt.date | None = None,
    ended_on: dt.date | None = None,
    end_reason: str | None = None,
    provider: Provider | None = None,
    intervention_ref: str = "",
    **extra: Any,
) -> Intervention:
    return services.intervention_record(
        actor=actor,
        case=case_,
        decision=decision_,
        intervention_type=code(InterventionType, intervention_type),
        started_on=started_on,
        ended_on=ended_on,
        end_reason=code(EndReason, end_reason) if end_reason else None,
        provider=provider,
        intervention_ref=intervention_ref,
        **extra,
    )


def own_provider(municipality: OrgUnit, name: str = "Öppenvården Växjö") -> Provider:
    return services.provider_create(
        actor=None, municipality=municipality, name=name, kind=Provider.Kind.OWN
    )
