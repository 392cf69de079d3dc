"""`insyn demo`: last year's improvement work in Växjö, so the quality report the reports step
approves for that year has measures, development areas and an annual cycle to show.

The other quality steps date their rows relative to today (the past twelve months); this one
works in the previous calendar year, on fixed days of it, through the same services with the
same backdating (the system, actor None, gives each step's date):

- a deviation, a complaint and a lex Sarah report of last year, each leading to an action
  plan decided a few weeks later, and one plan on the unit's own initiative;
- their items done during the year (one late), two plans followed up with an outcome, two
  still open on 31 December (finished in this year only once their dates have passed);
- the annual cycle's tasks generated for last year: most done, a few late, one not done.

Deterministic (fixed days, a seeded choice of the late tasks) and idempotent: a plan whose
title is already in its unit is left alone, and so are tasks no longer planned."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any, TextIO

from django.db import transaction
from django.utils import timezone

from insyn.accounts.models import User
from insyn.organisations.demo import unit as demo_unit
from insyn.organisations.models import OrgUnit
from insyn.quality.models import (
    ActionPlan,
    Complaint,
    ComplaintTheme,
    CycleTask,
    Deviation,
    DeviationCategory,
    LexSarahReport,
    RootCause,
)
from insyn.quality.services import action_plans as plans
from insyn.quality.services import complaints, cycle, deviations, lex_sarah_intake

SEED = 20251
ADMINISTRATION = "AOV"
NOT_DONE = "utvecklingssamtal"  # the one task of last year's cycle that never got done
LATE_SHARE = 6  # about one task in six is done late

# Dates are (month, day) in last year; a month above 12 lies in this year.
# source: (kind, unit, text, (month, day) it happened)
# items: (activity, responsible, due, done or None)
PLANS: list[dict[str, Any]] = [
    {
        "title": "Journalföring efter hembesök",
        "unit": "VUX-OPV",
        "owner": "enhetschef",
        "decided": (3, 10),
        "source": ("deviation", "dokumentation", "Journalanteckning saknades efter hembesök."),
        "source_on": (2, 3),
        "problem": "Anteckningar från hembesök förs in sent eller inte alls.",
        "goal": "Alla hembesök dokumenteras inom tre arbetsdagar.",
        "follow_up": (9, 15),
        "items": [
            ("Mall för anteckning efter hembesök", "handlaggare", (4, 15), (4, 10)),
            ("Stickprov i tio akter", "enhetschef", (6, 15), (6, 26)),
        ],
        "followed_up": (
            (9, 18),
            ActionPlan.Outcome.EFFECTIVE,
            "Stickprovet i september: alla tio hembesök var dokumenterade inom tre dagar.",
        ),
        "close": True,
    },
    {
        "title": "Svar på klagomål inom två veckor",
        "unit": "VUX-MOT",
        "owner": "enhetschef",
        "decided": (4, 22),
        "source": (
            "complaint",
            "handlaggning",
            "Jag fick inget svar på mitt klagomål på en månad.",
        ),
        "source_on": (3, 20),
        "problem": "Klagomål blev liggande utan svar när handläggaren var frånvarande.",
        "goal": "Alla klagomål besvaras inom 14 dagar.",
        "follow_up": (11, 1),
        "items": [
            ("Bevakning av svarstid i diariet", "handlaggare", (5, 31), (5, 28)),
            ("Genomgång av rutinen på APT", "enhetschef", (6, 10), (6, 10)),
        ],
        "followed_up": (
            (11, 5),
            ActionPlan.Outcome.PARTLY,
            "Nio av elva klagomål under hösten besvarades inom 14 dagar.",
        ),
        "close": False,
    },
    {
        "title": "Ersättare vid frånvaro i öppenvården",
        "unit": "VUX-OPV",
        "owner": "kvalitet",
        "decided": (6, 9),
        "source": (
            "lex_sarah",
            "maladministration",
            "En brukare fick vänta fem veckor på sin behandling när behandlaren slutade och "
            "ingen ersättare utsågs.",
        ),
        "source_on": (5, 12),
        "problem": "Ingen utses att ta över brukarens behandling när en behandlare är borta.",
        "goal": "Varje brukare har en namngiven ersättare inom en vecka.",
        "follow_up": (15, 31),
        "items": [
            ("Rutin för ersättare vid frånvaro", "kvalitet", (8, 31), (8, 20)),
            ("Utbildning i rutinen på APT", "enhetschef", (10, 15), (10, 15)),
            ("Egenkontroll efter tre månader", "kvalitet", (14, 28), (14, 25)),
        ],
        "followed_up": (
            (15, 31),
            ActionPlan.Outcome.EFFECTIVE,
            "Egenkontrollen visade att alla brukare hade en ersättare.",
        ),
        "close": False,
    },
    {
        "title": "Väntetid till första samtal",
        "unit": "VUX",
        "owner": "enhetschef",
        "decided": (11, 12),
        "source": None,
        "source_on": None,
        "problem": "Nya brukare väntar ofta mer än tre veckor på ett första samtal.",
        "goal": "Första samtal inom två veckor från ansökan.",
        "follow_up": (16, 30),
        "items": [
            ("Kartlägg väntetiderna under hösten", "handlaggare", (12, 12), (12, 10)),
            ("Inför drop-in-tider två dagar i veckan", "enhetschef", (13, 31), (13, 29)),
        ],
        "followed_up": None,
        "close": False,
    },
]


def _day(year: int, md: tuple[int, int]) -> dt.date:
    month, day = md
    return dt.date(year + (month - 1) // 12, (month - 1) % 12 + 1, day)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _deviation(unit: OrgUnit, code: str, text: str, on: dt.date, users: dict[str, User]) -> Any:
    """Reported on `on`, investigated, measures decided and closed within five weeks."""
    category = DeviationCategory.objects.filter(code=code).first()
    if category is None:
        return None
    d = deviations.deviation_report(
        actor=None,
        reported_by=users["handlaggare"],
        reported_at=_at(on, 9),
        unit=unit,
        category=category,
        occurred_on=on - dt.timedelta(days=1),
        description=text,
        immediate_measures="Närmaste chef informerades.",
        notify=False,
    )
    d = deviations.deviation_receive(actor=None, deviation=d, at=_at(on + dt.timedelta(days=1)))
    d = deviations.deviation_investigate(
        actor=None,
        deviation=d,
        investigation_facts="Genomgång med de inblandade; fler anteckningar saknades.",
        root_causes=list(RootCause.objects.filter(active=True).order_by("pk")[:1]),
        consequences="Uppgifter saknades när en kollega tog över ärendet.",
        at=_at(on + dt.timedelta(days=14)),
    )
    d = deviations.deviation_decide_measures(
        actor=None,
        deviation=d,
        measures_text="En handlingsplan tas fram.",
        at=_at(on + dt.timedelta(days=30)),
    )
    return deviations.deviation_close(
        actor=None,
        deviation=d,
        feedback="Tack för din rapport; en handlingsplan är beslutad.",
        at=_at(on + dt.timedelta(days=35)),
        notify=False,
    )


def _complaint(unit: OrgUnit, theme: str, text: str, on: dt.date) -> Complaint:
    """Received on `on` by the municipality, assigned to `unit`, answered late, closed."""
    c = complaints.complaint_register(
        actor=None,
        unit=unit.municipality or unit,
        kind=Complaint.Kind.COMPLAINT,
        channel="letter",
        text=text,
        received_on=on,
        theme=ComplaintTheme.objects.filter(code=theme).first(),
        submitter=Complaint.Submitter.CLIENT,
        contact_name="Demo Demosson",
        contact_phone="070-000 00 00",
        wants_answer=True,
    )
    c = complaints.complaint_assign(
        actor=None, complaint=c, unit=unit, assigned_on=on + dt.timedelta(days=1)
    )
    c = complaints.complaint_investigate(
        actor=None,
        complaint=c,
        investigation="Samtal med enhetschef.",
        investigated_on=on + dt.timedelta(days=3),
    )
    c = complaints.complaint_answer(
        actor=None,
        complaint=c,
        answer_text="Tack för att du hörde av dig; vi har ändrat rutinen.",
        answered_on=on + dt.timedelta(days=24),
    )
    return complaints.complaint_close(actor=None, complaint=c, closed_on=on + dt.timedelta(days=25))


def _lex_sarah(unit: OrgUnit, kind: str, text: str, on: dt.date) -> LexSarahReport:
    """Reported on `on` and taken to closed after investigation, as the lex Sarah step does."""
    from insyn.quality import demo_lex_sarah

    officer = demo_lex_sarah._officer()
    report = lex_sarah_intake.lex_sarah_report(
        actor=User.objects.get(username="handlaggare"),
        kind=kind,
        unit=unit,
        description=text,
        occurred_on=on - dt.timedelta(days=1),
        reported_at=_at(on),
    )
    demo_lex_sarah._walk(officer, report, "closed", on)
    return report


def _source(spec: dict[str, Any], year: int, users: dict[str, User]) -> dict[str, Any]:
    if spec["source"] is None:
        return {}
    kind, code, text = spec["source"]
    unit, on = demo_unit(spec["unit"]), _day(year, spec["source_on"])
    if kind == "deviation":
        d = Deviation.objects.filter(municipality=unit.municipality, description=text).first()
        d = d or _deviation(unit, code, text, on, users)
        return {"deviation": d} if d is not None else {}
    if kind == "complaint":
        c = Complaint.objects.filter(municipality=unit.municipality, text=text).first()
        return {"complaint": c or _complaint(unit, code, text, on)}
    r = LexSarahReport.objects.filter(municipality=unit.municipality, description=text).first()
    return {"lex_sarah_report": r or _lex_sarah(unit, code, text, on)}


def _plan(spec: dict[str, Any], year: int, today: dt.date, users: dict[str, User]) -> None:
    """One plan as it stood on `today`: each step taken only once its day has come."""
    unit = demo_unit(spec["unit"])
    plan = plans.action_plan_create(
        actor=None,
        unit=unit,
        title=spec["title"],
        problem=spec["problem"],
        goal=spec["goal"],
        owner=users[spec["owner"]],
        follow_up_on=_day(year, spec["follow_up"]),
        created_at=_at(_day(year, spec["decided"]), 13),
        **_source(spec, year, users),
    )
    for activity, who, due, done in spec["items"]:
        due_on = _day(year, due)
        item = plans.action_item_add(
            actor=None,
            plan=plan,
            activity=activity,
            responsible=users[who],
            due_on=due_on,
            backdated=due_on < today,
        )
        done_on = _day(year, done) if done else None
        if done_on is not None and done_on <= today:
            plans.action_item_transition(
                actor=None,
                item=item,
                action="complete",
                result="Genomfört och infört i rutinen.",
                done_on=done_on,
            )
    if spec["followed_up"] is None:
        return
    on, outcome, text = spec["followed_up"]
    followed_up_on = _day(year, on)
    if followed_up_on > today or plan.items.filter(status__in=("planned", "ongoing")).exists():
        return
    plans.action_plan_follow_up(
        actor=None,
        plan=plan,
        followed_up_on=followed_up_on,
        outcome=outcome,
        outcome_text=text,
    )
    if spec["close"]:
        plans.action_plan_close(actor=None, plan=plan)


def _cycle(year: int, today: dt.date) -> tuple[int, int, int]:
    """Generate last year's tasks; close the planned ones: on time, a few late, one not at
    all. Returns (tasks made, done on time, done late)."""
    unit = demo_unit(ADMINISTRATION)
    made, _there = cycle.generate_tasks(actor=None, year=year, unit=unit)
    tasks = list(
        CycleTask.objects.filter(
            activity__municipality=unit.municipality,
            year=year,
            status=CycleTask.Status.PLANNED,
        )
        .select_related("activity")
        .order_by("due_on", "activity__sort_order", "pk")
    )
    rng = random.Random(SEED)  # noqa: S311 - synthetic data, reproducible on purpose
    skipped = next((t for t in tasks if t.activity.code == NOT_DONE), None)
    todo = [t for t in tasks if t is not skipped]
    late = set(rng.sample(range(len(todo)), min(len(todo), max(2, len(todo) // LATE_SHARE))))
    on_time = done_late = 0
    for i, task in enumerate(todo):
        if i in late:
            done_on = min(task.due_on + dt.timedelta(days=rng.randint(5, 25)), today)
            done_late += 1
        else:
            done_on = task.due_on - dt.timedelta(days=rng.randint(0, 6))
            on_time += 1
        cycle.task_transition(actor=None, task=task, action="complete", done_on=done_on)
    return made, on_time, done_late


@transaction.atomic
def load(stdout: TextIO) -> list[tuple[str, str, str]]:
    """Create last year's data; return extra demo logins (none)."""
    names = {"handlaggare", "enhetschef", "kvalitet"}
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    if len(users) < len(names):
        stdout.write("Last year's quality work: the demo users are missing; skipped.\n")
        return []
    today = timezone.localdate()
    year = today.year - 1
    made = 0
    for spec in PLANS:
        if ActionPlan.objects.filter(unit=demo_unit(spec["unit"]), title=spec["title"]).exists():
            continue
        _plan(spec, year, today, users)
        made += 1
    tasks, on_time, late = _cycle(year, today)
    stdout.write(
        f"Last year's quality work ({year}): {made} action plans created; "
        f"{tasks} cycle tasks, {on_time} done on time, {late} late\n"
    )
    return []
