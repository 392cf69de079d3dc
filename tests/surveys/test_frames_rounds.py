"""Answers as analysis-frame variables; survey rounds on the web."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from insyn.surveys.frames import frame_columns, frame_values
from insyn.surveys.models import Invitation, SurveyRound
from insyn.surveys.services.invitations import invitation_create, invitation_submit
from insyn.surveys.services.responses import response_enter
from tests.surveys.factories import placement, response_for


def test_answers_become_frame_columns_per_role_and_stage(surveys, tree):
    occasion = placement(surveys.programme, tree.vux_unit)
    response_enter(
        actor=None,
        response=response_for(occasion, "child"),
        draft={"barn_helhet": "4", "barn_skola": "unknown", "barn_kommentar": "hemligt"},
        mode="dialog",
    )
    response_enter(
        actor=None,
        response=response_for(occasion, "case_worker"),
        draft={"hl_placeringsorsak": "hemmiljo", "hl_mal_fanns": "no", "hl_helhet": "2"},
        mode="dialog",
    )
    other = placement(surveys.programme, tree.vux_unit)
    inv, _token = invitation_create(
        actor=None, response=response_for(other, "guardian"), channel="handed"
    )
    invitation_submit(invitation=inv, draft={"vh_helhet": "5"})
    enrollment = occasion.enrollment_id
    columns = frame_columns()
    assert columns[enrollment] == {
        "barn_helhet__child__after": 4.0,
        "hl_helhet__case_worker__after": 2.0,
        "hl_mal_fanns__case_worker__after": 0.0,
        "hl_placeringsorsak__case_worker__after": "hemmiljo",
    }
    assert columns[other.enrollment_id] == {"vh_helhet__guardian__after": 5.0}
    only = list(frame_values([other.enrollment_id]))
    assert only == [(other.enrollment_id, "vh_helhet__guardian__after", 5.0)]


def test_round_is_created_and_links_issued_once_on_the_web(login, staff, surveys, tree):
    client = login(staff.case_worker)
    today = dt.date.today()
    response = client.post(
        reverse("surveys:rounds"),
        {
            "questionnaire": surveys.ifo_q.pk,
            "unit": tree.vux_unit.pk,
            "name": "IFO våren",
            "opens_on": today.isoformat(),
            "closes_on": (today + dt.timedelta(days=14)).isoformat(),
        },
    )
    assert response.status_code == 302
    survey_round = SurveyRound.objects.get()
    issued = client.post(
        reverse("surveys:round", args=[survey_round.pk]), {"channel": "handed", "count": 3}
    )
    html = issued.content.decode()
    assert html.count("/surveys/a/") == 3
    assert Invitation.objects.filter(round=survey_round).count() == 3
    page = client.get(reverse("surveys:round", args=[survey_round.pk])).content.decode()
    assert "/surveys/a/" not in page and "0 svar på 3 inbjudningar" in page
    bad = client.post(
        reverse("surveys:round", args=[survey_round.pk]), {"channel": "email", "contacts": ""}
    )
    assert bad.status_code == 400 and Invitation.objects.count() == 3


def test_round_outside_scope_is_not_found(login, staff, surveys, tree):
    from insyn.surveys.services.invitations import round_create

    survey_round = round_create(
        actor=None,
        questionnaire=surveys.ifo_q,
        unit=tree.kalmar_unit,
        name="Kalmar",
        opens_on=dt.date.today(),
        closes_on=dt.date.today() + dt.timedelta(days=5),
    )
    assert (
        login(staff.case_worker).get(reverse("surveys:round", args=[survey_round.pk])).status_code
        == 404
    )


class _Spec:
    """The two things a frame source reads from the analytics app's ProgrammeSpec."""

    def __init__(self, key, programme_ids):
        self.key, self.programme_ids = key, programme_ids


def test_frame_source_values_in_the_analytics_schema(surveys, tree):
    from insyn.surveys.frame_source import VALUES_SCHEMA, SurveyAnswers

    occasion = placement(surveys.programme, tree.vux_unit)
    response_enter(
        actor=None,
        response=response_for(occasion, "case_worker"),
        draft={
            "hl_placeringsorsak": "bada",
            "hl_mal_fanns": "yes",
            "hl_helhet": "3",
            "hl_kommentar": "x",
        },
        mode="dialog",
    )
    source = SurveyAnswers()
    spec = _Spec(surveys.programme.key, [surveys.programme.pk])
    table = source.values(spec, None)
    assert table.schema == VALUES_SCHEMA
    rows = sorted(zip(*[table.column(n).to_pylist() for n in VALUES_SCHEMA.names], strict=True))
    e = occasion.enrollment_id
    assert rows == [
        (e, "hl_helhet__case_worker", "after", 3.0, None),
        (e, "hl_mal_fanns__case_worker", "after", 1.0, None),
        (e, "hl_placeringsorsak__case_worker", "after", None, "bada"),
    ]
    assert source.values(spec, [tree.kalmar.pk]).num_rows == 0
    before = source.fingerprint(spec, None)
    other = placement(surveys.programme, tree.vux_unit)
    response_enter(
        actor=None,
        response=response_for(other, "guardian"),
        draft={"vh_helhet": "5"},
        mode="dialog",
    )
    after = source.fingerprint(spec, None)
    assert set(after) == {tree.vaxjo.pk} and after != before
