"""Demo deviations for Växjö (a part of `insyn demo`): about forty over the last twelve months
in Vuxen/missbruk and Barn och familj, in every state and most categories, two about demo
clients and one personal-data incident, all through the real services.

Deterministic (a fixed seed, dates relative to today) and idempotent: once Växjö has
deviations, running it again adds nothing. No mail is sent for these old reports.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any, TextIO

from django.db import transaction
from django.utils import timezone

from insyn.accounts.models import User
from insyn.core.roles import Role
from insyn.organisations import services as org_services
from insyn.organisations.demo import DEMO_PASSWORD
from insyn.organisations.demo import unit as demo_unit
from insyn.quality.models import Deviation, DeviationCategory, RootCause
from insyn.quality.services import deviations as services

SEED = 20261
COUNT = 40
# username, first name, last name, role, unit code
USERS = [
    ("ec.bof", "Lena", "Holm", Role.UNIT_MANAGER, "BOF"),
    ("hl.bof", "Nils", "Strand", Role.CASE_WORKER, "BOF-UTR"),
]
CATEGORIES = [
    ("dokumentation", 9),
    ("handlaggning", 8),
    ("bemotande", 5),
    ("samverkan", 5),
    ("verkstallighet", 4),
    ("hot_vald", 3),
    ("it_system", 3),
    ("ovrigt", 2),
]
WHAT = {
    "dokumentation": "Journalanteckning saknades efter hembesök.",
    "handlaggning": "Utredningen blev inte klar inom fyra månader.",
    "bemotande": "Besökaren upplevde att hen inte blev lyssnad på i receptionen.",
    "samverkan": "Kallelse till SIP skickades inte till vården.",
    "verkstallighet": "Beviljad insats påbörjades inte inom tre månader.",
    "hot_vald": "Besökare uttalade hot mot personal i receptionen.",
    "it_system": "Verksamhetssystemet låg nere en förmiddag.",
    "ovrigt": "Nyckel till arkivskåpet kom bort.",
    "sekretess": "Brev med uppgifter om en klient skickades till fel adress.",
}


def _users() -> dict[str, User]:
    vaxjo = demo_unit("0780")
    users = {
        name: User.objects.get(username=name) for name in ("handlaggare", "enhetschef", "kvalitet")
    }
    for username, first, last, role, code in USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@vaxjo.demo.insyn.local",
                organisation=vaxjo,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            org_services.membership_grant(
                actor=None, user=user, org_unit=demo_unit(code), role=role
            )
        users[username] = user
    return users


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 15)))


def _walk(d: Deviation, handler: User, steps: int, start: dt.date, rng: random.Random) -> None:
    """Take `d` `steps` steps along the flow, a few days apart (never past today)."""
    today = timezone.localdate()
    day = start
    causes = list(RootCause.objects.filter(active=True))

    def later(days: int) -> dt.datetime:
        nonlocal day
        day = min(day + dt.timedelta(days=days), today)
        return _at(day, 10 + rng.randint(0, 5))

    if steps >= 1:
        d = services.deviation_receive(actor=None, deviation=d, at=later(rng.randint(0, 3)))
    if steps >= 2:
        d = services.deviation_investigate(
            actor=None,
            deviation=d,
            investigation_facts="Genomgång med de inblandade; händelseförloppet bekräftades.",
            root_causes=rng.sample(causes, rng.randint(1, 2)),
            consequences="Ingen bestående skada; förtroendet påverkades.",
            at=later(rng.randint(5, 20)),
        )
    if steps >= 3:
        d = services.deviation_decide_measures(
            actor=None,
            deviation=d,
            measures_text="Rutinen gås igenom på arbetsplatsträff; checklista införs.",
            at=later(rng.randint(2, 10)),
        )
    if steps >= 4:
        services.deviation_close(
            actor=None,
            deviation=d,
            feedback=f"Tack för din rapport. {handler.first_name} har följt upp åtgärderna.",
            at=later(rng.randint(10, 40)),
            notify=False,
        )


@transaction.atomic
def load(stdout: TextIO) -> list[tuple[str, str, str]]:
    vaxjo = demo_unit("0780")
    if Deviation.objects.filter(municipality=vaxjo).exists():
        stdout.write("Demo deviations: already loaded\n")
        return []
    from insyn.clients.models import Case

    rng = random.Random(SEED)  # noqa: S311 - synthetic data, reproducible on purpose
    users = _users()
    today = timezone.localdate()
    places = [
        ("handlaggare", "VUX-MOT", "enhetschef"),
        ("handlaggare", "VUX-OPV", "enhetschef"),
        ("hl.bof", "BOF-UTR", "ec.bof"),
        ("kvalitet", "BOF-FAM", "ec.bof"),
    ]
    codes = [code for code, weight in CATEGORIES for _ in range(weight)]
    rng.shuffle(codes)
    cases = list(
        Case.objects.filter(
            client__client_ref__startswith="DEMO", unit__path__startswith=demo_unit("VUX").path
        ).order_by("pk")[:2]
    )
    plan: list[tuple[str, Any]] = [(code, None) for code in codes[: COUNT - 1]]
    plan.append(("sekretess", None))
    for i, case in enumerate(cases):  # two about demo clients
        plan[3 + i * 7] = ("dokumentation", case)
    made = 0
    for i, (code, case) in enumerate(plan):
        reporter_name, unit_code, handler_name = places[0 if case else i % len(places)]
        age = 360 - i * 9 if code != "sekretess" else 2
        occurred = today - dt.timedelta(days=max(age, 1))
        reported = _at(min(occurred + dt.timedelta(days=rng.randint(0, 2)), today), 9)
        d = services.deviation_report(
            actor=None,
            reported_by=users[reporter_name],
            reported_at=min(reported, timezone.now()),
            unit=demo_unit(unit_code),
            category=DeviationCategory.objects.get(code=code),
            occurred_on=occurred,
            description=WHAT[code],
            immediate_measures="Närmaste chef informerades." if rng.random() < 0.6 else "",
            client=case.client if case else None,
            case=case,
            notify=False,
        )
        # older ones have come further along the flow
        steps = 4 if age > 120 else min(4, max(0, int(age / 30)))
        if code == "sekretess":
            steps = 1
        _walk(d, users[handler_name], steps, reported.date(), rng)
        made += 1
    stdout.write(f"Demo deviations: {made} in Växjö ({len(cases)} about demo clients)\n")
    return [
        (f"{Role(role).label} ({code})", name, DEMO_PASSWORD) for name, _f, _l, role, code in USERS
    ]
