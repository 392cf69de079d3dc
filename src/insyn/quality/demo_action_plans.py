"""Demo action plans for Växjö (a part of the quality step of `insyn demo`), through the real
services: a few plans without a source, one linked to the first demo deviation and one to the
first demo complaint when those exist (other areas' demo steps make them; this step works
without them). Items in every state, some overdue, so the start page and `insyn remind` have
something to show for "handlaggare" and "enhetschef".

Idempotent: a plan whose title already exists in its unit is left alone. Dates are relative
to today; overdue items are recorded with `backdated=True`, which only the system may use."""

from __future__ import annotations

import datetime as dt
from typing import Any, TextIO

from django.db import transaction
from django.utils import timezone

from insyn.accounts.models import User
from insyn.organisations.demo import unit as demo_unit
from insyn.quality.models import ActionPlan, Complaint, Deviation
from insyn.quality.services import action_plans as services

# title, unit code, owner, problem, goal, follow-up in days (None: none), source,
# items: (activity, responsible, due in days, steps: "start" / "complete" / "cancel")
PLANS: list[dict[str, Any]] = [
    {
        "title": "Överlämning vid skiftbyte",
        "unit": "VUX-OPV",
        "owner": "enhetschef",
        "problem": "Information om planerade samtal tappas när personal byter pass.",
        "goal": "Inga missade överlämningar under ett kvartal.",
        "follow_up": 60,
        "source": None,
        "items": [
            ("Ta fram en checklista för överlämning", "handlaggare", -20, ["start", "complete"]),
            ("Gå igenom checklistan på APT", "enhetschef", -3, ["start"]),
            ("Stickprov på tio överlämningar", "handlaggare", -2, []),
            ("Uppdatera rutinen i ledningssystemet", "handlaggare", 5, []),
        ],
    },
    {
        "title": "Dokumentation av genomförandeplaner",
        "unit": "VUX-OPV",
        "owner": "kvalitet",
        "problem": "Genomförandeplaner saknas eller är inaktuella i en del ärenden.",
        "goal": "Alla aktuella insatser har en genomförandeplan som är högst sex månader gammal.",
        "follow_up": -2,
        "source": None,
        "items": [
            ("Mall för genomförandeplan", "kvalitet", -30, ["complete"]),
            ("Utbildning i mallen", "enhetschef", -10, ["cancel"]),
        ],
    },
    {
        "title": "Återkoppling till den som anmält avvikelse",
        "unit": "VUX",
        "owner": "enhetschef",
        "problem": "Den som rapporterat får sällan veta vad som hände sedan.",
        "goal": "Återkoppling inom två veckor.",
        "follow_up": 90,
        "source": "deviation",
        "items": [("Lägg in återkoppling i utredningsmallen", "enhetschef", 12, [])],
    },
    {
        "title": "Tillgänglighet per telefon",
        "unit": "VUX-MOT",
        "owner": "enhetschef",
        "problem": "Synpunkter på att det är svårt att nå mottagningen.",
        "goal": "Telefontid varje vardag och återuppringning samma dag.",
        "follow_up": 45,
        "source": "complaint",
        "items": [("Inför återuppringningsfunktion", "handlaggare", 1, ["start"])],
    },
]


def _source(kind: str | None, municipality_path: str) -> dict[str, Any]:
    if kind == "deviation":
        dev = Deviation.objects.filter(unit__path__startswith=municipality_path).order_by("pk")
        return {"deviation": dev.first()} if dev.exists() else {}
    if kind == "complaint":
        com = Complaint.objects.filter(unit__path__startswith=municipality_path).order_by("pk")
        return {"complaint": com.first()} if com.exists() else {}
    return {}


@transaction.atomic
def load(stdout: TextIO) -> list[tuple[str, str, str]]:
    today = timezone.localdate()
    users = {u.username: u for u in User.objects.filter(username__in=_usernames())}
    made = 0
    for spec in PLANS:
        unit = demo_unit(spec["unit"])
        if ActionPlan.objects.filter(unit=unit, title=spec["title"]).exists():
            continue
        follow = spec["follow_up"]
        plan = services.action_plan_create(
            actor=None,
            unit=unit,
            title=spec["title"],
            problem=spec["problem"],
            goal=spec["goal"],
            owner=users[spec["owner"]],
            follow_up_on=today + dt.timedelta(days=follow) if follow is not None else None,
            **_source(spec["source"], (unit.municipality or unit).path),
        )
        for activity, who, due_in, steps in spec["items"]:
            due_on = today + dt.timedelta(days=due_in)
            item = services.action_item_add(
                actor=None,
                plan=plan,
                activity=activity,
                responsible=users[who],
                due_on=due_on,
                backdated=due_in < 0,
            )
            for step in steps:
                result = {
                    "complete": "Klart och infört i rutinen.",
                    "cancel": "Ersätts av den gemensamma utbildningen i förvaltningen.",
                }.get(step, "")
                services.action_item_transition(
                    actor=None,
                    item=item,
                    action=step,
                    result=result,
                    done_on=min(due_on, today) if step == "complete" else None,
                )
        made += 1
    stdout.write(f"Demo action plans: {made} created, {len(PLANS) - made} already there\n")
    return []


def _usernames() -> set[str]:
    names: set[str] = set()
    for spec in PLANS:
        names.add(spec["owner"])
        names.update(who for _a, who, _d, _s in spec["items"])
    return names
