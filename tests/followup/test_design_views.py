"""Designing a programme in the browser's forms: drafts are edited, published versions never
change, a new version is a copy; only designers in the owner's subtree change anything."""

from __future__ import annotations

import pytest
from django.urls import reverse

from insyn.core.models import ChangeEntry
from insyn.followup.models import OptionSet, Programme
from tests.followup.factories import intervention_types, programme

pytestmark = pytest.mark.usefixtures("english_pages", "catalogues")


def _programme_data(tree, **over):
    data = {
        "name": "Våld i nära relationer",
        "key": "vald",
        "owner": str(tree.aov.pk),
        "purpose": "Följa upp stödet",
        "target_group": "Vuxna",
        "sampling": "all",
        "sampling_days": "5, 15, 25",
        "auto_enroll": "on",
    }
    data.update(over)
    return data


def test_quality_lead_designs_and_publishes(tree, staff, login):
    client = login(staff.quality_lead)
    types = intervention_types("opv_adults_relapse")
    response = client.post(
        reverse("followup:programme_create"),
        _programme_data(tree, intervention_types=[str(types[0].pk)], units=[str(tree.vux.pk)]),
    )
    assert response.status_code == 302
    p = Programme.objects.get(key="vald")
    assert (p.status, p.version, p.owner, list(p.units.all())) == ("draft", 1, tree.aov, [tree.vux])
    url = reverse("followup:programme", args=[p.pk])
    page = client.get(url).content.decode()
    assert "Add at least one stage." in page
    response = client.post(
        reverse("followup:variable_create", args=[p.pk]),
        {
            "label": "Trygghet",
            "key": "safety",
            "type": "integer",
            "min_value": "0",
            "max_value": "10",
            "direction": "higher",
            "is_main_measure": "on",
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("followup:stage_create", args=[p.pk]),
        {
            "name": "Före",
            "key": "before",
            "kind": "before",
            "anchor": "intervention_start",
            "offset_days": "0",
            "window_before_days": "14",
            "window_after_days": "30",
            "sets_goals": "on",
        },
    )
    stage = p.stages.get()
    assert response["Location"] == reverse("followup:stage_variables", args=[p.pk, stage.pk])
    variable = p.variables.get()
    client.post(
        response["Location"],
        {f"collect_{variable.pk}": "on", f"required_{variable.pk}": "on"},
    )
    assert stage.stage_variables.get().required is True
    client.post(reverse("followup:programme_action", args=[p.pk]), {"op": "publish"})
    p.refresh_from_db()
    assert p.status == "published" and p.published_at is not None
    assert ChangeEntry.objects.filter(object_type="followup.programme", action="publish").exists()


def test_published_programme_is_immutable_and_edits_make_a_new_version(tree, staff, login):
    p = programme(tree.aov)
    client = login(staff.quality_lead)
    response = client.get(reverse("followup:programme_edit", args=[p.pk]))
    assert response.status_code == 302  # back to the programme, with a message
    variable = p.variables.get(key="audit")
    stage = p.stages.get(key="before")
    for url, data in (
        (reverse("followup:programme_edit", args=[p.pk]), _programme_data(tree, key=p.key)),
        (reverse("followup:variable_edit", args=[p.pk, variable.pk]), {"label": "X"}),
        (reverse("followup:stage_edit", args=[p.pk, stage.pk]), {"op": "delete"}),
        (reverse("followup:stage_variables", args=[p.pk, stage.pk]), {}),
    ):
        assert client.post(url, data).status_code == 404, url
    assert p.stages.count() == 2 and stage.stage_variables.count() == 3
    response = client.post(reverse("followup:programme_action", args=[p.pk]), {"op": "new_version"})
    v2 = Programme.objects.get(key=p.key, version=2)
    assert response["Location"] == reverse("followup:programme", args=[v2.pk])
    assert v2.status == "draft" and v2.previous == p
    assert v2.stages.count() == 2 and v2.variables.count() == 3
    v2_audit = v2.variables.get(key="audit")
    response = client.post(
        reverse("followup:variable_edit", args=[v2.pk, v2_audit.pk]),
        {
            "label": "AUDIT (ny)",
            "key": "audit",
            "type": "instrument",
            "instrument": "audit",
            "direction": "lower",
        },
    )
    assert response.status_code == 302
    variable.refresh_from_db()
    assert variable.label == "AUDIT" and v2.variables.get(key="audit").label == "AUDIT (ny)"
    client.post(reverse("followup:programme_action", args=[v2.pk]), {"op": "publish"})
    p.refresh_from_db()
    v2.refresh_from_db()
    assert (p.status, v2.status) == ("published", "published")  # v1 keeps its enrolments


def test_validation_messages_sit_next_to_fields(tree, staff, login):
    p = programme(tree.aov, published=False)
    client = login(staff.quality_lead)
    response = client.post(
        reverse("followup:variable_create", args=[p.pk]),
        {
            "label": "Dagar",
            "key": "problem_days",
            "type": "integer",
            "min_value": "10",
            "max_value": "2",
        },
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_key_error"><p>The key problem_days is already used in this programme.' in text
    assert 'id="id_max_value_error"><p>The highest value is lower than the lowest.' in text
    response = client.post(
        reverse("followup:variable_create", args=[p.pk]),
        {"label": "Boende", "key": "bo", "type": "single"},
    )
    assert "A choice needs an option set." in response.content.decode()
    response = client.post(
        reverse("followup:programme_create"),
        _programme_data(tree, key="Bad Key", sampling="birth_days", sampling_days="5, 40"),
    )
    text = response.content.decode()
    assert "Days of the month are 1–31." in text and "Use lowercase letters" in text
    assert not Programme.objects.filter(name="Våld i nära relationer").exists()


def test_who_sees_and_changes_programmes(tree, staff, login):
    published = programme(tree.aov, key="pub")
    draft = programme(tree.aov, key="draft", published=False)
    for reader in (staff.case_worker, staff.analyst, staff.unit_manager):
        client = login(reader)
        assert client.get(reverse("followup:programme", args=[published.pk])).status_code == 200
        assert client.get(reverse("followup:programme", args=[draft.pk])).status_code == 404
        assert client.get(reverse("followup:programme_create")).status_code == 404
        assert (
            client.post(
                reverse("followup:programme_action", args=[published.pk]), {"op": "retire"}
            ).status_code
            == 404
        )
    outsider = login(staff.kalmar_admin)
    assert outsider.get(reverse("followup:programme", args=[published.pk])).status_code == 404
    assert outsider.get(reverse("followup:programme", args=[draft.pk])).status_code == 404
    admin = login(staff.admin)  # Växjö's administrator designs too
    assert admin.get(reverse("followup:programme", args=[draft.pk])).status_code == 200
    listing = admin.get(reverse("followup:programmes")).content.decode()
    assert "pub" in listing and "draft" in listing


def test_yaml_download_and_upload(tree, staff, login):
    p = programme(tree.aov, key="dl")
    client = login(staff.quality_lead)
    response = client.get(reverse("followup:programme_export", args=[p.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="dl-v1.yaml"'
    text = response.content.decode()
    assert "key: dl" in text and "owner: 0780/AOV" in text
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("p.yaml", text.replace("key: dl", "key: dl2", 1).encode())
    response = client.post(reverse("followup:programme_import"), {"file": upload})
    assert response.status_code == 302
    assert Programme.objects.get(key="dl2").status == "draft"
    bad = SimpleUploadedFile("p.yaml", b"format: insyn-programme/1\nkey: x\n")
    response = client.post(reverse("followup:programme_import"), {"file": bad})
    assert (
        response.status_code == 400 and "name: This field is required." in response.content.decode()
    )


def test_option_sets(tree, staff, login):
    client = login(staff.quality_lead)
    response = client.post(
        reverse("followup:option_set_create"),
        {
            "name": "Boende",
            "key": "boende",
            "owner": str(tree.aov.pk),
            "options": "own; Eget boende; ; Own housing\n"
            "homeless; Hemlös\nunknown; Vet ej; missing",
        },
    )
    assert response.status_code == 302
    o = OptionSet.objects.get(key="boende")
    assert [(x.code, x.label_en, x.is_missing) for x in o.options.all()] == [
        ("own", "Own housing", False),
        ("homeless", "", False),
        ("unknown", "", True),
    ]
    shipped = OptionSet.objects.get(key="yes-no")
    assert client.get(reverse("followup:option_set_edit", args=[shipped.pk])).status_code == 404
    assert (
        login(staff.kalmar_admin).get(reverse("followup:option_set_edit", args=[o.pk])).status_code
        == 404
    )
    # once a published programme uses it, options cannot be removed
    p = programme(tree.aov, published=False)
    housing = p.variables.get(key="housing")
    housing.option_set = o
    housing.save()
    p.status = "published"
    p.save()
    response = login(staff.quality_lead).post(
        reverse("followup:option_set_edit", args=[o.pk]),
        {"name": "Boende", "key": "boende", "options": "own; Eget boende (hyra/äga)"},
    )
    assert "Options in use cannot be removed: homeless, unknown." in response.content.decode()
    response = login(staff.quality_lead).post(
        reverse("followup:option_set_edit", args=[o.pk]),
        {
            "name": "Boende",
            "key": "boende",
            "options": "own; Eget boende (hyra/äga)\nhomeless; Hemlös\nunknown; Vet ej; missing\n"
            "secondhand; Andrahand",
        },
    )
    assert response.status_code == 302
    assert o.options.count() == 4
