"""Lex Sarah in the Växjö demo: the lex Sarah officer and five reports over the past year, as
in Arbete och välfärd's quality report ("fem lex Sarah-rapporter ... varav en händelse
anmälts vidare till IVO"), in various states: two closed after investigation (one of them
serious and notified to IVO), one closed as not a maladministration, one under
investigation and one just reported. Everything goes through the services; a report whose
text is already there is left alone, so `insyn demo` can run again."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from insyn.accounts.models import User
from insyn.core.roles import Role
from insyn.organisations import demo as org_demo
from insyn.organisations import services as org_services
from insyn.quality.models import LexSarahReport
from insyn.quality.services import lex_sarah as ls
from insyn.quality.services import lex_sarah_intake as intake

OFFICER = ("lexsarah", "Lisa", "Lex Sarah-ansvarig")

# (days ago, unit, reporter, kind, what happened, how far it goes)
REPORTS: list[tuple[int, str, str, str, str, str]] = [
    (
        300,
        "VUX-OPV",
        "handlaggare",
        "maladministration",
        "En brukare fick inte sin beslutade öppenvårdsbehandling under tre veckor, eftersom "
        "behandlaren var sjukskriven och ingen ersättare utsågs.",
        "closed",
    ),
    (
        220,
        "BOF-UTR",
        "kvalitet",
        "maladministration",
        "En orosanmälan om ett barn blev liggande i tio dagar utan skyddsbedömning.",
        "serious",
    ),
    (
        150,
        "EKB-FS",
        "kvalitet",
        "risk",
        "Utbetalningar av försörjningsstöd riskerade att försenas när verksamhetssystemet "
        "uppdaterades mitt i månaden.",
        "non_case",
    ),
    (
        60,
        "VUX-MOT",
        "handlaggare",
        "risk",
        "Journalanteckningar om en brukare fanns i en olåst låda i ett gemensamt rum.",
        "investigating",
    ),
    (
        5,
        "VUX-OPV",
        "handlaggare",
        "maladministration",
        "En brukare nekades att ta med sin stödperson till ett möte utan att skäl angavs.",
        "reported",
    ),
]


def _officer() -> User:
    username, first, last = OFFICER
    vaxjo = org_demo.unit(org_demo.MUNICIPALITY)
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@vaxjo.demo.insyn.local",
            organisation=vaxjo,
        )
        user.set_password(org_demo.DEMO_PASSWORD)
        user.save()
    org_services.membership_grant(
        actor=None, user=user, org_unit=org_demo.unit("AOV"), role=Role.LEX_SARAH_OFFICER
    )
    return user


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 30)))


def _walk(officer: User, report: LexSarahReport, goal: str, start: dt.date) -> None:
    """Take the report as far as `goal`, each step a few days after the one before."""

    def day(n: int) -> dt.date:
        return min(start + dt.timedelta(days=n), timezone.localdate())

    if goal == "reported":
        return
    ls.lex_sarah_protect(
        actor=officer,
        report=report,
        immediate_action="Ansvarig chef informerades och säkerställde att brukaren fick stöd "
        "samma dag.",
        immediate_action_on=day(0),
    )
    ls.lex_sarah_register(actor=officer, report=report, registered_on=day(1))
    ls.lex_sarah_start_investigation(actor=officer, report=report, investigation_started_on=day(3))
    if goal == "investigating":
        return
    if goal == "non_case":
        ls.lex_sarah_close(
            actor=officer,
            report=report,
            closed_on=day(20),
            non_case_position="Utredningen visar att utbetalningarna gjordes i tid och att "
            "rutinen för systemuppdateringar följdes; det var inte ett missförhållande.",
        )
        return
    serious = goal == "serious"
    ls.lex_sarah_record_investigation(
        actor=officer,
        report=report,
        investigation_what="Händelsen bekräftades genom journalgranskning och samtal med "
        "berörd personal.",
        investigation_why="Rutinen för ersättare vid frånvaro var inte känd i arbetsgruppen.",
        investigation_prevention="Rutinen har förtydligats och gås igenom på varje APT.",
        consequences="Barnet kan ha varit utan skydd under tio dagar."
        if serious
        else "Brukarens behandling försenades.",
        investigation_done_on=day(12),
    )
    ls.lex_sarah_decide_measures(
        actor=officer,
        report=report,
        measures_text="Förbättrad rutin, utbildning av personalen och egenkontroll efter tre "
        "månader.",
        measures_on=day(14),
    )
    ls.lex_sarah_assess(
        actor=officer,
        report=report,
        serious=serious,
        seriousness_reasons="Risken för allvarlig skada för barnet var påtaglig."
        if serious
        else "Ingen allvarlig skada eller risk för allvarlig skada uppstod.",
        seriousness_decided_on=day(5),
        investigation_continuation=(
            "Utredningen fortsätter med en händelseanalys." if serious else ""
        ),
    )
    ls.lex_sarah_record_informed(
        actor=officer,
        report=report,
        affected_informed_on=day(6),
        affected_views="Vill få återkoppling när åtgärderna är på plats.",
        relatives_informed_on=day(6) if serious else None,
        relatives_views="Vårdnadshavarna delar bedömningen." if serious else "",
    )
    if serious:
        ls.lex_sarah_notify_ivo(
            actor=officer,
            report=report,
            ivo_notified_on=day(8),
            ivo_reference=f"3.5.1-{report.pk:05d}/{day(8).year}",
        )
    ls.lex_sarah_close(actor=officer, report=report, closed_on=day(30))


@transaction.atomic
def load(stdout: Any) -> list[tuple[str, str, str]]:
    officer = _officer()
    today = timezone.localdate()
    made = 0
    for days_ago, unit_code, reporter_name, kind, text, goal in REPORTS:
        unit = org_demo.unit(unit_code)
        if LexSarahReport.objects.filter(municipality=unit.municipality, description=text).exists():
            continue
        reporter = User.objects.get(username=reporter_name)
        start = today - dt.timedelta(days=days_ago)
        report = intake.lex_sarah_report(
            actor=reporter,
            kind=kind,
            unit=unit,
            description=text,
            occurred_on=start - dt.timedelta(days=1),
            reported_at=_at(start),
        )
        _walk(officer, report, goal, start)
        made += 1
    stdout.write(f"Lex Sarah: {made} report(s) added for Växjö\n")
    return [(str(Role.LEX_SARAH_OFFICER.label), OFFICER[0], org_demo.DEMO_PASSWORD)]
