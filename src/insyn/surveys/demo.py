"""Demo data of the surveys app (a step of `insyn demo`): the programme "Uppföljning av
placering barn och unga" with about 150 ended placements at six care homes in Växjö and
Alvesta, answers from the case worker, the child and the guardian, some non-response, a few
placements still waiting; and one anonymous IFO user-survey round. Deterministic (seeded).

Built through the services: the clients app registers clients, cases, decisions, placements
and care homes (recording an ended placement enrols it in the programme); the surveys app
creates expected responses, invitations, answers and non-response.
"""

from __future__ import annotations

import datetime as dt
import random
import zlib
from typing import Any, TextIO

from django.db import transaction
from django.utils import timezone

from insyn.accounts.models import User
from insyn.clients import services as clients
from insyn.clients.models import (
    CaseSource,
    EndReason,
    Intervention,
    InterventionType,
    LegalBasis,
    Provider,
)
from insyn.clients.validators import luhn_ok
from insyn.core.roles import Role
from insyn.followup.models import NonResponseReason, Programme, Stage
from insyn.followup.services import enrollment_ensure
from insyn.organisations import services as org_services
from insyn.organisations.models import OrgUnit
from insyn.surveys.models import (
    Question,
    Questionnaire,
    Response,
    StageQuestionnaire,
)
from insyn.surveys.services import invitations as invitation_services
from insyn.surveys.services.answers import questions_for
from insyn.surveys.services.responses import (
    expected_responses_ensure,
    response_enter,
    response_record_non_response,
)
from insyn.surveys.services.shipped import templates_load

SEED = 2026
PROGRAMME_KEY = "placering-barn-unga"
DEMO_PASSWORD = "insyn-demo-2026"  # noqa: S105 - printed for the demo on purpose
# Fictional care homes with their (demo) quality: how well children fare there.
CARE_HOMES = [
    ("demo-hvb-bjorkgarden", "Björkgårdens HVB", "hvb_children", 0.8),
    ("demo-hvb-sjoviken", "Sjövikens behandlingshem", "hvb_children", 0.3),
    ("demo-hvb-lindangen", "Lindängens stödboende", "supported_housing", 0.0),
    ("demo-hvb-tallbacken", "Tallbackens HVB", "hvb_children", -0.4),
    ("demo-hvb-ekhagen", "Ekhagens ungdomshem", "hvb_children", 0.5),
    ("demo-hvb-fyren", "Fyrens träningsboende", "training_housing", -0.1),
]
PLACEMENT_TYPES = ("hvb_children", "supported_housing", "training_housing")
COMMENTS = [
    "Personalen lyssnade på mig.",
    "Det var svårt i början men blev bättre.",
    "Jag saknade min familj.",
    "Bra stöd med skolan.",
    "För många byten av personal.",
]


def _catalogue() -> dict[str, Any]:
    """Rows of the clients app's shipped catalogues (loaded by `insyn demo` first)."""
    return {
        "types": {t.code: t for t in InterventionType.objects.filter(code__in=PLACEMENT_TYPES)},
        "sol_old": LegalBasis.objects.get(code="sol2001_4_1"),
        "sol_new": LegalBasis.objects.get(code="sol2025_assistance"),
        "source": CaseSource.objects.get(code="report"),
        "done": EndReason.objects.get(code="completed"),
    }


def _org_number(code: str) -> str:
    """A valid (Luhn) but made-up organisation number for a demo care home."""
    base = f"556{zlib.crc32(code.encode()) % 10**6:06d}"
    check = next(d for d in "0123456789" if luhn_ok(base + d))
    return f"{base[:6]}-{base[6:]}{check}"


def _unit(parent: OrgUnit, code: str, name: str, kind: str) -> OrgUnit:
    found = OrgUnit.objects.filter(parent=parent, code=code).first()
    return found or org_services.org_unit_create(
        actor=None, parent=parent, code=code, name=name, kind=kind
    )


def _units() -> tuple[OrgUnit, OrgUnit, OrgUnit, OrgUnit]:
    K = OrgUnit.Kind
    region = OrgUnit.objects.get(code="0007", kind=K.REGION)
    vaxjo = OrgUnit.objects.get(code="0780", kind=K.MUNICIPALITY)
    aov = OrgUnit.objects.get(parent=vaxjo, code="AOV")
    vaxjo_unit = OrgUnit.objects.get(code="BOF-UTR", path__startswith=vaxjo.path)
    alvesta = OrgUnit.objects.get(code="0764", kind=K.MUNICIPALITY)
    sf = _unit(alvesta, "SF", "Socialförvaltningen", K.ADMINISTRATION)
    alvesta_unit = _unit(sf, "IFO-BU", "Barn och unga", K.UNIT)
    return region, aov, vaxjo_unit, alvesta_unit


