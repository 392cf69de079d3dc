"""One definition each, used everywhere (issue 14, item 9): the intervention's editable fields
are the same for the edit page, the API and the service; the client pages read through the
selectors; the client's journey takes follow-up's part from the contributor follow-up
registers, so clients never imports it."""

from __future__ import annotations

import ast
import datetime as dt
import inspect
from pathlib import Path

from insyn.clients import selectors
from insyn.clients.api.cases import InterventionSerializer, InterventionViewSet
from insyn.clients.forms import InterventionEditForm, InterventionForm
from insyn.clients.models import Decision, InterventionType, Provider
from insyn.clients.services import intervention_update
from insyn.clients.services.interventions import INTERVENTION_FIELDS
from insyn.clients.timeline import JourneyPart, _contributors, register_journey_contributor
from insyn.clients.views.cases import InterventionUpdateView
from insyn.core.concurrency import TRACKING_FIELDS
from insyn.core.identity import parse_identity
from tests.clients import factories as f

SRC = Path(__file__).resolve().parents[2] / "src" / "insyn"


def _form_fields(form_class: type) -> list[str]:
    form = form_class(
        decisions=Decision.objects.none(),
        types=InterventionType.objects.none(),
        providers=Provider.objects.none(),
    )
    return [name for name in form.fields if name not in TRACKING_FIELDS]


def test_the_intervention_fields_are_one_list_for_form_page_api_and_service():
    fields = list(INTERVENTION_FIELDS)
    assert _form_fields(InterventionForm) == fields
    assert _form_fields(InterventionEditForm) == fields
    assert list(InterventionUpdateView.FIELDS) == fields
    assert InterventionSerializer.Meta.fields == [
        "id",
        "intervention_ref",
        "case",
        *fields,
        "version",
    ]
    assert sorted(InterventionViewSet.FIELDS) == sorted(fields)
    service_args = set(inspect.signature(intervention_update).parameters)
    assert service_args - {"actor", "intervention", "expected_version"} == set(fields)


def _orm_reads(path: Path) -> list[str]:
    """`<Model>.objects` in a module: a read that belongs in a selector."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return sorted(
        ast.unparse(node)
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "objects"
    )


def test_the_client_pages_read_through_the_selectors():
    assert _orm_reads(SRC / "clients" / "views" / "clients.py") == []


def test_a_person_registered_in_another_unit_is_found_for_the_offer(tree, staff, catalogues):
    number = f.personnummer(dt.date(1970, 3, 3))
    elsewhere = f.client(tree.bof_unit, number=number)
    key = parse_identity(number).person_key
    assert selectors.client_registered_elsewhere(staff.case_worker, key) == elsewhere
    assert selectors.client_visible(staff.case_worker, elsewhere.pk) is None
    # another municipality's case worker is not offered it; the unit's own does not need it
    assert selectors.client_registered_elsewhere(staff.kalmar_case_worker, key) is None
    assert selectors.client_registered_elsewhere(staff.other_case_worker, key) is None
    assert selectors.client_visible(staff.other_case_worker, elsewhere.pk) == elsewhere


def test_the_journey_takes_what_registered_contributors_add(tree, staff, catalogues):
    client = f.client(tree.vux_unit)
    case = f.case(client)
    intervention = f.intervention(case, started_on=dt.date(2025, 2, 1))
    seen = []

    def contributor(user, client_, today):
        seen.append((user, client_, today))
        return JourneyPart(
            objects=[case],
            events=[],
            under_intervention={intervention.pk: ["a row under the intervention"]},
        )

    register_journey_contributor(contributor)
    register_journey_contributor(contributor)  # twice is once
    try:
        journey = selectors.client_journey(staff.case_worker, client)
    finally:
        _contributors.remove(contributor)
    assert len(seen) == 1 and seen[0][:2] == (staff.case_worker, client)
    (ij,) = journey.cases[0].interventions
    assert "a row under the intervention" in ij.follow_ups
    assert journey.shown_objects().count(case) == 2  # the case itself, and the part's object
