"""`insyn demo`: the risk register of Växjö's reception unit (Mottagningen, VUX-MOT) through the
real services. Seven risks spread over the matrix: two share a cell (3×2), and three share the
product 4 in different cells (4×1 medium, 2×2 medium, 1×4 high), which is why the matrix
colours the cell and not the product. One has a history of assessments and measures; one is
linked to the deviation category "Hot och våld" with recurring demo deviations beside it; a
risk analysis of the planned reorganisation of the reception holds three risks.

Idempotent: a risk whose title already exists in the unit is left alone."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from insyn.accounts.models import User
from insyn.organisations.demo import unit as demo_unit
from insyn.quality.models import Deviation, DeviationCategory, Risk, RiskAnalysis
from insyn.quality.services import deviations as deviation_services
from insyn.quality.services import risks as services

UNIT = "VUX-MOT"
ANALYSIS = "Omorganisation av mottagningen"
THREATS = "Hot mot personal i receptionen"
# title, process, cause, consequence for the client, probability, consequence score,
# treatment, reassess in days (None: none), in the analysis
RISKS: list[tuple[str, str, str, str, int, int, str, int | None, bool]] = [
    (
        THREATS,
        "Besök i receptionen",
        "Ensam personal i receptionen; inget larm vid disken.",
        "Besök avbryts och den enskilde får inte hjälp samma dag.",
        3,
        4,
        "reduce",
        0,
        False,
    ),
    (
        "Besökare väntar utan information",
        "Besök i receptionen",
        "Ingen ser väntrummet från kontoren.",
        "Den enskilde går innan samtalet och söker inte igen.",
        4,
        1,
        "accept",
        180,
        False,
    ),
    (
        "Felbedömning av akut behov vid första kontakt",
        "Inledande bedömning",
        "Ny personal utan stöd i bedömningen.",
        "Ett akut skyddsbehov upptäcks för sent.",
        1,
        4,
        "control",
        90,
        True,
    ),
    (
        "Orosanmälan registreras inte samma dag",
        "Orosanmälningar",
        "Anmälningar per post fördelas en gång i veckan.",
        "Skyddsbedömningen inom 14 dagar hinns inte.",
        2,
        3,
        "eliminate",
        60,
        True,
    ),
    (
        "Telefontiden räcker inte",
        "Telefonrådgivning",
        "En person bemannar telefonen.",
        "Den enskilde når inte fram och avstår.",
        3,
        2,
        "reduce",
        120,
        False,
    ),
    (
        "Journalanteckning saknas efter besök",
        "Dokumentation",
        "Besök utan bokning dokumenteras i efterhand.",
        "Uppgifter går förlorade till utredningen.",
        3,
        2,
        "control",
        120,
        False,
    ),
    (
        "Uppgifter om besökare hörs i väntrummet",
        "Besök i receptionen",
        "Disken står i väntrummet.",
        "Sekretessbrott mot den enskilde.",
        2,
        2,
        "reduce",
        None,
        True,
    ),
]


def _users() -> dict[str, User]:
    return {
        u.username: u
        for u in User.objects.filter(username__in=("handlaggare", "enhetschef", "kvalitet"))
    }


def _recurring_threats(today: dt.date, reporter: User) -> None:
    """At least one threat deviation a quarter in the reception over the last year (the
    deviations step makes some; these fill in so the risk's counts show a pattern)."""
    unit = demo_unit(UNIT)
    category = DeviationCategory.objects.get(code="hot_vald")
    have = Deviation.objects.filter(unit=unit, category=category).count()
    for days in (20, 75, 130, 200, 260, 320)[: max(0, 6 - have)]:
        occurred = today - dt.timedelta(days=days)
        deviation_services.deviation_report(
            actor=None,
            reported_by=reporter,
            reported_at=timezone.make_aware(dt.datetime.combine(occurred, dt.time(10, 0))),
            unit=unit,
            category=category,
            occurred_on=occurred,
            description="Besökare uttalade hot mot personal i receptionen.",
            immediate_measures="Väktare tillkallades.",
            notify=False,
        )


@transaction.atomic
def load(stdout: Any) -> list[tuple[str, str, str]]:
    """Create the demo data; return extra demo logins (username, password, role text)."""
    unit = demo_unit(UNIT)
    if Risk.objects.filter(unit=unit, title=THREATS).exists():
        stdout.write("Demo risks: already loaded\n")
        return []
    users = _users()
    owner, worker = users["enhetschef"], users["handlaggare"]
    today = timezone.localdate()
    analysis = RiskAnalysis.objects.filter(unit=unit, title=ANALYSIS).first()
    if analysis is None:
        analysis = services.analysis_create(
            actor=None,
            unit=unit,
            title=ANALYSIS,
            kind=RiskAnalysis.Kind.ORGANISATION,
            description="Mottagningen delas i en del för vuxna och en för barn och familj.",
            change_on=today + dt.timedelta(days=90),
            participants="Enhetschef, två socialsekreterare, skyddsombud.",
            created_by=owner,
        )
    _recurring_threats(today, worker)
    made = 0
    for title, process, cause, consequence, p, s, treatment, reassess, in_analysis in RISKS:
        risk = services.risk_register(
            actor=None,
            unit=unit,
            title=title,
            process=process,
            cause=cause,
            consequence=consequence,
            probability=4 if title == THREATS else p,
            severity=s,
            treatment=treatment,
            reassess_on=today + dt.timedelta(days=reassess) if reassess is not None else None,
            owner=owner,
            analysis=analysis if in_analysis else None,
            assessed_on=today - dt.timedelta(days=200 if title == THREATS else 30),
            deviation_category=(
                DeviationCategory.objects.get(code="hot_vald") if title == THREATS else None
            ),
            note="Bedömd på arbetsplatsträff.",
        )
        if title == THREATS:
            services.risk_reassess(
                actor=None,
                risk=risk,
                probability=3,
                severity=4,
                assessed_on=today - dt.timedelta(days=60),
                reassess_on=today,
                note="Larmknapp installerad vid disken; sannolikheten lägre.",
            )
            services.risk_add_measure(
                actor=None,
                risk=risk,
                activity="Två personer i receptionen under öppettid",
                responsible=owner,
                due_on=today + dt.timedelta(days=30),
                owner=owner,
            )
            services.risk_add_measure(
                actor=None,
                risk=risk,
                activity="Utbildning i hot och våld för all personal",
                responsible=worker,
                due_on=today + dt.timedelta(days=60),
                owner=owner,
            )
        made += 1
    stdout.write(f"Demo risks: {made} in {unit.name}, one risk analysis\n")
    return []
