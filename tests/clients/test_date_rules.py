"""The journey's date rules (insyn.clients.services.dates) through the web and the API: a case
not before the client's birth, interventions not in the future nor before their case, and a
closed case that holds nothing open (closing blocks; the page offers nothing to record)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from insyn.clients import services
from insyn.clients.models import Case, CaseSource, EndReason, Intervention, InterventionType
from tests.clients import factories as f

NEXT_YEAR = dt.date.today().replace(month=6, day=1) + dt.timedelta(days=366)


def _send(c, url, data, method="post"):
    return getattr(c, method)(url, json.dumps(data), content_type="application/json")


@pytest.fixture
def old_client(tree, catalogues):
    """A client born 1912 (reserve identity: no number)."""
    return f.client(tree.vux_unit, birth_date=dt.date(1912, 3, 4), sex="K")


@pytest.fixture
def web(login, staff):
    return login(staff.case_worker)


def test_a_case_cannot_open_before_the_client_was_born_web(web, tree, old_client):
    response = web.post(
        reverse("clients:case_open", args=[old_client.pk]),
        {
            "unit": tree.vux_unit.pk,
            "opened_on": "1900-01-01",
            "source": CaseSource.objects.get(code="application").pk,
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["opened_on"] == [
        "Ett ärende kan inte öppnas innan klienten föddes (1912-03-04)."
    ]
    assert Case.objects.count() == 0


def test_a_case_cannot_open_before_the_client_was_born_api(web, tree, old_client):
    response = _send(
        web,
        "/api/cases/",
        {
            "client": old_client.pk,
            "unit": tree.vux_unit.pk,
            "opened_on": "1900-01-01",
            "source": "application",
        },
    )
    assert response.status_code == 400
    assert response.json() == {
        "opened_on": ["Ett ärende kan inte öppnas innan klienten föddes (1912-03-04)."]
    }
    assert Case.objects.count() == 0


def test_a_birth_date_after_an_existing_case_is_refused(old_client):
    f.case(old_client, opened_on=dt.date(1990, 1, 10))
    with pytest.raises(ValidationError) as exc:
        services.client_update(
            actor=None,
            client=old_client,
            client_ref=old_client.client_ref,
            birth_date=dt.date(1995, 1, 1),
            sex="K",
        )
    assert exc.value.message_dict == {
        "birth_date": ["Klienten har ett ärende som öppnades 1990-01-10, före detta födelsedatum."]
    }


def test_an_intervention_cannot_start_in_the_future_web(web, old_client):
    case = f.case(old_client)
    response = web.post(
        reverse("clients:intervention_create", args=[case.pk]),
        {
            "intervention_type": f.code(InterventionType, "opv_adults_structured").pk,
            "started_on": NEXT_YEAR.isoformat(),
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["started_on"] == [
        "En insats kan inte börja i framtiden: registrera den när den har börjat."
    ]
    assert Intervention.objects.count() == 0


def test_an_intervention_cannot_start_in_the_future_nor_before_its_case_api(web, old_client):
    case = f.case(old_client, opened_on=dt.date(2025, 1, 10))
    body = {"case": case.pk, "intervention_type": "opv_adults_structured"}
    future = _send(web, "/api/interventions/", {**body, "started_on": NEXT_YEAR.isoformat()})
    assert future.status_code == 400 and list(future.json()) == ["started_on"]
    early = _send(web, "/api/interventions/", {**body, "started_on": "2024-12-01"})
    assert early.status_code == 400
    assert early.json() == {
        "started_on": ["En insats kan inte börja innan ärendet öppnades (2025-01-10)."]
    }
    assert Intervention.objects.count() == 0
    made = _send(web, "/api/interventions/", {**body, "started_on": "2025-01-20"})
    assert made.status_code == 201, made.content
    url = f"/api/interventions/{made.json()['id']}/"
    moved = _send(web, url, {"started_on": "2025-01-01"}, "patch")
    assert moved.status_code == 400 and list(moved.json()) == ["started_on"]


def test_a_case_cannot_move_its_opening_after_an_intervention_started(old_client):
    case = f.case(old_client, opened_on=dt.date(2025, 1, 10))
    f.intervention(case, started_on=dt.date(2025, 1, 20))
    with pytest.raises(ValidationError) as exc:
        services.case_update(
            actor=None,
            case=case,
            unit=case.unit,
            opened_on=dt.date(2025, 2, 1),
            source=case.source,
            reason=case.reason,
            case_worker=None,
            closed_on=None,
        )
    assert exc.value.message_dict == {
        "opened_on": ["Ärendet har en insats som började före denna dag."]
    }


def test_closing_a_case_is_blocked_while_an_intervention_runs_web(web, old_client):
    case = f.case(old_client, opened_on=dt.date(2025, 1, 10))
    running = f.intervention(case, started_on=dt.date(2025, 1, 20), intervention_ref="I-RUN")
    url = reverse("clients:case_detail", args=[case.pk])
    refused = web.post(url, {"closed_on": "2025-05-02"})
    assert refused.status_code == 400
    assert refused.context["close_form"].errors["closed_on"] == [
        "Insatsen I-RUN pågår fortfarande: registrera när den avslutades innan ärendet avslutas."
    ]
    case.refresh_from_db()
    assert case.closed_on is None
    services.intervention_update(
        actor=None,
        intervention=running,
        intervention_type=running.intervention_type,
        decision=None,
        provider=None,
        started_on=running.started_on,
        ended_on=dt.date(2025, 5, 10),
        end_reason=EndReason.objects.get(code="completed"),
        sessions_planned=None,
        sessions_held=None,
        sessions_missed=None,
        comment="",
    )
    ends_later = web.post(url, {"closed_on": "2025-05-02"})
    assert ends_later.context["close_form"].errors["closed_on"] == [
        "Insatsen I-RUN avslutades 2025-05-10, efter denna dag."
    ]
    assert web.post(url, {"closed_on": "2025-05-10"}).status_code == 302
    case.refresh_from_db()
    assert case.closed_on == dt.date(2025, 5, 10)


def test_closing_a_case_is_blocked_while_an_intervention_runs_api(web, old_client):
    case = f.case(old_client, opened_on=dt.date(2025, 1, 10))
    f.intervention(case, started_on=dt.date(2025, 1, 20), intervention_ref="I-RUN")
    response = _send(web, f"/api/cases/{case.pk}/", {"closed_on": "2025-05-02"}, "patch")
    assert response.status_code == 400
    assert response.json() == {
        "closed_on": [
            "Insatsen I-RUN pågår fortfarande: registrera när den avslutades innan ärendet "
            "avslutas."
        ]
    }
    assert Case.objects.get().closed_on is None


def test_a_closed_case_offers_nothing_to_record_and_refuses_what_is_open(web, old_client):
    case = f.case(old_client, opened_on=dt.date(2025, 1, 10), closed_on=dt.date(2025, 3, 1))
    page = web.get(reverse("clients:case_detail", args=[case.pk])).content.decode()
    assert reverse("clients:decision_create", args=[case.pk]) not in page
    assert reverse("clients:intervention_create", args=[case.pk]) not in page
    assert reverse("clients:case_edit", args=[case.pk]) in page
    assert "Ärendet är avslutat." in page
    client_page = web.get(reverse("clients:client_detail", args=[old_client.pk])).content.decode()
    assert reverse("clients:intervention_create", args=[case.pk]) not in client_page
    # The service refuses what would be open, or dated after the closing, in the closed case.
    body = {"case": case.pk, "intervention_type": "opv_adults_structured"}
    running = _send(web, "/api/interventions/", {**body, "started_on": "2025-02-01"})
    assert running.status_code == 400
    assert running.json() == {
        "ended_on": [
            "Ärendet avslutades 2025-03-01: ange när insatsen avslutades (senast den dagen)."
        ]
    }
    decision = _send(
        web,
        "/api/decisions/",
        {
            "case": case.pk,
            "intervention_type": "opv_adults_structured",
            "legal_basis": "sol2001_4_1",
            "decided_on": "2025-03-05",
        },
    )
    assert decision.status_code == 400 and list(decision.json()) == ["decided_on"]
    # A complete record inside the case's dates (history, as an import brings) is accepted.
    done = _send(
        web,
        "/api/interventions/",
        {**body, "started_on": "2025-02-01", "ended_on": "2025-02-28", "end_reason": "completed"},
    )
    assert done.status_code == 201, done.content
