"""The demo step builds the placement programme, 150 ended placements, three respondents'
answers, non-response and an anonymous IFO round, deterministically."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from insyn.clients.models import Intervention
from insyn.surveys import results as res
from insyn.surveys.models import Answer, Response, SurveyRound


def _fingerprint() -> tuple:
    return (
        Response.objects.filter(status="submitted").count(),
        Response.objects.filter(status="non_response").count(),
        list(
            Answer.objects.exclude(number=None)
            .values_list("question__key", "number")
            .order_by("question__key", "number")
        )[::97],
    )


def test_demo_builds_placements_answers_and_an_anonymous_round(db):
    out = StringIO()
    call_command("demo", "--only", "organisations", "--only", "surveys", stdout=out)
    assert "150 ended placements at 6 care homes" in out.getvalue()
    assert Intervention.objects.filter(provider__code__startswith="demo-hvb").count() == 150
    roles = set(
        Response.objects.filter(status="submitted", occasion__isnull=False).values_list(
            "respondent_role", flat=True
        )
    )
    assert roles == {"case_worker", "child", "guardian"}
    assert Response.objects.filter(status="non_response").count() > 10
    assert set(Response.objects.values_list("mode", flat=True)) >= {"dialog", "neutral", "self"}
    survey_round = SurveyRound.objects.get()
    rate = res.round_rate(survey_round)
    assert rate.invitations == 80 and 30 < rate.answered < 80
    assert not Response.objects.filter(round=survey_round, occasion__isnull=False).exists()
    first = _fingerprint()
    again = StringIO()
    call_command("demo", "--only", "organisations", "--only", "surveys", stdout=again)
    assert "already loaded" in again.getvalue() and _fingerprint() == first
