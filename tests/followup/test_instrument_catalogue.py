"""The shipped AUDIT and DUDIT are the instruments an interviewer uses: the published item texts
and answer alternatives, zones as catalogue rows with their source, and answers recorded with
the old "0 poäng … 4 poäng" sets carried over unchanged when the catalogue is loaded again."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from insyn.core.catalogue_loader import load_catalogues
from insyn.followup.models import Instrument, InstrumentItem, Option, OptionSet, Value
from insyn.followup.scoring import band_for
from insyn.followup.values import parse_instrument
from tests.followup.factories import audit_items, enrolled


def _by_answer(instrument: Instrument, answers: list[str]) -> dict[str, str]:
    """Item codes for answers given as the words the respondent chose, item by item."""
    codes = {}
    for item, answer in zip(instrument.items.order_by("number"), answers, strict=True):
        codes[item.key] = item.option_set.options.get(label=answer).code
    return codes


# A worked example as an interviewer fills in the Swedish AUDIT form; the points of each
# answer alternative, added by hand: 3+2+2+1+0+0+2+1+0+2 = 13, then with item 5 "Varje
# månad" instead of "Aldrig": 15.
AUDIT_EXAMPLE = [
    "2–3 gånger i veckan",  # 3
    "5–6",  # 2
    "Varje månad",  # 2
    "Mer sällan än en gång i månaden",  # 1
    "Aldrig",  # 0
    "Aldrig",  # 0
    "Varje månad",  # 2
    "Mer sällan än en gång i månaden",  # 1
    "Nej",  # 0
    "Ja, men inte under det senaste året",  # 2
]
# DUDIT: 2 + 1 + 1 + 1 + 0*5 + 0 + 0 = 5: drug-related problems for a woman (2+), not a man (6+).
DUDIT_EXAMPLE = [
    "2–4 gånger i månaden",  # 2
    "1 gång i månaden eller mer sällan",  # 1
    "1–2",  # 1
    "Mer sällan än en gång i månaden",  # 1
    "Aldrig",
    "Aldrig",
    "Aldrig",
    "Aldrig",
    "Aldrig",
    "Nej",
    "Nej",
]


@pytest.fixture
def audit(catalogues) -> Instrument:
    return Instrument.objects.get(key="audit")


@pytest.fixture
def dudit(catalogues) -> Instrument:
    return Instrument.objects.get(key="dudit")


def _variable(instrument: Instrument):
    from insyn.followup.models import Variable

    return Variable(
        key=instrument.key, label=instrument.name, type="instrument", instrument=instrument
    )


def test_audit_example_by_answer_alternatives(audit):
    answers = _by_answer(audit, AUDIT_EXAMPLE)
    total = parse_instrument(_variable(audit), None, answers)[0].number
    assert total == 13
    assert band_for(audit, total, "M").label == "Riskbruk"
    assert band_for(audit, total, "K").label == "Riskbruk"
    answers["q5"] = _by_answer(audit, [*AUDIT_EXAMPLE[:4], "Varje månad", *AUDIT_EXAMPLE[5:]])["q5"]
    total = parse_instrument(_variable(audit), None, answers)[0].number
    assert total == 15
    assert band_for(audit, total, "M").code == "risk"
    assert (band_for(audit, total, "K").code, band_for(audit, total, "K").label) == (
        "harmful",
        "Skadligt bruk",
    )


def test_dudit_example_by_answer_alternatives(dudit):
    total = parse_instrument(_variable(dudit), None, _by_answer(dudit, DUDIT_EXAMPLE))[0].number
    assert total == 5
    assert band_for(dudit, total, "K").label == "Drogrelaterade problem"
    assert band_for(dudit, total, "M").label == "Inga drogrelaterade problem"


@pytest.mark.parametrize(
    ("key", "items", "alternatives"),
    [
        ("audit", 10, {1: 5, 2: 5, 8: 5, 9: 3, 10: 3}),
        ("dudit", 11, {1: 5, 3: 5, 9: 5, 10: 3, 11: 3}),
    ],
)
def test_items_carry_the_published_texts_and_alternatives(catalogues, key, items, alternatives):
    instrument = Instrument.objects.get(key=key)
    rows = list(instrument.items.order_by("number"))
    assert [i.number for i in rows] == list(range(1, items + 1))
    assert instrument.source and instrument.licence_note
    for item in rows:
        options = list(item.option_set.options.all())
        assert "?" in item.text, item.text  # the question as asked
        assert not any("poäng" in o.label for o in options), item.key
        assert [o.value for o in options] == ([0, 2, 4] if len(options) == 3 else [0, 1, 2, 3, 4])
        assert [o.code for o in options] == [f"{o.value:g}" for o in options]  # code = points
        if item.number in alternatives:
            assert len(options) == alternatives[item.number]
    first = rows[0].option_set.options.order_by("sort_order")
    assert first.first().label == "Aldrig"
    assert rows[-1].option_set.options.get(code="4").label == "Ja, under det senaste året"


@pytest.mark.parametrize("key", ["audit", "dudit"])
@pytest.mark.parametrize("sex", ["K", "M", "X"])
def test_zones_cover_every_total_once_for_each_sex(catalogues, key, sex):
    instrument = Instrument.objects.get(key=key)
    highest = sum(
        max(o.value or 0 for o in item.option_set.options.all()) for item in instrument.items.all()
    )
    assert highest == instrument.max_total
    bands = list(instrument.bands.filter(sex=sex).order_by("min_score"))
    assert bands[0].min_score == instrument.min_total
    assert bands[-1].max_score == instrument.max_total
    for lower, upper in itertools.pairwise(bands):
        assert upper.min_score == lower.max_score + 1 and upper.rank == lower.rank + 1


def test_the_form_shows_the_questions_and_answer_alternatives(tree, staff, login):
    enrollment = enrolled(tree, staff)
    occasion = enrollment.occasions.get(stage__key="before")
    page = login(staff.case_worker).get(reverse("followup:occasion_record", args=[occasion.pk]))
    text = page.content.decode()
    assert "1. Hur ofta dricker du alkohol?" in text
    assert '<option value="1">1 gång i månaden eller mer sällan</option>' in text
    assert '<option value="4">Ja, under det senaste året</option>' in text
    assert "poäng</option>" not in text
    assert "Babor TF" in text  # the source is named beside the items


def test_answers_recorded_with_the_old_point_sets_move_to_the_alternatives(tree, staff, login):
    """A database loaded before this catalogue: items on the shared point sets, answers
    pointing at "2 poäng". Loading the catalogue again moves them code for code; the total
    and the zone stay as they were, the page now shows the answer alternative."""
    enrollment = enrolled(tree, staff)
    occasion = enrollment.occasions.get(stage__key="before")
    old_sets = {
        "four": OptionSet.objects.get(key="points-0-4"),
        "harm": OptionSet.objects.get(key="points-0-2-4"),
    }
    items = InstrumentItem.objects.filter(instrument__key="audit")
    for item in items:
        item.option_set = old_sets["harm" if item.number >= 9 else "four"]
        item.save(update_fields=["option_set"])
    client = login(staff.case_worker)
    data = {"done_on": dt.date.today().isoformat(), "note": "", "v-problem_days": "3"}
    data |= {f"v-{k}": v for k, v in audit_items([2, 1, 1, 1, 1, 0, 0, 0, 2, 0]).items()}
    data["v-housing"] = "yes"
    response = client.post(reverse("followup:occasion_record", args=[occasion.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    q1 = Value.objects.get(occasion=occasion, item__key="q1", item__instrument__key="audit")
    assert q1.option.option_set.key == "points-0-4" and q1.option.label == "2 poäng"

    load_catalogues(["followup"])

    q1.refresh_from_db()
    assert (q1.option.option_set.key, q1.option.code, q1.option.value) == (
        "audit-frequency",
        "2",
        2,
    )
    assert q1.option.label == "2–4 gånger i månaden" and q1.number == 2
    q9 = Value.objects.get(occasion=occasion, item__key="q9", item__instrument__key="audit")
    assert (q9.option.option_set.key, q9.option.code) == ("audit-harm", "2")
    total = Value.objects.get(occasion=occasion, variable__key="audit", item=None)
    assert total.number == 8
    assert not Value.objects.filter(occasion=occasion, option__option_set__in=old_sets.values())
    page = client.get(reverse("followup:occasion", args=[occasion.pk])).content.decode()
    assert "2–4 gånger i månaden" in page and "Riskbruk" in page


def test_a_catalogue_that_would_change_recorded_points_is_refused(tree, staff):
    """An answer whose code the new set lacks (an item 9 answer of 1 point, recorded on the
    0–4 set by mistake) stops the load; nothing is moved or changed."""
    enrollment = enrolled(tree, staff)
    occasion = enrollment.occasions.get(stage__key="before")
    q9 = InstrumentItem.objects.get(instrument__key="audit", key="q9")
    old = OptionSet.objects.get(key="points-0-4")
    q9.option_set = old
    q9.save(update_fields=["option_set"])
    variable = enrollment.programme.variables.get(key="audit")
    one = Option.objects.get(option_set=old, code="1")
    Value.objects.create(occasion=occasion, variable=variable, item=q9, option=one, number=1)
    with pytest.raises(ValidationError, match="q9"):
        load_catalogues(["followup"])
    q9.refresh_from_db()
    assert q9.option_set == old
    assert Value.objects.get(item=q9).option == one
