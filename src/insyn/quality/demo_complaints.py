"""Demo complaints and suggestions for Växjö: eighteen over the past year, mixed kinds, themes
and channels; most answered within 14 days, some late, a few still open. Everything goes
through the services (the steps are dated in the past), and a run skips those already there,
so `insyn demo` can run twice.

Unassigned complaints sit on the municipality itself, so the demo adds a complaints
coordinator ("klagomal", quality lead on Växjö) who receives and assigns them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from insyn.accounts.models import User
from insyn.core.roles import Role
from insyn.organisations import services as org_services
from insyn.organisations.demo import DEMO_PASSWORD, MUNICIPALITY, unit
from insyn.organisations.models import OrgUnit
from insyn.quality.models import Complaint, ComplaintTheme
from insyn.quality.services import complaints as services

C, SUG = Complaint.Kind.COMPLAINT, Complaint.Kind.SUGGESTION
# days ago, kind, channel, theme, unit, answered after (days; None: still open), last step, text
ROWS: list[tuple[int, str, str, str, str, int | None, str, str]] = [
    (350, C, "phone", "bemotande", "VUX-OPV", 9, "closed", "Jag blev illa bemött i telefon."),
    (330, SUG, "letter", "information", "VUX-MOT", 12, "closed", "Skicka gärna kallelser på sms."),
    (310, C, "email", "handlaggning", "BOF-UTR", 21, "closed", "Utredningen drog ut på tiden."),
    (290, C, "phone", "tillganglighet", "EKB-FS", 7, "closed", "Svårt att nå min handläggare."),
    (260, C, "letter", "beslut", "EKB-FS", 13, "closed", "Jag förstod inte beslutet."),
    (240, SUG, "in_person", "insatsens_kvalitet", "BOF-FAM", 10, "closed", "Fler kvällstider."),
    (210, C, "email", "bemotande", "BOF-MOT", 18, "closed", "Ingen lyssnade på mig."),
    (180, C, "phone", "handlaggning", "VUX-OPV", 14, "closed", "Ingen återkoppling efter mötet."),
    (
        150,
        SUG,
        "email",
        "information",
        "VUX-MOT",
        6,
        "closed",
        "Webbsidan borde finnas på fler språk.",
    ),
    (
        120,
        C,
        "letter",
        "trygghet",
        "BOF-FAM",
        25,
        "answered",
        "Jag kände mig inte trygg på besöket.",
    ),
    (95, C, "phone", "tillganglighet", "EKB-FS", 11, "answered", "Telefontiden är för kort."),
    (
        70,
        SUG,
        "in_person",
        "insatsens_kvalitet",
        "VUX-OPV",
        8,
        "answered",
        "Gruppträffar vore bra.",
    ),
    (45, C, "email", "beslut", "BOF-UTR", 16, "answered", "Beslutet saknade motivering."),
    (
        30,
        C,
        "phone",
        "bemotande",
        "VUX-MOT",
        None,
        "investigating",
        "Otrevligt bemötande i receptionen.",
    ),
    (
        20,
        C,
        "letter",
        "handlaggning",
        "EKB-FS",
        None,
        "assigned",
        "Min ansökan har inte behandlats.",
    ),
    (
        12,
        SUG,
        "email",
        "ovrigt",
        "VUX-OPV",
        None,
        "assigned",
        "Parkeringen vid mottagningen är för liten.",
    ),
    (
        2,
        C,
        "phone",
        "information",
        "BOF-MOT",
        None,
        "received",
        "Jag fick fel information om tider.",
    ),
]
# The eighteenth arrives through the public page (today, unassigned).
PUBLIC_TEXT = "Det tog tre veckor innan någon ringde tillbaka."


def _coordinator(vaxjo: OrgUnit) -> User:
    user = User.objects.filter(username="klagomal").first()
    if user is None:
        user = User(
            username="klagomal",
            first_name="Klara",
            last_name="Klagomålssamordnare",
            email="klagomal@vaxjo.demo.insyn.local",
            organisation=vaxjo,
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
    org_services.membership_grant(actor=None, user=user, org_unit=vaxjo, role=Role.QUALITY_LEAD)
    return user


def _one(actor: User, vaxjo: OrgUnit, today: dt.date, row: tuple[Any, ...]) -> None:
    ago, kind, channel, theme_code, unit_code, answer_after, last, text = row
    received = today - dt.timedelta(days=ago)
    c = services.complaint_register(
        actor=actor,
        unit=vaxjo,
        kind=kind,
        channel=channel,
        text=text,
        received_on=received,
        theme=ComplaintTheme.objects.filter(code=theme_code).first(),
        submitter=Complaint.Submitter.CLIENT if ago % 2 else Complaint.Submitter.RELATIVE,
        anonymous=ago % 5 == 0,
        contact_name="Demo Demosson",
        contact_phone="070-000 00 00",
        wants_answer=True,
    )
    if last == "received":
        return
    day = min(received + dt.timedelta(days=1), today)
    c = services.complaint_assign(actor=actor, complaint=c, unit=unit(unit_code), assigned_on=day)
    if last == "assigned":
        return
    day = min(received + dt.timedelta(days=2), today)
    c = services.complaint_investigate(
        actor=actor, complaint=c, investigation="Samtal med enhetschef.", investigated_on=day
    )
    if last == "investigating" or answer_after is None:
        return
    answered = received + dt.timedelta(days=answer_after)
    c = services.complaint_answer(
        actor=actor, complaint=c, answer_text="Tack för att du hörde av dig.", answered_on=answered
    )
    if last == "closed":
        services.complaint_close(
            actor=actor, complaint=c, closed_on=answered + dt.timedelta(days=1)
        )


@transaction.atomic
def load(stdout: Any) -> list[tuple[str, str, str]]:
    vaxjo = OrgUnit.objects.get(code=MUNICIPALITY, kind=OrgUnit.Kind.MUNICIPALITY)
    actor = _coordinator(vaxjo)
    today = timezone.localdate()
    existing = set(Complaint.objects.filter(municipality=vaxjo).values_list("text", flat=True))
    added = 0
    for row in ROWS:
        if row[-1] not in existing:
            _one(actor, vaxjo, today, row)
            added += 1
    if PUBLIC_TEXT not in existing and services.public_municipality(MUNICIPALITY):
        services.complaint_submit_public(
            municipality_code=MUNICIPALITY,
            kind=C,
            text=PUBLIC_TEXT,
            theme=ComplaintTheme.objects.filter(code="tillganglighet").first(),
            submitter=Complaint.Submitter.RELATIVE,
            anonymous=True,
        )
        added += 1
    stdout.write(f"Demo complaints and suggestions: {added} added\n")
    return [(str(Role.QUALITY_LEAD.label) + " (klagomål)", "klagomal", DEMO_PASSWORD)]
