"""The clients catalogues ship as YAML, load idempotently and hold what IFO needs."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command

from insyn.clients.models import (
    CaseSource,
    EndReason,
    IntakeReason,
    InterventionType,
    LegalBasis,
    Provider,
)
from insyn.clients.services.interventions import legal_basis_in_force
from insyn.core.catalogue_loader import load_catalogues


def test_catalogues_load_twice_without_change(db):
    first = load_catalogues(["clients"])
    assert first.created > 50
    second = load_catalogues(["clients"])
    assert second.created == second.updated == 0


def test_catalogue_command_loads_clients_catalogues(db, capsys):
    call_command("catalogues", "load", "--app", "clients")
    assert "created" in capsys.readouterr().out
    assert CaseSource.objects.filter(code__in=["application", "report", "other"]).count() == 3


def test_placements_and_groups(catalogues):
    placements = set(
        InterventionType.objects.filter(is_placement=True).values_list("code", flat=True)
    )
    assert {
        "hvb_children",
        "sis_youth",
        "supported_housing",
        "training_housing",
        "foster_home",
        "emergency_home",
    } <= placements
    assert InterventionType.objects.get(code="income_support").group.code == "financial"
    assert not InterventionType.objects.get(code="contact_person").is_placement


def test_end_reasons_carry_an_outcome(catalogues):
    outcomes = dict(EndReason.objects.values_list("code", "outcome"))
    assert outcomes["completed"] == "completed"
    assert outcomes["interrupted_client"] == outcomes["interrupted_provider"] == "interrupted"
    assert outcomes["moved"] == outcomes["other"] == "other"


def test_intake_reasons_cover_adults_and_children(catalogues):
    areas = set(IntakeReason.objects.values_list("area", flat=True))
    assert areas == {"adults", "children"}


def test_old_and_new_social_services_act_meet_on_1_july_2025(catalogues):
    old = LegalBasis.objects.get(code="sol2001_4_1")
    new = LegalBasis.objects.get(code="sol2025_assistance")
    assert (old.statute, old.paragraph) == ("SFS 2001:453", "4 kap. 1 §")
    assert new.statute == "SFS 2025:400"
    assert legal_basis_in_force(old, dt.date(2025, 6, 30))
    assert not legal_basis_in_force(old, dt.date(2025, 7, 1))
    assert legal_basis_in_force(new, dt.date(2025, 7, 1))
    assert not legal_basis_in_force(new, dt.date(2025, 6, 30))
    assert legal_basis_in_force(LegalBasis.objects.get(code="lvu_2"), dt.date(1999, 1, 1))


def test_shipped_provider_is_external_and_shared(catalogues):
    sis = Provider.objects.get(code="sis")
    assert sis.kind == "external" and sis.municipality is None and sis.registered_by is None


def test_catalogue_page_lists_the_codes_for_everyone_at_work(login, staff, catalogues):
    from django.urls import reverse

    for user in (staff.case_worker, staff.analyst, staff.admin):
        page = login(user).get(reverse("clients:catalogues"))
        assert page.status_code == 200
        assert "sol2025_assistance" in page.content.decode()
