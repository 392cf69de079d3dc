"""Factories for internal control tests: cases with known case workers, investigations and
decisions (bare rows where the clients services belong to another area), rounds through the
real services."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from insyn.accounts.models import User
from insyn.clients import services as client_services
from insyn.clients.models import Case, CaseSource, Decision, Investigation
from insyn.organisations.models import OrgUnit
from insyn.quality.models import ControlRound, ReviewTemplate
from insyn.quality.services import control as services
from insyn.quality.services.control_templates import ensure_shipped_templates
from tests.clients import factories as cf

_seq = itertools.count(1)


def template(code: str = "journalgranskning-ifo") -> ReviewTemplate:
    ensure_shipped_templates()
    return ReviewTemplate.objects.get(municipality=None, code=code, active=True)


def case(
    unit: OrgUnit, worker: User | None = None, opened_on: dt.date = dt.date(2026, 2, 1)
) -> Case:
    if not CaseSource.objects.filter(code="application").exists():
        from insyn.core.catalogue_loader import load_catalogues

        load_catalogues()
    n = next(_seq)
    client = cf.client(unit, birth_date=dt.date(1970, 1, 1 + n % 28), sex="M")
    return client_services.case_open(
        actor=None,
        client=client,
        unit=unit,
        opened_on=opened_on,
        source=CaseSource.objects.get(code="application"),
        case_worker=worker,
        case_ref=f"KC-{n}",
        assign_actor=False,
    )


def investigation(case_: Case, started_on: dt.date, **fields: Any) -> Investigation:
    return Investigation.objects.create(case=case_, started_on=started_on, **fields)


def decision(case_: Case, decided_on: dt.date, executed_on: dt.date | None = None) -> Decision:
    d = cf.decision(case_, decided_on=decided_on, legal_basis="sol2025_assistance")
    if executed_on is not None:
        Decision.objects.filter(pk=d.pk).update(executed_on=executed_on)
        d.refresh_from_db()
    return d


def round_(
    unit: OrgUnit,
    actor: User,
    units: list[OrgUnit] | None = None,
    **kwargs: Any,
) -> ControlRound:
    data: dict[str, Any] = {
        "title": "Egenkontroll våren 2026",
        "template": template(),
        "period_start": dt.date(2026, 1, 1),
        "period_end": dt.date(2026, 6, 30),
        "sample_size": 5,
        "seed": 12345,
    }
    data.update(kwargs)
    return services.control_round_create(actor=actor, unit=unit, units=units or [unit], **data)


def round_in_review(
    unit: OrgUnit, lead: User, reviewers: list[User], cases: int = 2, **kwargs: Any
) -> ControlRound:
    """A drawn round of `cases` cases, reviewers assigned, in review."""
    for _ in range(cases):
        case(unit)
    r = round_(unit, lead, sample_size=cases, **kwargs)
    services.control_round_draw(actor=lead, round_=r)
    services.control_round_assign(actor=lead, round_=r, reviewers=reviewers)
    services.control_round_transition(actor=lead, round_=r, action="start_review")
    r.refresh_from_db()
    return r


def review_all(r: ControlRound, answer: str = "yes", first: str | None = None) -> None:
    """Every assigned reviewer answers every criterion `answer` (the first criterion `first`)."""
    criteria = list(r.template.criteria.order_by("order"))
    for cc in r.cases.all():
        for who in (cc.reviewer, cc.second_reviewer):
            if who is None:
                continue
            given = {c.pk: (answer, "") for c in criteria}
            if first:
                given[criteria[0].pk] = (first, "Saknas")
            services.control_review_save(actor=who, control_case=cc, answers=given)