def _programme(
    region: OrgUnit, questionnaire: Questionnaire, types: list[InterventionType]
) -> Programme:
    programme = Programme.objects.create(
        key=PROGRAMME_KEY,
        name="Uppföljning av placering barn och unga",
        purpose="Lära av barnens, vårdnadshavarnas och handläggarnas erfarenheter av placeringar, "
        "per boende, tillsammans med kommunerna i regionen.",
        target_group="Barn och unga placerade i HVB, stödboende eller träningsboende.",
        owner=region,
        status=Programme.Status.PUBLISHED,
        published_at=timezone.now(),
        auto_enroll=True,
    )
    programme.intervention_types.set(types)
    stage = Stage.objects.create(
        programme=programme,
        key="avslut",
        name="Vid placeringens slut",
        kind=Stage.Kind.AFTER,
        anchor=Stage.Anchor.INTERVENTION_END,
        offset_days=0,
        window_before_days=14,
        window_after_days=60,
    )
    for i, role in enumerate(("case_worker", "child", "guardian")):
        StageQuestionnaire.objects.create(
            stage=stage, questionnaire=questionnaire, respondent_role=role, sort_order=i
        )
    return programme


def _answer(rng: random.Random, question: Question, quality: float) -> str | list[str] | None:
    if question.type == Question.Type.TEXT:
        return rng.choice(COMMENTS) if rng.random() < 0.15 else None
    if question.allow_unknown and rng.random() < 0.05:
        return "unknown"
    if question.type == Question.Type.SCALE:
        return str(min(5, max(1, round(3.4 + quality + rng.gauss(0, 0.9)))))
    if question.type == Question.Type.YES_NO:
        return "yes" if rng.random() < 0.6 + quality / 3 else "no"
    options = [o.code for o in question.options.all() if not o.is_missing]
    if question.type == Question.Type.SINGLE:
        return rng.choice(options)
    if question.type == Question.Type.MULTIPLE:
        return rng.sample(options, k=1 + int(rng.random() < 0.3))
    return str(rng.randint(1, 12))


def _draft(rng: random.Random, questions: list[Question], quality: float) -> dict[str, Any]:
    draft: dict[str, Any] = {}
    for question in questions:
        value = _answer(rng, question, quality)
        if value is not None:
            draft[question.key] = value
    return draft


def _placement(
    rng: random.Random,
    n: int,
    unit: OrgUnit,
    cat: dict[str, Any],
    home: Provider,
    ended_on: dt.date,
    case_worker: User | None,
) -> Intervention:
    """A child placed at `home` until `ended_on`: client, case, decision, intervention."""
    municipality = unit.municipality
    assert municipality is not None
    age = rng.randint(5, 17)
    birth = ended_on - dt.timedelta(days=age * 365 + rng.randint(0, 364))
    client = clients.client_register(
        actor=None,
        unit=unit,
        birth_date=birth,
        sex=rng.choice(["K", "M"]),
        client_ref=f"UBU-{municipality.code}-{n:04d}",
    )
    started = ended_on - dt.timedelta(days=rng.randint(90, 540))
    case = clients.case_open(
        actor=None,
        client=client,
        unit=unit,
        opened_on=started - dt.timedelta(days=rng.randint(20, 120)),
        source=cat["source"],
        case_worker=case_worker,
        case_ref=f"UBU-A-{municipality.code}-{n:04d}",
        assign_actor=False,
    )
    itype = home.intervention_types.first() or cat["types"]["hvb_children"]
    decided = started - dt.timedelta(days=3)
    decision = clients.decision_record(
        actor=None,
        case=case,
        intervention_type=itype,
        legal_basis=cat["sol_new"] if decided >= dt.date(2025, 7, 1) else cat["sol_old"],
        decided_on=decided,
        executed_on=started,
    )
    return clients.intervention_record(
        actor=None,
        case=case,
        intervention_type=itype,
        decision=decision,
        provider=home,
        started_on=started,
        ended_on=ended_on,
        end_reason=cat["done"],
        intervention_ref=f"UBU-I-{municipality.code}-{n:04d}",
    )


def _settle(
    rng: random.Random,
    response: Response,
    quality: float,
    ended_on: dt.date,
    reasons: list[NonResponseReason],
) -> str:
    """Answer (dialog, neutral or through a link), record non-response, or leave waiting."""
    recent = (timezone.localdate() - ended_on).days < 21
    draw = rng.random()
    if recent and draw < 0.6:
        return "waiting"
    no_answer = {"case_worker": 0.05, "child": 0.2, "guardian": 0.3}[response.respondent_role]
    if draw < no_answer:
        weights = [3, 4, 2, 1, 1] if response.respondent_role != "child" else [3, 1, 4, 1, 1]
        reason = rng.choices(reasons, weights=weights)[0]
        response_record_non_response(actor=None, response=response, reason=reason)
        return "non_response"
    questions = questions_for(
        response.questionnaire, response.respondent_role, response.respondent_age
    )
    draft = _draft(rng, questions, quality)
    if response.respondent_role == "guardian" and rng.random() < 0.5:
        invitation, _token = invitation_services.invitation_create(
            actor=None, response=response, channel="handed"
        )
        invitation_services.invitation_submit(invitation=invitation, draft=draft)
    else:
        mode = Response.Mode.NEUTRAL if rng.random() < 0.15 else Response.Mode.DIALOG
        response_enter(actor=None, response=response, draft=draft, mode=mode)
    answered = min(timezone.localdate(), ended_on + dt.timedelta(days=rng.randint(0, 40)))
    Response.objects.filter(pk=response.pk).update(submitted_on=answered)
    return "answered"


