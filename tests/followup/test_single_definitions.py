"""A programme stage's settings are listed once (issue 14, item 9): the design form, the API,
the YAML reader and writer, the copy made for a new version and the saving service all use
`STAGE_FIELDS`; stages and variables of a draft are saved by one implementation."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from insyn.core.models import ChangeEntry
from insyn.followup import programme_yaml
from insyn.followup.api.programmes import StageSerializer
from insyn.followup.forms.design import StageForm
from insyn.followup.models import Stage
from insyn.followup.services.design_items import stage_save, variable_save
from insyn.followup.spec import STAGE_FIELDS, StageSpec, VariableSpec, spec_from_programme
from tests.followup.factories import programme

pytestmark = pytest.mark.usefixtures("catalogues")


def test_the_stage_fields_are_the_models_settings():
    own = {f.name for f in Stage._meta.concrete_fields} - {"id", "programme", "sort_order"}
    assert set(STAGE_FIELDS) == own


def test_form_api_and_yaml_use_the_one_stage_field_list():
    assert set(StageForm().fields) - {"sort_order"} == set(STAGE_FIELDS)  # name first on the page
    assert StageSerializer.Meta.fields == [*STAGE_FIELDS, "variables"]
    assert {*STAGE_FIELDS, "variables"} == programme_yaml._STAGE
    written = programme_yaml._stage(StageSpec(key="k", name="N", kind="before", anchor="x"))
    assert list(written) == [*STAGE_FIELDS, "variables"]


def test_a_saved_stage_reads_back_as_its_spec(tree):
    draft = programme(tree.aov, published=False)
    spec = StageSpec(
        key="later",
        name="  Senare  ",
        kind="later",
        anchor="intervention_end",
        offset_days=180,
        window_before_days=7,
        window_after_days=45,
        assesses_goals=True,
    )
    stage = stage_save(actor=None, programme=draft, spec=spec)
    (back,) = [s for s in spec_from_programme(draft).stages if s.key == "later"]
    assert back == StageSpec(**{**spec.__dict__, "name": "Senare"})
    assert stage.sort_order > max(s.sort_order for s in draft.stages.exclude(pk=stage.pk))


def test_stages_and_variables_are_saved_by_the_same_rules(tree):
    published = programme(tree.aov, key="pub")
    stage = StageSpec(key="mid", name="Mitt", kind="during", anchor="intervention_start")
    variable = VariableSpec(key="mood", label="Mående", type="integer")
    for save, spec in ((stage_save, stage), (variable_save, variable)):
        with pytest.raises(ValidationError, match="publicerat program kan inte ändras"):
            save(actor=None, programme=published, spec=spec)
    draft = programme(tree.aov, key="draft", published=False)
    for save, spec, siblings in (
        (stage_save, stage, draft.stages),
        (variable_save, variable, draft.variables),
    ):
        before = ChangeEntry.objects.count()
        item = save(actor=None, programme=draft, spec=spec, sort_order=5)
        assert item.sort_order == 5 and ChangeEntry.objects.count() == before + 1
        with pytest.raises(ValidationError) as taken:  # the key is the programme's already
            save(actor=None, programme=draft, spec=spec)
        assert "key" in taken.value.message_dict
        assert siblings.filter(key=spec.key).count() == 1
