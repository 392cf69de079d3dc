"""Questionnaire responses, invitations and case-file reviews on both sides of their
boundaries, with the research exception and a legal hold."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from insyn.quality.models import ControlRound, ReviewAnswer
from insyn.retention.services.rules import hold_place
from insyn.retention.services.run import retention_run
from insyn.surveys.models import Answer, Invitation, InvitationToken, Question, Response
from tests.quality import control_factories as cq
from tests.retention import factories as f
from tests.surveys.factories import placement, response_for

pytestmark = pytest.mark.usefixtures("catalogues")


def test_responses_and_invitations_on_both_sides(tree, surveys):
    today = timezone.localdate()
    days = f.boundary(today)
    f.rule(tree.vaxjo, "response", keep_birth_days="5,15,25")
    f.rule(tree.vaxjo, "invitation")
    made = {}
    births = {"research": dt.date(2010, 3, 5), "held": dt.date(2010, 3, 1)}
    for side in (*days, *births):
        occasion = placement(
            surveys.programme, tree.bof_unit, birth_date=births.get(side, dt.date(2010, 3, 1))
        )
        response = response_for(occasion, "child")
        day = days.get(side, days["after"])
        Response.objects.filter(pk=response.pk).update(submitted_on=day, note="Barnet sa sitt namn")
        question = Question.objects.filter(section__questionnaire=response.questionnaire).first()
        Answer.objects.create(response=response, question=question, text="Jag heter Kim", number=3)
        invitation = Invitation.objects.create(
            questionnaire=response.questionnaire,
            respondent_role="child",
            response=response,
            unit=tree.bof_unit,
            channel=Invitation.Channel.SMS,
            contact="0701234567",
            expires_at=f.noon(day),
        )
        InvitationToken.objects.create(invitation=invitation, token_hash=f"h{invitation.pk}")
        made[side] = (response, invitation, occasion)
    hold_place(actor=None, reason="Tvist", client=made["held"][2].enrollment.client)

    run, _ = retention_run(actor=None, municipality=tree.vaxjo, dry_run=False, today=today)

    assert run.counts == {"response": 2, "invitation": 3}
    assert run.held == {"response": 1, "invitation": 1}
    assert run.excepted == {"response": 1}
    for side, (response, invitation, _occ) in made.items():
        response.refresh_from_db()
        answer = Answer.objects.get(response=response)
        reduced = side in ("day_of", "after")
        assert (response.note == "" and answer.text == "") is reduced
        assert answer.number == 3 and response.submitted_on is not None  # figures stay
        invitation_gone = side in ("day_of", "after", "research")
        assert Invitation.objects.filter(pk=invitation.pk).exists() is not invitation_gone
    assert InvitationToken.objects.count() == 2


def test_case_file_reviews_on_both_sides(tree, staff):
    today = timezone.localdate()
    days = f.boundary(today)
    f.rule(tree.vaxjo, "review")
    rounds = {}
    for side, day in days.items():
        r = cq.round_in_review(tree.vux_unit, staff.quality_lead, [staff.unit_manager], cases=1)
        cq.review_all(r, first="no")
        ControlRound.objects.filter(pk=r.pk).update(completed_on=day)
        rounds[side] = r
    run, _ = retention_run(actor=None, municipality=tree.vaxjo, dry_run=False, today=today)
    assert run.counts == {"review": 2}
    for side, r in rounds.items():
        answers = ReviewAnswer.objects.filter(control_case__round=r)
        comments = set(answers.values_list("comment", flat=True))
        assert (comments == {""}) is (side != "before")
        assert set(answers.values_list("answer", flat=True)) == {"yes", "no"}  # figures stay
