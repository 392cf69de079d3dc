"""Demo data of the followup app (a step of `insyn demo`): the programme "Missbruks- och
beroendevård vuxna" and about 300 synthetic clients over three years in Växjö's Vuxen/missbruk
units, built through the real services (clients, cases, decisions, interventions, enrolment,
recording, goals), so the demo shows what the product would hold.

Deterministic: a fixed seed, dates relative to today (the same shape every day). Idempotent:
once the programme has enrolments, running it again adds nothing. Nobody here is a real person:
clients have no identity number (reserve identity), only a birth date and sex.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from importlib import resources
from typing import Any, TextIO

from django.db import transaction
from django.utils import timezone

from insyn.accounts.models import User
from insyn.core.roles import Role
from insyn.followup import services
from insyn.followup.models import Enrollment, Goal, NonResponseReason, Occasion, Programme
from insyn.followup.services.exchange import programme_import
from insyn.organisations import services as org_services
from insyn.organisations.demo import DEMO_PASSWORD
from insyn.organisations.demo import unit as demo_unit

SEED = 20260
CLIENTS = 300
PROGRAMME_KEY = "missbruk-vuxna"
CASE_WORKERS = [  # besides the demo login "handlaggare"; they make the completion page real
    ("hl.berg", "Johan", "Berg", "VUX-OPV"),
    ("hl.lind", "Sara", "Lind", "VUX-OPV"),
    ("hl.ek", "Maria", "Ek", "VUX-MOT"),
]
# The units' own providers, by unit code: (provider code, name).
OWN_PROVIDERS = {
    "VUX-OPV": ("vaxjo-oppenvard", "Öppenvården Växjö"),
    "VUX-MOT": ("vaxjo-mottagning", "Beroendemottagningen Växjö"),
}
TYPES = [
    ("opv_adults_structured", 40),
    ("opv_adults_relapse", 20),
    ("opv_adults_cra", 15),
    ("opv_adults_twelve_step", 15),
    ("opv_adults_motivational", 10),
]
REASONS = [
    ("alcohol", 50),
    ("drugs", 22),
    ("mixed_substances", 20),
    ("medicines", 5),
    ("gambling", 3),
]
END_REASONS = [
    ("completed", 68),
    ("interrupted_client", 14),
    ("interrupted_provider", 4),
    ("interrupted_services", 4),
    ("changed_intervention", 5),
    ("moved", 5),
]
NON_RESPONSE = [("not_reachable", 45), ("declined", 30), ("moved", 15), ("not_suitable", 10)]
HOUSING = [("own", 55), ("secondhand", 25), ("supported", 12), ("homeless", 8)]


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([k for k, _w in weighted], [w for _k, w in weighted])[0]


def _clip(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


def _audit_items(rng: random.Random, total: int) -> dict[str, str]:
    """Item answers that add up to `total` (items 1–8 score 0–4, items 9–10 score 0, 2 or 4)."""
    points = {f"q{i}": 0 for i in range(1, 11)}
    for key in ("q9", "q10"):
        step = rng.choice([0, 2, 4]) if total >= 8 else rng.choice([0, 0, 2])
        step = min(step, total - sum(points.values()))
        points[key] = step - step % 2
    left = total - sum(points.values())
    order = [f"q{i}" for i in range(1, 9)]
    while left > 0:
        key = rng.choice([k for k in order if points[k] < 4] or order)
        if points[key] >= 4:
            break
        points[key] += 1
        left -= 1
    if left > 0:  # fell short of a high total: the two last items take the rest
        for key in ("q9", "q10"):
            while left >= 2 and points[key] < 4:
                points[key] += 2
                left -= 2
    return {f"audit.{k}": str(v) for k, v in points.items()}


@dataclass
class Plan:
    """One synthetic client's story."""

    number: int
    sex: str
    age: int
    start: dt.date
    end: dt.date | None
    end_reason: str
    intervention_type: str
    unit: str
    worker: str
    audit_before: int
    days_before: int
    change: float  # factor on the problem at the after stage
    before_missed: bool
    after_missed: bool
    with_goal: bool
    with_items: bool