def _ifo_round(rng: random.Random, questionnaire: Questionnaire, unit: OrgUnit) -> tuple[int, int]:
    today = timezone.localdate()
    survey_round = invitation_services.round_create(
        actor=None,
        questionnaire=questionnaire,
        unit=unit,
        name=f"Brukarundersökning IFO {today.year}",
        opens_on=today - dt.timedelta(days=20),
        closes_on=today + dt.timedelta(days=10),
    )
    issued = invitation_services.round_invite(
        actor=None, survey_round=survey_round, channel="handed", count=80
    )
    questions = questions_for(questionnaire, "client", None)
    answered = 0
    for invitation, _token in issued:
        if rng.random() < 0.65:
            invitation_services.invitation_submit(
                invitation=invitation, draft=_draft(rng, questions, rng.uniform(-0.3, 0.6))
            )
            answered += 1
    return len(issued), answered


def _demo_case_worker(unit: OrgUnit) -> User:
    user = User.objects.filter(username="socialsekreterare").first()
    if user is None:
        user = User(
            username="socialsekreterare",
            first_name="Sara",
            last_name="Socialsekreterare",
            email="socialsekreterare@vaxjo.demo.insyn.local",
            organisation=unit.municipality,
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
    org_services.membership_grant(actor=None, user=user, org_unit=unit, role=Role.CASE_WORKER)
    return user


@transaction.atomic
def load(stdout: TextIO) -> list[tuple[str, str, str]]:
    templates_load()
    region, aov, vaxjo_unit, alvesta_unit = _units()
    worker = _demo_case_worker(vaxjo_unit)
    logins = [(f"{Role.CASE_WORKER.label} (barn och unga)", worker.username, DEMO_PASSWORD)]
    if Programme.objects.filter(key=PROGRAMME_KEY).exists():
        stdout.write("Demo placements and surveys: already loaded\n")
        return logins
    rng = random.Random(SEED)  # noqa: S311 - demo data, deterministic on purpose
    cat = _catalogue()
    placement_q = (  # the newest shipped version (a correction ships as a new one)
        Questionnaire.objects.filter(
            key="placering-barn-unga", status=Questionnaire.Status.PUBLISHED
        )
        .order_by("-version")
        .first()
    )
    assert placement_q is not None
    # The programme comes first: recording an ended placement then enrols it automatically.
    programme = _programme(region, placement_q, list(cat["types"].values()))
    vaxjo = vaxjo_unit.municipality
    assert vaxjo is not None
    homes = []
    for code, name, type_code, quality in CARE_HOMES:
        home = Provider.objects.filter(code=code).first() or clients.provider_create(
            actor=None,
            municipality=vaxjo,
            name=name,
            kind=Provider.Kind.EXTERNAL,
            org_number=_org_number(code),
            intervention_types=[cat["types"][type_code]],
            code=code,
        )
        homes.append((home, quality))
    reasons = list(NonResponseReason.objects.order_by("sort_order"))
    counts: dict[str, int] = {"answered": 0, "non_response": 0, "waiting": 0}
    today = timezone.localdate()
    for n in range(1, 151):
        unit = vaxjo_unit if n <= 110 else alvesta_unit
        home, quality = homes[rng.randrange(len(homes))]
        ended_on = today - dt.timedelta(days=3 + int(rng.random() ** 1.3 * 720))
        intervention = _placement(
            rng, n, unit, cat, home, ended_on, worker if unit == vaxjo_unit else None
        )
        enrollment = enrollment_ensure(
            actor=None, programme=programme, intervention=intervention, method="automatic"
        )
        occasion = enrollment.occasions.get()
        for response in expected_responses_ensure(actor=None, occasion=occasion):
            counts[_settle(rng, response, quality, ended_on, reasons)] += 1
    issued, answered = _ifo_round(rng, Questionnaire.objects.get(key="ifo-brukarundersokning"), aov)
    stdout.write(
        f"Demo placements: 150 ended placements at {len(homes)} care homes; responses "
        f"{counts['answered']} answered, {counts['non_response']} non-response, "
        f"{counts['waiting']} waiting. IFO user survey: {answered} of {issued} answered\n"
    )
    return logins
