"""A programme's own page, as a designer uses it: editing a draft's head, throwing a draft
away, retiring a published programme (the shared rule itself is in
tests/surveys/test_versioning.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from insyn.core.models import ChangeEntry
from insyn.followup.models import Programme
from insyn.followup.services.enrollment import latest_published
from tests.followup.factories import intervention_types, programme

pytestmark = pytest.mark.usefixtures("english_pages", "catalogues")


def _edit_data(tree, **over):
    data = {
        "name": "Missbruksvård, ny lydelse",
        "key": "missbruk",
        "owner": str(tree.aov.pk),
        "purpose": "Se om stödet hjälper",
        "target_group": "Vuxna med beroende",
        "sampling": "birth_days",
        "sampling_days": "5, 15, 25",
    }
    data.update(over)
    return data


def test_designer_edits_a_draft(tree, staff, login):
    draft = programme(tree.aov, published=False)
    types = intervention_types("opv_adults_relapse")
    client = login(staff.quality_lead)
    url = reverse("followup:programme_edit", args=[draft.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Missbruks- och beroendevård vuxna" in page.content.decode()
    response = client.post(
        url,
        _edit_data(tree, intervention_types=[str(types[0].pk)], units=[str(tree.vux.pk)]),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("followup:programme", args=[draft.pk])
    draft.refresh_from_db()
    assert (draft.name, draft.purpose, draft.sampling, draft.sampling_days, draft.auto_enroll) == (
        "Missbruksvård, ny lydelse",
        "Se om stödet hjälper",
        "birth_days",
        [5, 15, 25],
        False,  # the box was left unticked
    )
    assert list(draft.units.all()) == [tree.vux]
    assert list(draft.intervention_types.all()) == types
    entry = ChangeEntry.objects.get(object_type="followup.programme", action="update")
    assert entry.after["name"] == "Missbruksvård, ny lydelse"
    assert entry.after["units"] == [tree.vux.pk]


def test_a_bad_edit_says_why_and_changes_nothing(tree, staff, login):
    draft = programme(tree.aov, published=False)
    client = login(staff.quality_lead)
    response = client.post(
        reverse("followup:programme_edit", args=[draft.pk]),
        _edit_data(tree, name=" ", units=[str(tree.kalmar_unit.pk)]),
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert 'id="id_name_error"><p>This field is required.' in text
    assert 'id="id_units_error"><p>Select a valid choice.' in text  # Kalmar is not below
    draft.refresh_from_db()
    assert draft.name == "Missbruks- och beroendevård vuxna" and not draft.units.exists()
    assert not ChangeEntry.objects.filter(object_type="followup.programme").exists()


def test_a_published_programme_is_not_edited_in_place(tree, staff, login):
    published = programme(tree.aov)
    client = login(staff.quality_lead)
    response = client.post(
        reverse("followup:programme_edit", args=[published.pk]), _edit_data(tree)
    )
    assert response.status_code == 404
    published.refresh_from_db()
    assert published.name == "Missbruks- och beroendevård vuxna"


def test_designer_deletes_a_draft_but_never_a_published_version(tree, staff, login):
    draft = programme(tree.aov, key="utkast", published=False)
    published = programme(tree.aov, key="publicerad")
    client = login(staff.quality_lead)
    action = "followup:programme_action"
    response = client.post(reverse(action, args=[draft.pk]), {"op": "delete"})
    assert response["Location"] == reverse("followup:programmes")
    assert not Programme.objects.filter(pk=draft.pk).exists()
    entry = ChangeEntry.objects.get(object_type="followup.programme", action="delete")
    assert entry.object_id == str(draft.pk) and entry.before["key"] == "utkast"
    response = client.post(reverse(action, args=[published.pk]), {"op": "delete"}, follow=True)
    assert "A published programme cannot be changed." in response.content.decode()
    assert Programme.objects.filter(pk=published.pk).exists()


def test_reader_cannot_delete_or_retire(tree, staff, login):
    published = programme(tree.aov)
    client = login(staff.case_worker)
    for op in ("delete", "retire"):
        url = reverse("followup:programme_action", args=[published.pk])
        assert client.post(url, {"op": op}).status_code == 404
    published.refresh_from_db()
    assert published.status == "published"


def test_retiring_stops_new_enrolments_only(tree, staff, login):
    published = programme(tree.aov)
    client = login(staff.quality_lead)
    assert latest_published(for_unit_path=tree.vux_unit.path) == [published]
    response = client.post(
        reverse("followup:programme_action", args=[published.pk]), {"op": "retire"}, follow=True
    )
    assert "The programme no longer enrols new clients." in response.content.decode()
    published.refresh_from_db()
    assert published.status == "retired"
    assert latest_published(for_unit_path=tree.vux_unit.path) == []