def _plans(rng: random.Random, today: dt.date) -> list[Plan]:
    plans = []
    for n in range(1, CLIENTS + 1):
        # Sex comes from the personnummer, so "X" (other/not stated) is rare in real data; the
        # demo has none, or every by-sex table would hide women as the complementary cell.
        sex = "M" if rng.random() < 0.66 else "K"
        age = _clip(rng.triangular(20, 70, 38), 20, 70)
        if n <= 12:  # current work for the demo case worker: due, overdue and after-stage
            start = today - dt.timedelta(
                days=[2, 5, 9, 40, 52, 70, 150, 160, 170, 200, 120, 95][n - 1]
            )
        else:
            start = today - dt.timedelta(days=rng.randint(20, 3 * 365))
        end_reason = _pick(rng, END_REASONS)
        interrupted = end_reason.startswith("interrupted")
        length = rng.randint(30, 90) if interrupted else rng.randint(75, 220)
        planned_end = start + dt.timedelta(days=length)
        end: dt.date | None = planned_end
        if n in range(7, 11):  # ended a week or two ago: their after occasion is due now
            end = today - dt.timedelta(days=[3, 8, 12, 20][n - 7])
        elif n <= 12 or planned_end >= today:
            end = None  # still going on
        unit = "VUX-OPV" if rng.random() < 0.8 else "VUX-MOT"
        audit = rng.gauss(21 if sex == "M" else 16, 7)
        roll = rng.random()
        change = (
            rng.uniform(0.25, 0.85)  # most improve
            if roll < 0.68
            else (rng.uniform(0.9, 1.1) if roll < 0.85 else rng.uniform(1.1, 1.5))
        )
        if interrupted:
            change = min(1.3, change + 0.25)
        plans.append(
            Plan(
                number=n,
                sex=sex,
                age=age,
                start=start,
                end=end,
                end_reason=end_reason if end else "",
                intervention_type=_pick(rng, TYPES),
                unit=unit,
                worker="handlaggare"
                if n <= 12 or rng.random() < 0.3
                else rng.choice([u for u, _f, _l, where in CASE_WORKERS if where == unit]),
                audit_before=_clip(audit, 3, 40),
                days_before=_clip(rng.gauss(15, 8), 0, 30),
                change=change,
                before_missed=rng.random() < 0.04,
                after_missed=rng.random() < (0.38 if interrupted else 0.15),
                with_goal=rng.random() < 0.85,
                with_items=rng.random() < 0.4,
            )
        )
    return plans


def _users() -> dict[str, User]:
    vaxjo = demo_unit("0780")
    users = {"handlaggare": User.objects.get(username="handlaggare")}
    for username, first, last, unit_code in CASE_WORKERS:
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
            actor=None, user=user, org_unit=demo_unit(unit_code), role=Role.CASE_WORKER
        )
        users[username] = user
    return users


class _Catalogues:
    def __init__(self) -> None:
        from insyn.clients import models as c

        self.types = {t.code: t for t in c.InterventionType.objects.all()}
        self.reasons = {r.code: r for r in c.IntakeReason.objects.all()}
        self.sources = {s.code: s for s in c.CaseSource.objects.all()}
        self.bases = {b.code: b for b in c.LegalBasis.objects.all()}
        self.end_reasons = {e.code: e for e in c.EndReason.objects.all()}
        self.non_response = {r.code: r for r in NonResponseReason.objects.all()}

    def basis(self, day: dt.date) -> Any:
        return self.bases["sol2001_4_1" if day < dt.date(2025, 7, 1) else "sol2025_assistance"]

    def provider(self, unit_code: str) -> Any:
        """The unit's own provider (the provider catalogue lists it with its results)."""
        from insyn.clients import services as clients
        from insyn.clients.models import Provider

        code, name = OWN_PROVIDERS[unit_code]
        found = Provider.objects.filter(code=code).first()
        if found is None:
            found = clients.provider_create(
                actor=None,
                municipality=demo_unit("0780"),
                name=name,
                kind=Provider.Kind.OWN,
                intervention_types=[self.types[t] for t, _w in TYPES],
                code=code,
            )
        return found


def _client(plan: Plan, rng: random.Random, cat: _Catalogues, users: dict[str, User]) -> Any:
    """Client, case, decision and intervention through the clients app's services; the
    intervention's start enrols the client in the programme (auto-enrolment)."""
    from insyn.clients import services as clients

    unit = demo_unit(plan.unit)
    birth = plan.start - dt.timedelta(days=plan.age * 365 + rng.randint(0, 364))
    client = clients.client_register(
        actor=None, unit=unit, birth_date=birth, sex=plan.sex, client_ref=f"DEMO{plan.number:04d}"
    )
    decided = plan.start - dt.timedelta(days=rng.randint(3, 20))
    opened = decided - dt.timedelta(days=rng.randint(10, 50))
    case = clients.case_open(
        actor=None,
        client=client,
        unit=unit,
        opened_on=opened,
        source=cat.sources["application" if rng.random() < 0.8 else "report"],
        reason=cat.reasons[_pick(rng, REASONS)],
        case_worker=users[plan.worker],
    )
    decision = clients.decision_record(
        actor=None,
        case=case,
        intervention_type=cat.types[plan.intervention_type],
        legal_basis=cat.basis(decided),
        decided_on=decided,
        executed_on=plan.start if plan.start <= timezone.localdate() else None,
    )
    planned = rng.randint(10, 24)
    share = (
        rng.uniform(0.35, 0.7)
        if plan.end_reason.startswith("interrupted")
        else rng.uniform(0.75, 1)
    )
    held = round(planned * share) if plan.end else None
    return clients.intervention_record(
        actor=None,
        case=case,
        decision=decision,
        provider=cat.provider(plan.unit),
        started_on=plan.start,
        ended_on=plan.end,
        end_reason=cat.end_reasons[plan.end_reason] if plan.end else None,
        sessions_planned=planned,
        sessions_held=held,
        sessions_missed=max(0, planned - held - rng.randint(0, 2)) if held is not None else None,
    )


