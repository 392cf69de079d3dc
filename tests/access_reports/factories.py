"""A person with records across two units of Växjö, built through the real services where
they exist (follow-up values, goals and questionnaire answers directly, as their own tests do)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from insyn.clients.models import Case, Client
from insyn.followup.models import Enrollment, Goal, Programme, Value
from insyn.followup.services import enrollment_ensure
from insyn.surveys.models import Answer, Question, Questionnaire, Response, Section
from tests.clients import factories as cf
from tests.followup.factories import programme
from tests.quality.deviation_factories import deviation


@dataclass
class Person:
    number: str
    client: Client
    cases: list[Case]
    enrollment: Enrollment
    response: Response
    deviation: Any
    words: str  # a phrase found only in this person's records


def client_questionnaire(owner: Any) -> Question:
    q = Questionnaire.objects.create(
        key="t-klientenkat", name="Klientenkät", owner=owner, status="published"
    )
    section = Section.objects.create(questionnaire=q, key="main", title="Bemötande")
    return Question.objects.create(
        section=section, key="bemotande", text="Hur blev du bemött?", type="text"
    )


def follow_up_programme(owner: Any) -> Programme:
    return programme(owner, key="t-missbruk")


def person(
    tree: Any,
    staff: Any,
    *,
    number: str,
    words: str,
    prog: Programme,
    question: Question,
    second_unit: Any = None,
) -> Person:
    """A client of Vuxen/missbruk with a case there and (`second_unit`) one in another unit;
    a decision, an intervention enrolled in follow-up with a value and a goal, a questionnaire
    answer and a deviation naming the client."""
    today = timezone.localdate()
    client = cf.client(tree.vux_unit, number=number)
    cases = [cf.case(client, tree.vux_unit, opened_on=today - dt.timedelta(days=60))]
    if second_unit is not None:
        cases.append(cf.case(client, second_unit, opened_on=today - dt.timedelta(days=30)))
    decision = cf.decision(cases[0], legal_basis="sol2025_assistance")
    iv = cf.intervention(cases[0], decision_=decision, started_on=decision.decided_on)
    enrollment = enrollment_ensure(actor=None, programme=prog, intervention=iv)
    before = enrollment.occasions.get(stage__key="before")
    days = prog.variables.get(key="problem_days")
    Value.objects.create(occasion=before, variable=days, number=12)
    Goal.objects.create(
        enrollment=enrollment,
        variable=days,
        text=f"Mål: {words}",
        baseline=12,
        target=4,
        set_on=today,
    )
    response = Response.objects.create(
        questionnaire=question.section.questionnaire,
        respondent_role="client",
        occasion=before,
        unit=tree.vux_unit,
        status=Response.Status.SUBMITTED,
        mode=Response.Mode.SELF,
        submitted_on=today,
    )
    Answer.objects.create(response=response, question=question, text=f"Svar: {words}")
    dev = deviation(tree, staff, client=client, case=cases[0])
    dev.description = f"Avvikelse: {words}"
    dev.save(update_fields=["description"])
    return Person(number, client, cases, enrollment, response, dev, words)
