"""Questionnaires as versioned data: YAML round-trips, published versions never change."""

from __future__ import annotations

import pytest
import yaml
from django.core.exceptions import ValidationError

from insyn.surveys.models import Question, Questionnaire
from insyn.surveys.services import questionnaires as services
from insyn.surveys.services import shipped as shipped_files
from tests.surveys.factories import IFO, PLACEMENT


def test_templates_load_idempotently_and_are_published(surveys, tree):
    assert surveys.placement_q.is_published and surveys.ifo_q.anonymous
    again = shipped_files.templates_load(owner=tree.nation)
    assert set(again.values()) == {"unchanged"}
    assert Questionnaire.objects.count() == 3


def test_child_set_is_asked_from_age_seven(surveys):
    child = Question.objects.filter(
        section__questionnaire=surveys.placement_q, section__respondent_role="child"
    )
    assert child.count() >= 7
    for q in child:
        assert not q.applies_to("child", 6)
        assert q.applies_to("child", 7)
        assert not q.applies_to("guardian", 12)


@pytest.mark.parametrize("key", [PLACEMENT, IFO, "handlaggning-kvalitet"])
def test_export_import_round_trips_exactly(surveys, tree, key):
    original = Questionnaire.objects.get(key=key)
    text = services.questionnaire_export(original)
    data = yaml.safe_load(text)
    data["key"] = key + "-copy"
    copy, what = services.questionnaire_import(
        actor=None, text=yaml.safe_dump(data, allow_unicode=True, sort_keys=False), owner=tree.vaxjo
    )
    assert what == "created"
    again = yaml.safe_load(services.questionnaire_export(copy))
    again["key"] = key
    assert again == yaml.safe_load(text)
    # the shipped file and the export agree as data
    shipped = next(
        p for p in shipped_files.template_files() if yaml.safe_load(p.read_text())["key"] == key
    )
    assert yaml.safe_load(shipped.read_text()) == yaml.safe_load(text)


def test_published_version_is_never_changed_in_place(surveys, tree, english):
    data = yaml.safe_load(services.questionnaire_export(surveys.ifo_q))
    data["sections"][0]["questions"][0]["text"] = "Ändrad fråga"
    with pytest.raises(ValidationError, match="cannot be changed"):
        services.questionnaire_import(
            actor=None, text=yaml.safe_dump(data, allow_unicode=True), owner=tree.nation
        )
    surveys.ifo_q.refresh_from_db()
    assert (
        Question.objects.get(section__questionnaire=surveys.ifo_q, key="ifo_na_handlaggare").text
        != "Ändrad fråga"
    )
    data.pop("version")
    created, what = services.questionnaire_import(
        actor=None, text=yaml.safe_dump(data, allow_unicode=True), owner=tree.nation
    )
    assert (created.version, what, created.previous_id) == (2, "created", surveys.ifo_q.pk)


def test_new_version_copies_into_a_draft(surveys, staff, tree):
    data = yaml.safe_load(services.questionnaire_export(surveys.ifo_q))
    data["key"] = "vaxjo-ifo"
    own, _what = services.questionnaire_import(
        actor=staff.quality_lead, text=yaml.safe_dump(data, allow_unicode=True), owner=tree.aov
    )
    draft = services.questionnaire_new_version(actor=staff.quality_lead, questionnaire=own)
    assert draft.status == "draft" and draft.version == 2
    assert (
        Question.objects.filter(section__questionnaire=draft).count()
        == Question.objects.filter(section__questionnaire=own).count()
    )
    services.questionnaire_publish(actor=staff.quality_lead, questionnaire=draft)
    assert draft.status == "published" and draft.published_at


def test_design_outside_scope_is_not_found(surveys, staff):
    from django.http import Http404

    with pytest.raises(Http404):
        services.questionnaire_new_version(actor=staff.case_worker, questionnaire=surveys.ifo_q)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(sections=[]), "at least one section"),
        (lambda d: d["sections"][0]["questions"][0].update(type="stars"), "not one of"),
        (
            lambda d: d["sections"][0]["questions"][0].update(quality_criterion="glädje"),
            "unknown quality criterion",
        ),
        (
            lambda d: d["sections"][0]["questions"].append(dict(d["sections"][0]["questions"][0])),
            "used twice",
        ),
        (lambda d: d["sections"][0].update(min_age="sju"), "age"),
        (lambda d: d.update(colour="blue"), "unknown field"),
    ],
)
def test_bad_definitions_get_a_clear_message_and_change_nothing(
    surveys, tree, mutate, message, english
):
    data = yaml.safe_load(services.questionnaire_export(surveys.ifo_q))
    data["key"] = "ny-enkat"
    mutate(data)
    before = Questionnaire.objects.count()
    with pytest.raises(ValidationError, match=message):
        services.questionnaire_import(
            actor=None, text=yaml.safe_dump(data, allow_unicode=True), owner=tree.nation
        )
    assert Questionnaire.objects.count() == before


def test_not_yaml_is_refused(surveys, tree, english):
    with pytest.raises(ValidationError, match="not valid YAML"):
        services.questionnaire_import(actor=None, text="key: [unclosed", owner=tree.nation)
