"""Cases, decisions and interventions: re-actualisation, date rules, legal bases in force, and
the follow-up engine told about every intervention change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from insyn.clients import services
from insyn.clients.models import (
    CaseSource,
    Decision,
    EndReason,
    Intervention,
    InterventionType,
    LegalBasis,
)
from insyn.core.models import ChangeEntry
from insyn.followup.models import Enrollment, Occasion
from tests.clients import factories as f
from tests.followup.factories import programme


@pytest.fixture
def client_(tree, catalogues):
    return f.client(tree.vux_unit, number=f.personnummer(dt.date(1975, 5, 5)))


def test_case_opened_within_12_months_of_a_closed_case_is_a_reactualisation(client_):
    first = f.case(client_, opened_on=dt.date(2024, 1, 10), closed_on=dt.date(2024, 3, 31))
    assert not first.reactualisation
    second = f.case(client_, opened_on=dt.date(2025, 3, 31))
    assert second.reactualisation
    f.case(client_, opened_on=dt.date(2024, 3, 1))  # an overlapping, open case is not
    late = f.client(client_.unit, client_ref="late")
    f.case(late, opened_on=dt.date(2023, 1, 1), closed_on=dt.date(2023, 2, 1))
    assert not f.case(late, opened_on=dt.date(2024, 2, 2)).reactualisation


def test_closing_a_case_later_updates_the_flag_of_a_case_opened_after_it(client_):
    first = f.case(client_, opened_on=dt.date(2024, 1, 10))
    second = f.case(client_, opened_on=dt.date(2024, 6, 1))
    assert not second.reactualisation
    # Correcting history: the first case was in fact closed before the second opened.
    services.case_update(
        actor=None,
        case=first,
        unit=first.unit,
        opened_on=first.opened_on,
        source=first.source,
        reason=first.reason,
        case_worker=None,
        closed_on=dt.date(2024, 2, 1),
    )
    second.refresh_from_db()
    assert second.reactualisation


def test_case_dates_are_checked(client_):
    with pytest.raises(ValidationError) as exc:
        f.case(client_, opened_on=dt.date.today() + dt.timedelta(days=1))
    assert "opened_on" in exc.value.message_dict
    case = f.case(client_, opened_on=dt.date(2025, 1, 10))
    with pytest.raises(ValidationError) as exc:
        services.case_close(actor=None, case=case, closed_on=dt.date(2025, 1, 9))
    assert exc.value.message_dict["closed_on"] == [
        "Ett ärende kan inte avslutas innan det öppnades."
    ]
    case.refresh_from_db()
    assert case.closed_on is None


def test_case_unit_must_be_in_the_clients_municipality(client_, tree):
    with pytest.raises(ValidationError) as exc:
        f.case(client_, tree.kalmar_unit)
    assert "unit" in exc.value.message_dict


def test_legal_basis_must_be_in_force_on_the_decision_date(client_):
    case = f.case(client_, opened_on=dt.date(2025, 6, 1))
    with pytest.raises(ValidationError) as exc:
        f.decision(case, legal_basis="sol2001_4_1", decided_on=dt.date(2025, 7, 2))
    assert "gällde inte den 2025-07-02" in exc.value.message_dict["legal_basis"][0]
    new_law = f.decision(case, legal_basis="sol2025_assistance", decided_on=dt.date(2025, 7, 2))
    old_law = f.decision(case, legal_basis="sol2001_4_1", decided_on=dt.date(2025, 6, 30))
    stored = dict(case.decisions.values_list("decided_on", "legal_basis__code"))
    assert stored == {
        dt.date(2025, 7, 2): "sol2025_assistance",
        dt.date(2025, 6, 30): "sol2001_4_1",
    }
    assert {new_law.pk, old_law.pk} == set(case.decisions.values_list("pk", flat=True))


def test_decision_rules(client_):
    case = f.case(client_, opened_on=dt.date(2025, 1, 10))
    with pytest.raises(ValidationError) as exc:
        services.decision_record(
            actor=None,
            case=case,
            intervention_type=f.code(InterventionType, "hvb_adults"),
            legal_basis=LegalBasis.objects.get(code="sol2001_4_1"),
            decided_on=dt.date(2025, 1, 9),
            executed_on=dt.date(2025, 1, 8),
            comment=f"Ring {f.personnummer(dt.date(1990, 1, 1))}",
        )
    assert set(exc.value.message_dict) == {"decided_on", "executed_on", "comment"}
    assert Decision.objects.count() == 0


def test_intervention_rules_change_nothing_on_bad_input(client_):
    case = f.case(client_)
    count = ChangeEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        f.intervention(
            case,
            started_on=dt.date(2025, 3, 1),
            ended_on=dt.date(2025, 2, 1),
            sessions_held=-1,
        )
    assert exc.value.message_dict["ended_on"] == ["En insats kan inte avslutas innan den startade."]
    assert "sessions_held" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        f.intervention(case, end_reason="completed")
    assert exc.value.message_dict["ended_on"] == ["En avslutsorsak kräver ett slutdatum."]
    assert Intervention.objects.count() == 0 and ChangeEntry.objects.count() == count


def test_own_provider_of_another_municipality_cannot_be_used(client_, tree):
    theirs = f.own_provider(tree.kalmar, "Kalmar öppenvård")
    with pytest.raises(ValidationError) as exc:
        f.intervention(f.case(client_), provider=theirs)
    assert "provider" in exc.value.message_dict
    ours = f.own_provider(tree.vaxjo)
    assert f.intervention(f.case(client_), provider=ours).provider == ours


def test_intervention_enrols_in_a_matching_programme_and_update_moves_occasions(client_, tree):
    structured = InterventionType.objects.get(code="opv_adults_structured")
    programme(tree.vaxjo, types=[structured])
    case = f.case(client_, opened_on=dt.date(2025, 1, 10))
    intervention = f.intervention(case, started_on=dt.date(2025, 2, 3))
    enrollment = Enrollment.objects.get(intervention=intervention)
    assert enrollment.method == Enrollment.Method.AUTOMATIC
    after = Occasion.objects.get(enrollment=enrollment, stage__key="after")
    assert after.due_on is None  # anchored to the end, which is not known yet
    services.intervention_update(
        actor=None,
        intervention=intervention,
        intervention_type=structured,
        decision=None,
        provider=None,
        started_on=dt.date(2025, 2, 3),
        ended_on=dt.date(2025, 6, 30),
        end_reason=EndReason.objects.get(code="completed"),
        sessions_planned=10,
        sessions_held=9,
        sessions_missed=1,
        comment="",
    )
    after.refresh_from_db()
    assert after.due_on == dt.date(2025, 7, 30)
    entries = ChangeEntry.objects.filter(object_type="clients.intervention").count()
    services.intervention_update(  # the same values again: nothing is written
        actor=None,
        intervention=intervention,
        intervention_type=structured,
        decision=None,
        provider=None,
        started_on=dt.date(2025, 2, 3),
        ended_on=dt.date(2025, 6, 30),
        end_reason=EndReason.objects.get(code="completed"),
        sessions_planned=10,
        sessions_held=9,
        sessions_missed=1,
        comment="",
    )
    assert ChangeEntry.objects.filter(object_type="clients.intervention").count() == entries


def test_intervention_of_other_type_is_not_enrolled(client_, tree):
    programme(tree.vaxjo, types=[InterventionType.objects.get(code="opv_adults_structured")])
    intervention = f.intervention(
        f.case(client_), intervention_type="contact_person", started_on=dt.date(2025, 2, 3)
    )
    assert not Enrollment.objects.filter(intervention=intervention).exists()


# --- Web --------------------------------------------------------------------------------


def test_open_case_record_decision_and_intervention_through_the_pages(login, staff, client_):
    c = login(staff.case_worker)
    response = c.post(
        reverse("clients:case_open", args=[client_.pk]),
        {
            "unit": client_.unit.pk,
            "opened_on": "2025-01-13",
            "source": CaseSource.objects.get(code="application").pk,
            "case_worker": staff.case_worker.pk,
        },
    )
    assert response.status_code == 302
    case = client_.cases.get()
    assert case.case_ref == "A-2025-00001" and case.case_worker == staff.case_worker
    structured = InterventionType.objects.get(code="opv_adults_structured")
    response = c.post(
        reverse("clients:decision_create", args=[case.pk]),
        {
            "intervention_type": structured.pk,
            "legal_basis": LegalBasis.objects.get(code="sol2001_4_1").pk,
            "decided_on": "2025-01-20",
            "then_intervention": "on",
        },
    )
    decision = case.decisions.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"?decision={decision.pk}")
    form_page = c.get(response["Location"])
    assert form_page.context["form"]["intervention_type"].value() == structured.pk
    assert form_page.context["form"]["started_on"].value() == dt.date(2025, 1, 20)
    response = c.post(
        response["Location"],
        {"decision": decision.pk, "started_on": "2025-01-27", "sessions_planned": "12"},
    )
    assert response.status_code == 302
    intervention = case.interventions.get()
    assert intervention.intervention_type == structured and intervention.sessions_planned == 12
    # End it with a reason.
    edit = reverse("clients:intervention_update", args=[intervention.pk])
    assert c.get(edit).context["form"]["sessions_planned"].value() == 12
    missing_reason = c.post(
        edit, {"decision": decision.pk, "started_on": "2025-01-27", "ended_on": "2025-05-01"}
    )
    assert missing_reason.status_code == 400
    assert missing_reason.context["form"].errors["end_reason"]
    done = c.post(
        edit,
        {
            "decision": decision.pk,
            "started_on": "2025-01-27",
            "ended_on": "2025-05-01",
            "end_reason": EndReason.objects.get(code="completed").pk,
            "sessions_planned": "12",
            "sessions_held": "10",
            "sessions_missed": "2",
        },
    )
    assert done.status_code == 302
    intervention.refresh_from_db()
    assert intervention.ended_on == dt.date(2025, 5, 1) and intervention.sessions_held == 10
    # Close the case.
    closed = c.post(reverse("clients:case_detail", args=[case.pk]), {"closed_on": "2025-05-02"})
    assert closed.status_code == 302
    case.refresh_from_db()
    assert case.closed_on == dt.date(2025, 5, 2)


def test_bad_dates_in_the_intervention_form_change_nothing(login, staff, client_):
    case = f.case(client_)
    response = login(staff.case_worker).post(
        reverse("clients:intervention_create", args=[case.pk]),
        {
            "intervention_type": f.code(InterventionType, "hvb_adults").pk,
            "started_on": "2025-03-01",
            "ended_on": "2025-02-01",
            "end_reason": EndReason.objects.get(code="completed").pk,
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["ended_on"] == [
        "En insats kan inte avslutas innan den startade."
    ]
    assert Intervention.objects.count() == 0


def test_client_page_shows_the_journey_with_occasions(login, staff, client_, tree):
    programme(tree.vaxjo, types=[InterventionType.objects.get(code="opv_adults_structured")])
    case = f.case(client_, opened_on=dt.date(2025, 1, 10))
    decision = f.decision(case, decided_on=dt.date(2025, 1, 20))
    f.intervention(case, decision_=decision, started_on=dt.date(2025, 2, 3))
    page = login(staff.case_worker).get(reverse("clients:client_detail", args=[client_.pk]))
    assert page.status_code == 200
    kinds = [e.kind for e in page.context["timeline"]]
    assert kinds[:4] == ["case_opened", "decision", "started", "occasion"]
    occasion = next(e for e in page.context["timeline"] if e.kind == "occasion")
    assert occasion.day == dt.date(2025, 2, 3) and occasion.status == "overdue"
    html = page.content.decode()
    assert "Missbruks- och beroendevård vuxna" in html and "2025-02-03" in html


def test_a_decision_is_corrected_through_its_page(login, staff, client_):
    case = f.case(client_)
    decision = f.decision(case, decided_on=dt.date(2025, 1, 20))
    edit = reverse("clients:decision_update", args=[decision.pk])
    c = login(staff.case_worker)
    page = c.get(reverse("clients:case_detail", args=[case.pk]))
    assert edit in page.content.decode()
    form = c.get(edit).context["form"]
    assert form["decided_on"].value() == dt.date(2025, 1, 20)
    assert "then_intervention" not in form.fields
    basis = LegalBasis.objects.get(code="sol2001_4_1").pk
    fields = {
        "intervention_type": decision.intervention_type_id,
        "legal_basis": basis,
        "decided_on": "2025-01-21",
        "executed_on": "2025-01-20",  # before the decision: refused, nothing changes
    }
    count = ChangeEntry.objects.count()
    refused = c.post(edit, fields)
    assert refused.status_code == 400 and refused.context["form"].errors["executed_on"]
    decision.refresh_from_db()
    assert decision.decided_on == dt.date(2025, 1, 20) and decision.executed_on is None
    assert ChangeEntry.objects.count() == count
    saved = c.post(edit, {**fields, "executed_on": "2025-02-01", "comment": "Verkställt"})
    assert saved.status_code == 302
    decision.refresh_from_db()
    assert (decision.decided_on, decision.executed_on) == (
        dt.date(2025, 1, 21),
        dt.date(2025, 2, 1),
    )
    entry = ChangeEntry.objects.filter(object_id=str(decision.pk), action="update").latest("at")
    assert entry.before["decided_on"] == "2025-01-20" and entry.after["decided_on"] == "2025-01-21"


def test_a_decision_outside_the_users_units_is_not_found(login, staff, client_):
    decision = f.decision(f.case(client_))
    c = login(staff.kalmar_case_worker)
    outside = c.get(reverse("clients:decision_update", args=[decision.pk]))
    missing = c.get(reverse("clients:decision_update", args=[decision.pk + 1000]))
    assert outside.status_code == missing.status_code == 404
    analyst = login(staff.analyst)
    assert analyst.get(reverse("clients:decision_update", args=[decision.pk])).status_code == 404
