"""One rule set for what a valid value is: used by forms, API and import."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from insyn.followup.models import OptionSet, StageVariable, Variable
from insyn.followup.values import parse_values
from tests.followup.factories import audit_items, programme


@pytest.fixture
def stage(tree, catalogues):
    p = programme(tree.vaxjo)
    before = p.stages.get(key="before")
    extra = [
        Variable(
            programme=p, key="weight", label="Vikt", type="decimal", min_value=0, max_value=300
        ),
        Variable(programme=p, key="employed", label="Arbete", type="boolean"),
        Variable(programme=p, key="moved_in", label="Inflyttad", type="date"),
        Variable(programme=p, key="note", label="Anteckning", type="text"),
        Variable(
            programme=p,
            key="support",
            label="Stöd",
            type="multiple",
            option_set=OptionSet.objects.get(key="yes-no"),
        ),
    ]
    for v in extra:
        v.save()
        StageVariable.objects.create(stage=before, variable=v)
    return before


def _by_key(parsed):
    out = {}
    for p in parsed:
        key = p.variable.key + (f".{p.item.key}" if p.item else "")
        out.setdefault(key, []).append(p)
    return out


def test_swedish_input_habits_are_accepted(stage):
    parsed = _by_key(
        parse_values(
            stage,
            {
                "audit": "12",
                "problem_days": " 4 ",
                "weight": "72,5",
                "employed": "Ja",
                "moved_in": "2025-03-01",
                "note": "  ok  ",
                "support": "yes;no",
                "housing": "no",
            },
        )
    )
    assert parsed["problem_days"][0].number == 4
    assert parsed["weight"][0].number == 72.5
    assert parsed["employed"][0].number == 1
    assert parsed["moved_in"][0].date == dt.date(2025, 3, 1)
    assert parsed["note"][0].text == "ok"
    assert {p.option.code for p in parsed["support"]} == {"yes", "no"}
    assert parsed["housing"][0].option.code == "no" and parsed["housing"][0].number == 0


@pytest.mark.parametrize(
    ("key", "raw", "message"),
    [
        ("problem_days", "31", "at most 30"),
        ("problem_days", "-1", "at least 0"),
        ("problem_days", "2.5", "whole number"),
        ("problem_days", "many", "Enter a number"),
        ("weight", "nan", "Enter a number"),
        ("employed", "maybe", "yes or no"),
        ("moved_in", "2025-13-01", "YYYY-MM-DD"),
        ("housing", "perhaps", "not one of the choices"),
    ],
)
def test_bad_values_get_a_clear_message(stage, english, key, raw, message):
    with pytest.raises(ValidationError) as exc:
        parse_values(stage, {"audit": "5", key: raw})
    assert message in " ".join(exc.value.message_dict[key])


def test_required_value_and_unknown_variable(stage):
    with pytest.raises(ValidationError) as exc:
        parse_values(stage, {"problem_days": "3", "bogus": "1"})
    errors = exc.value.message_dict
    assert "audit" in errors and "bogus" in errors
    parsed = parse_values(stage, {"problem_days": "3"}, partial=True)
    # a draft skips the required check: the one value given is kept, nothing else is invented
    assert [(p.variable.key, p.number) for p in parsed] == [("problem_days", 3.0)]


def test_instrument_items_through_the_stage(stage):
    parsed = _by_key(parse_values(stage, audit_items([1, 1, 1, 1, 1, 1, 0, 0, 0, 0])))
    assert parsed["audit"][0].number == 6
    assert len([k for k in parsed if k.startswith("audit.")]) == 10


def test_variable_range_applies_to_instrument_totals_too(stage):
    Variable.objects.filter(key="audit").update(max_value=20)
    with pytest.raises(ValidationError):
        parse_values(stage, {"audit": "25"})
