"""`insyn demo`: non-executed decisions and their IVO reports, through the services.

Seven decisions in Växjö's Vuxen/missbruk (clients, cases and decisions through the clients
services, dates relative to today): not executed at day ~65, ~85 and ~100, one interrupted
and not resumed, one partly executed (3 of 5 hours a week), one executed late in an earlier
quarter (that quarter recorded as reported to IVO) and one under a legal basis that is not
reportable (never on the list). The reportable ones get their report rows and texts.
Self-contained and idempotent: a second run finds the first case and adds nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from insyn.accounts.models import User
from insyn.clients import services as clients
from insyn.clients.models import Case, CaseSource, Decision, InterventionType, LegalBasis
from insyn.organisations.demo import unit as demo_unit
from insyn.quality.selectors import non_executed as sel
from insyn.quality.services import non_executed as svc

REF = "EVB-DEMO-{}"
# (days since the decision, sex, birth date, intervention type, legal basis, extra fields)
DECISIONS: list[tuple[int, str, dt.date, str, str, dict[str, Any]]] = [
    (65, "K", dt.date(1984, 2, 11), "opv_adults_structured", "sol2025_assistance", {}),
    (85, "M", dt.date(1979, 9, 3), "housing_support", "sol2025_assistance", {}),
    (100, "K", dt.date(1991, 6, 27), "contact_person", "sol2025_assistance", {}),
    (
        300,
        "M",
        dt.date(1968, 12, 1),
        "opv_adults_structured",
        "sol2025_assistance",
        {"interrupted": 110},
    ),
    (150, "K", dt.date(1975, 4, 19), "housing_support", "sol2025_assistance", {"partly": True}),
    (250, "M", dt.date(1988, 1, 30), "opv_adults_relapse", "sol2025_assistance", {"executed": 120}),
    (200, "K", dt.date(1970, 8, 8), "opv_adults_structured", "sol2025", {}),
]
TEXTS = {
    "reason_for_delay": "Ingen ledig plats hos utföraren; kön är cirka fyra månader.",
    "consequences": "Klienten har fått vänta på stöd och har haft ökade svårigheter i vardagen.",
    "interim_interventions": "Stödsamtal varannan vecka med handläggaren i väntan på insatsen.",
}


def _day(today: dt.date, days: int) -> dt.date:
    return today - dt.timedelta(days=days)


@transaction.atomic
def load(stdout: Any) -> list[tuple[str, str, str]]:
    """Create the demo data; return extra demo logins (username, password, role text)."""
    unit = demo_unit("VUX-OPV")
    if Case.objects.filter(case_ref=REF.format(1), unit=unit).exists():
        stdout.write("non-executed decisions: already loaded\n")
        return []
    today = timezone.localdate()
    worker = User.objects.filter(username="handlaggare").first()
    manager = User.objects.filter(username="enhetschef").first()
    made: list[Decision] = []
    for n, (days, sex, born, itype, basis, extra) in enumerate(DECISIONS, start=1):
        decided = _day(today, days)
        client = clients.client_register(actor=None, unit=unit, birth_date=born, sex=sex)
        case = clients.case_open(
            actor=None,
            client=client,
            unit=unit,
            opened_on=decided - dt.timedelta(days=30),
            source=CaseSource.objects.get(code="application"),
            case_worker=worker,
            case_ref=REF.format(n),
            assign_actor=False,
        )
        executed = extra.get("executed")
        decision = clients.decision_record(
            actor=None,
            case=case,
            intervention_type=InterventionType.objects.get(code=itype),
            legal_basis=LegalBasis.objects.get(code=basis),
            decided_on=decided,
            executed_on=_day(today, executed) if executed else None,
        )
        # the execution fields have their own forms (another area): set them directly here
        if "interrupted" in extra:
            Decision.objects.filter(pk=decision.pk).update(
                executed_on=decided + dt.timedelta(days=10),
                interrupted_on=_day(today, extra["interrupted"]),
            )
        if extra.get("partly"):
            Decision.objects.filter(pk=decision.pk).update(
                executed_on=decided + dt.timedelta(days=10),
                extent_unit="hours_week",
                granted_extent=Decimal(5),
                executed_extent=Decimal(3),
            )
        made.append(decision)
    decisions = list(sel.reportable_decisions(Decision.objects.filter(pk__in=[d.pk for d in made])))
    rows = svc.sync_episodes(
        today=today, decisions=Decision.objects.filter(pk__in=[d.pk for d in made])
    )
    for row in rows:
        svc.episode_update(actor=None, episode=row, expected_version=None, **TEXTS)
        svc.offer_add(
            actor=None,
            episode=row,
            offered_on=row.clock_from + dt.timedelta(days=40),
            description="Plats hos annan utförare i grannkommunen",
            declined=True,
            today=today,
        )
    # the one executed late: on an earlier quarter's list, recorded as reported
    late = next(d for d in decisions if d.case.case_ref == REF.format(6))
    for e in sel.decision_episodes(late, today):
        quarter = sel.quarter_of(e.reportable_from)
        row = svc.episode_row(e, today=today)
        svc.episode_update(actor=None, episode=row, expected_version=None, **TEXTS)
        if manager is not None:
            svc.record_reported(
                actor=manager,
                episode=row,
                quarter=quarter.label,
                reported_on=min(today, quarter.end + dt.timedelta(days=10)),
                today=today,
            )
    stdout.write(f"non-executed decisions: {len(made)} decisions, {len(rows) + 1} reports\n")
    return []
