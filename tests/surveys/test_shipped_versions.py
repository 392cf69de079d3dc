"""A shipped questionnaire is corrected by shipping a new version of its file (issue 14, item 6:
the placement questionnaire told the child every question may be skipped, though `barn_helhet`
is required). Installs that have version 1 get version 2 beside it; version 1 and its answers
stay as they were."""

from __future__ import annotations

import yaml

from insyn.surveys.models import Answer, Questionnaire, Section
from insyn.surveys.services import questionnaires as services
from insyn.surveys.services import shipped
from insyn.surveys.services.responses import response_enter
from tests.surveys.factories import PLACEMENT, placement, placement_programme, response_for

OLD_INTRO = (
    "Det finns inga rätta eller felaktiga svar. Du kan hoppa över frågor du inte vill svara på."
)


def _shipped_placement() -> dict:
    path = next(p for p in shipped.template_files() if p.name == "10_placering.yaml")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _install_version_1(tree) -> Questionnaire:
    """Version 1 as existing installs loaded it: the child section's intro promised skipping."""
    data = _shipped_placement()
    data["version"] = 1
    child = next(s for s in data["sections"] if s["key"] == "barn")
    child["intro"] = OLD_INTRO
    child["intro_en"] = "There are no right or wrong answers. You may skip any question."
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    v1, what = services.questionnaire_import(actor=None, text=text, owner=tree.nation)
    assert (what, v1.version, v1.status) == ("created", 1, "published")
    return v1


def _child_intro(questionnaire: Questionnaire) -> str:
    return Section.objects.get(questionnaire=questionnaire, key="barn").intro


def test_the_shipped_child_intro_agrees_with_the_required_question():
    data = _shipped_placement()
    child = next(s for s in data["sections"] if s["key"] == "barn")
    assert any(q.get("required") for q in child["questions"])
    assert "hoppa över frågor du inte vill" not in child["intro"]
    assert "*" in child["intro"] and "*" in child["intro_en"]
    assert data["version"] == 2


def test_loading_the_catalogue_over_version_1_publishes_the_correction(tree, catalogues):
    v1 = _install_version_1(tree)
    occasion = placement(placement_programme(tree.vaxjo, v1), tree.bof_unit)
    response_enter(
        actor=None,
        response=response_for(occasion, "child"),
        draft={"barn_helhet": "4", "barn_trygg": "5"},
        mode="dialog",
    )
    answers = sorted(
        Answer.objects.filter(response__questionnaire=v1).values_list("question_id", "number")
    )
    assert answers

    results = shipped.templates_load(owner=tree.nation)

    assert results[f"{PLACEMENT} v2"] == "created"
    newest = (
        Questionnaire.objects.filter(key=PLACEMENT, status="published").order_by("-version").first()
    )
    assert (newest.version, newest.previous_id) == (2, v1.pk)
    assert "markerad med *" in _child_intro(newest)
    v1.refresh_from_db()
    assert v1.status == "published"  # what was started under it goes on
    assert _child_intro(v1) == OLD_INTRO
    after = sorted(
        Answer.objects.filter(response__questionnaire=v1).values_list("question_id", "number")
    )
    assert after == answers
    assert set(shipped.templates_load(owner=tree.nation).values()) == {"unchanged"}


def test_a_withdrawn_questionnaire_gets_the_correction_as_a_draft(tree, catalogues):
    v1 = _install_version_1(tree)
    services.questionnaire_retire(actor=None, questionnaire=v1)
    shipped.templates_load(owner=tree.nation)
    shipped.templates_load(owner=tree.nation)  # and stays a draft on the next load
    v2 = Questionnaire.objects.get(key=PLACEMENT, version=2)
    assert v2.status == "draft"
    assert not Questionnaire.objects.filter(key=PLACEMENT, status="published").exists()