def _follow_up(
    plan: Plan, enrollment: Enrollment, rng: random.Random, cat: _Catalogues, today: dt.date
) -> None:
    before = enrollment.occasions.get(stage__key="before")
    after = enrollment.occasions.get(stage__key="after")
    if plan.number in (1, 3, 4, 5):
        return  # left open on purpose: due or overdue in the demo case worker's list
    if plan.before_missed:
        services.occasion_mark_missed(
            actor=None, occasion=before, reason=cat.non_response[_pick(rng, NON_RESPONSE)]
        )
        return
    done_on = min(today, plan.start + dt.timedelta(days=rng.randint(-7, 12)))
    audit = plan.audit_before
    values: dict[str, object] = {"audit": audit}
    if plan.with_items:
        values = dict(_audit_items(rng, audit))
    values["problem_days"] = plan.days_before
    values["housing"] = _pick(rng, HOUSING)
    services.occasion_record(actor=None, occasion=before, values=values, done_on=done_on)
    goal = None
    if plan.with_goal:
        variable = enrollment.programme.variables.get(
            key="problem_days" if rng.random() < 0.6 else "audit"
        )
        base = plan.days_before if variable.key == "problem_days" else audit
        target = max(0, round(base * rng.uniform(0.35, 0.8)))
        text = (
            f"Högst {target} dagar med alkohol eller droger i månaden"
            if variable.key == "problem_days"
            else f"AUDIT under {target + 1} poäng"
        )
        goal = services.goal_set(
            actor=None,
            enrollment=enrollment,
            text=text,
            variable=variable,
            target=target,
            set_on=done_on,
        )
    if plan.end is None or after.window_start is None or plan.number in (7, 9):
        return  # ongoing, or after occasions the demo case worker still has to do
    after_on = plan.end + dt.timedelta(days=rng.randint(-5, 40))
    if after_on > today:
        return
    if plan.after_missed:
        services.occasion_mark_missed(
            actor=None, occasion=after, reason=cat.non_response[_pick(rng, NON_RESPONSE)]
        )
        return
    audit_after = _clip(audit * plan.change + rng.gauss(0, 1.5), 0, 40)
    days_after = _clip(plan.days_before * plan.change + rng.gauss(0, 1.5), 0, 30)
    values = dict(_audit_items(rng, audit_after)) if plan.with_items else {"audit": audit_after}
    values["problem_days"] = days_after
    values["housing"] = _pick(rng, HOUSING)
    services.occasion_record(actor=None, occasion=after, values=values, done_on=after_on)
    if goal is not None:
        measured = (
            days_after if goal.variable and goal.variable.key == "problem_days" else audit_after
        )
        if rng.random() < 0.06:
            outcome = Goal.Outcome.UNKNOWN
        elif goal.target is not None and measured <= goal.target:
            outcome = Goal.Outcome.ACHIEVED
        elif goal.baseline is not None and measured < goal.baseline:
            outcome = Goal.Outcome.PARTLY
        else:
            outcome = Goal.Outcome.NOT
        services.goal_assess(actor=None, goal=goal, outcome=outcome, assessed_on=after_on)


def _programme() -> Programme:
    text = (
        resources.files("insyn.followup")
        .joinpath("fixtures/programmes/missbruk-vuxna.yaml")
        .read_text(encoding="utf-8")
    )
    return programme_import(actor=None, text=text, publish=True).programme


@transaction.atomic
def load(stdout: TextIO) -> list[tuple[str, str, str]]:
    programme = _programme()
    if Enrollment.objects.filter(programme__key=PROGRAMME_KEY).exists():
        stdout.write("Demo follow-up: already loaded\n")
        return []
    today = timezone.localdate()
    rng = random.Random(SEED)  # noqa: S311 - synthetic data, reproducible on purpose
    users = _users()
    cat = _Catalogues()
    plans = _plans(rng, today)
    enrolled = 0
    for plan in plans:
        intervention = _client(plan, rng, cat, users)
        enrollment = intervention.enrollments.filter(programme__key=PROGRAMME_KEY).first()
        if enrollment is None:
            continue
        enrolled += 1
        _follow_up(plan, enrollment, rng, cat, today)
    services.occasions_refresh(today)
    mine = Occasion.objects.filter(
        enrollment__responsible=users["handlaggare"], status__in=Occasion.OPEN_STATUSES
    ).due_within(today, 14)
    stdout.write(
        f"Demo follow-up: {programme.name}, {enrolled} clients enrolled; "
        f"{mine.count()} follow-ups due or overdue for handlaggare\n"
    )
    return []
