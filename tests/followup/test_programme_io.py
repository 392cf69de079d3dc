"""Programme YAML: export → import into an empty database → export is byte-identical; the
documented example loads; bad files are refused with the place of every problem."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from insyn.followup.models import OptionSet, Programme
from insyn.followup.services import design
from insyn.followup.services.exchange import programme_export, programme_import
from tests.followup.factories import intervention_types

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "programme-example.yaml"


@pytest.fixture
def ready(tree, catalogues):
    intervention_types("opv_adults_relapse", "opv_adults_structured")
    return tree


def _wipe() -> None:
    Programme.objects.all().delete()
    OptionSet.objects.filter(owner__isnull=False).delete()


def test_example_imports_and_round_trips_exactly(ready):
    text = EXAMPLE.read_text(encoding="utf-8")
    result = programme_import(actor=None, text=text)
    assert result.action == "created"
    assert set(result.option_sets_created) == {"exempel-boende", "exempel-sysselsattning"}
    p = result.programme
    assert p.status == "draft" and p.owner == ready.aov
    assert [s.key for s in p.stages.all()] == ["before", "after", "later"]
    assert p.variables.count() == 9 and list(p.units.all()) == [ready.vux]
    first = programme_export(p)
    _wipe()
    again = programme_import(actor=None, text=first).programme
    assert programme_export(again) == first
    # the documented example is itself in the canonical form (apart from its comment line)
    assert first == "".join(
        line for line in text.splitlines(keepends=True) if not line.startswith("# An example")
    )


def test_importing_the_same_file_twice_changes_nothing(ready):
    text = EXAMPLE.read_text(encoding="utf-8")
    first = programme_import(actor=None, text=text).programme
    second = programme_import(actor=None, text=text)
    assert second.action == "unchanged" and second.programme == first
    assert Programme.objects.count() == 1


@pytest.mark.usefixtures("english")
def test_a_differing_existing_version_is_refused_or_becomes_a_new_version(ready):
    text = EXAMPLE.read_text(encoding="utf-8")
    v1 = programme_import(actor=None, text=text, publish=True).programme
    changed = text.replace("name: Exempel – uppföljning", "name: Ändrat – uppföljning")
    with pytest.raises(ValidationError) as exc:
        programme_import(actor=None, text=changed)
    assert "already exists and differs (name)" in " ".join(exc.value.messages)
    result = programme_import(actor=None, text=changed, new_version=True)
    assert result.action == "new_version"
    v2 = result.programme
    assert (v2.version, v2.status, v2.previous) == (2, "draft", v1)
    v1.refresh_from_db()
    assert v1.status == "published" and v1.name.startswith("Exempel")


@pytest.mark.usefixtures("english")
def test_bad_file_is_refused_with_every_problem_and_writes_nothing(ready):
    text = EXAMPLE.read_text(encoding="utf-8")
    bad = (
        text.replace("option_set: exempel-boende", "option_set: no-such-set")
        .replace("instrument: problem-days", "instrument: nope")
        .replace("    min: 0\n    max: 200", "    min: 10\n    max: 2")
        .replace(
            "      - variable: client_view\n        required: false\n  - key: after",
            "      - variable: ghost\n        required: false\n  - key: after",
        )
        .replace("  - key: later", "  - key: after")
    )
    with pytest.raises(ValidationError) as exc:
        programme_import(actor=None, text=bad)
    messages = exc.value.messages
    joined = "\n".join(messages)
    assert "variables.housing.option_set: Unknown option set no-such-set." in joined
    assert "variables.problem_days.instrument: Unknown instrument nope." in joined
    assert "variables.standard_drinks.max_value: The highest value is lower" in joined
    assert "stages.before.variables.ghost: Unknown variable." in joined
    assert "stages.after.key: The key after is already used in this programme." in joined
    assert not Programme.objects.exists()
    assert not OptionSet.objects.filter(key="exempel-boende").exists()


@pytest.mark.usefixtures("english")
def test_structural_problems_name_their_place(ready):
    with pytest.raises(ValidationError) as exc:
        programme_import(
            actor=None,
            text="format: insyn-programme/1\nkey: x\nversion: one\nname: X\nowner: 0780\n"
            "variables:\n  - {key: a, label: A, type: integer, colour: red}\n",
        )
    joined = "\n".join(exc.value.messages)
    assert "version: Expected a whole number." in joined
    assert "variables[1]: Unknown field colour." in joined
    with pytest.raises(ValidationError, match="Not valid YAML"):
        programme_import(actor=None, text="key: [unclosed")


@pytest.mark.usefixtures("english")
def test_option_set_clash_is_refused(ready):
    OptionSet.objects.create(key="exempel-boende", name="Annat")
    with pytest.raises(ValidationError, match="already exists with other options"):
        programme_import(actor=None, text=EXAMPLE.read_text(encoding="utf-8"))


def test_cli_list_export_import(ready, tmp_path):
    call_command("programme", "import", str(EXAMPLE), "--publish", stdout=StringIO())
    out = StringIO()
    call_command("programme", "list", stdout=out, stderr=StringIO())
    assert out.getvalue() == (
        "exempel-vuxna\t1\tpublished\tExempel – uppföljning vuxna i öppenvård\n"
    )
    exported = StringIO()
    call_command("programme", "export", "exempel-vuxna", stdout=exported)
    path = tmp_path / "p.yaml"
    path.write_text(exported.getvalue(), encoding="utf-8")
    _wipe()
    msg = StringIO()
    call_command("programme", "import", str(path), stdout=msg)
    assert msg.getvalue().startswith("created: exempel-vuxna version 1 (draft)")
    again = StringIO()
    call_command("programme", "export", "exempel-vuxna", "--version", "1", stdout=again)
    assert again.getvalue() == exported.getvalue()
    with pytest.raises(CommandError, match="no programme nope"):
        call_command("programme", "export", "nope", stdout=StringIO())
    path.write_text("format: wrong\n", encoding="utf-8")
    with pytest.raises(CommandError, match="was not imported"):
        call_command("programme", "import", str(path), stdout=StringIO())


def test_new_version_copies_everything_and_keeps_the_published_one(ready):
    v1 = programme_import(
        actor=None, text=EXAMPLE.read_text(encoding="utf-8"), publish=True
    ).programme
    v2 = design.programme_new_version(actor=None, programme=v1)
    assert (v2.version, v2.status, v2.previous_id) == (2, "draft", v1.pk)
    assert programme_export(v2) == programme_export(v1).replace("version: 1", "version: 2")
    assert design.programme_new_version(actor=None, programme=v1) == v2  # one draft at a time


def test_the_demo_programme_file_is_canonical(ready):
    from importlib import resources

    intervention_types("opv_adults_cra", "opv_adults_motivational", "opv_adults_twelve_step")
    text = (
        resources.files("insyn.followup")
        .joinpath("fixtures/programmes/missbruk-vuxna.yaml")
        .read_text(encoding="utf-8")
    )
    p = programme_import(actor=None, text=text, publish=True).programme
    assert p.name == "Missbruks- och beroendevård vuxna" and p.status == "published"
    assert programme_export(p) == text
