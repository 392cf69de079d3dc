"""The survey_results block: per quality criterion the share positive and the number of answers
for the report year and the year before, as the survey results page computes and hides them.
Expected figures are counted from the answers the test put in."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from insyn.reports.document import Document, Message, Table
from insyn.reports.renderers import render
from insyn.reports.services.build import resolve
from insyn.surveys.models import Answer, Question, Response
from tests.reports import factories as rf
from tests.reports.test_renderers import _docx_text, _pdf_text
from tests.surveys.factories import IFO, load_templates

# ifo-brukarundersokning (anonymous): two questions tagged delaktighet, one bemotande
INFLYTANDE = [5, 4, 4, 2, 3, 5, 1, 4, 5, 2, 4, 3]  # 2024: twelve answers
INFLYTANDE_2023 = [4, 2, 5, 5, 3, 1, 4, 4, 2, 3, 5]  # 2023: eleven answers, 6 positive
FORSTADD = [5, 4, 1]  # 2024: only three answered it -> hidden
PAVERKA = [5, 4, 4, 1, 2, 2, 3, 1]  # 2024: eight answers, only three positive -> share hidden


def _respond(tree: Any, questionnaire: Any, day: dt.date, answers: dict[str, int]) -> None:
    response = Response.objects.create(
        questionnaire=questionnaire,
        respondent_role="client",
        unit=tree.vux_unit,
        status=Response.Status.SUBMITTED,
        submitted_on=day,
    )
    for key, value in answers.items():
        question = Question.objects.get(section__questionnaire=questionnaire, key=key)
        Answer.objects.create(response=response, question=question, number=value)


@pytest.fixture
def survey(tree, catalogues):
    questionnaire = load_templates(tree.nation)[IFO]
    for i, value in enumerate(INFLYTANDE):
        answers = {"ifo_inflytande": value}
        if i < len(FORSTADD):
            answers["ifo_forstadd"] = FORSTADD[i]
        if i < len(PAVERKA):
            answers["ifo_paverka_hjalp"] = PAVERKA[i]
        _respond(tree, questionnaire, dt.date(2024, 3, 1 + i), answers)
    for i, value in enumerate(INFLYTANDE_2023):
        _respond(tree, questionnaire, dt.date(2023, 5, 1 + i), {"ifo_inflytande": value})
    return questionnaire


def _build(user: Any, unit: Any, year: int = 2024, **options: Any) -> Document:
    block = {"id": "enkat", "kind": "survey_results", "title": "Brukarundersökning", **options}
    return resolve(rf.template(rf.chapter(block)), user=user, unit=unit, year=year)


def _share(values: list[int]) -> str:
    positive = sum(1 for v in values if v >= 4)
    return f"{100 * positive / len(values):.1f}".replace(".", ",").replace(",0", "") + " %"


def _row(table: Table, key_text: str) -> list[Any]:
    return next(r for r in table.rows if key_text in r[1].text)


def test_share_positive_and_answers_per_criterion_for_two_years(tree, staff, survey):
    doc = _build(staff.quality_lead, tree.aov, criteria=["delaktighet", "bemotande"])
    table = doc.tables()[0]
    assert table.columns[2:] == [
        "Andel positiva 2023",
        "Svar 2023",
        "Andel positiva 2024",
        "Svar 2024",
    ]
    criteria = {r[0].text for r in table.rows}
    assert criteria == {"Delaktighet", "Bemötande"}  # the filter leaves the others out
    inflytande = _row(table, Question.objects.get(key="ifo_inflytande").text)
    assert inflytande[0].text == "Delaktighet"
    assert inflytande[2].text == _share(INFLYTANDE_2023)
    assert inflytande[3].value == len(INFLYTANDE_2023)
    assert inflytande[4].text == _share(INFLYTANDE)  # 7 of 12 -> 58,3 %
    assert inflytande[4].value == pytest.approx(100 * 7 / 12)
    assert inflytande[5].value == len(INFLYTANDE)
    assert table.source and table.period == "2023-01-01 – 2024-12-31"


def test_a_small_group_is_hidden_in_every_format(tree, staff, survey):
    doc = _build(staff.quality_lead, tree.aov, criteria=["delaktighet", "bemotande"])
    table = doc.tables()[0]
    forstadd = _row(table, Question.objects.get(key="ifo_forstadd").text)
    assert all(c.suppressed and c.value is None for c in forstadd[4:6])
    assert "färre än 5" in forstadd[4].text
    # 2023: nobody answered this question; no answers are hidden too, as on the results page
    assert forstadd[2].suppressed
    true_share = f"{100 * 2 / 3:.1f}".replace(".", ",")  # 2 of 3 positive: 66,7
    # enough answers to show, but three positive is a small count: the share goes, n stays
    paverka = _row(table, Question.objects.get(key="ifo_paverka_hjalp").text)
    assert paverka[4].suppressed and paverka[4].value is None
    assert paverka[5].value == len(PAVERKA) and not paverka[5].suppressed
    paverka_share = f"{100 * 3 / 8:.1f}".replace(".", ",")  # 37,5
    html = re.sub(r"<[^>]+>", "", render(doc, "html").decode())
    pdf = _pdf_text(render(doc, "pdf"))
    docx = _docx_text(render(doc, "docx"))
    for raw in (html, pdf, docx):
        text = " ".join(raw.split())
        assert _share(INFLYTANDE) in text
        assert true_share not in text and "66.7" not in text and "67 %" not in text
        assert paverka_share not in text and "37.5" not in text and "38 %" not in text
        assert "dolt (färre än 5)" in text
    assert true_share not in str(doc.to_data()) and paverka_share not in str(doc.to_data())


def test_an_anonymous_year_with_too_few_respondents_is_withheld(tree, staff, survey):
    _respond(tree, survey, dt.date(2022, 2, 1), {"ifo_inflytande": 5})
    _respond(tree, survey, dt.date(2022, 2, 2), {"ifo_inflytande": 4})
    doc = _build(staff.quality_lead, tree.aov, year=2023, criteria=["delaktighet"])
    inflytande = _row(doc.tables()[0], Question.objects.get(key="ifo_inflytande").text)
    assert inflytande[2].suppressed and inflytande[3].suppressed  # 2022: two respondents
    assert inflytande[5].value == len(INFLYTANDE_2023)


def test_a_year_without_answers_and_a_unit_without_answers_give_a_message(tree, staff, survey):
    doc = _build(staff.quality_lead, tree.aov, year=2021)
    assert not doc.tables()
    messages = [i.text for i in doc.blocks()[0].items if isinstance(i, Message)]
    assert any("2021" in m for m in messages)
    # the answers were given at the substance-abuse unit: children and family has none
    doc = _build(staff.quality_lead, tree.bof)
    assert not doc.tables()


def test_unknown_questionnaire_and_criterion_are_named(tree, staff, survey):
    doc = _build(
        staff.quality_lead, tree.aov, questionnaire="finns-inte", criteria=["delaktighet", "nope"]
    )
    messages = " ".join(i.text for i in doc.blocks()[0].items if isinstance(i, Message))
    assert "finns-inte" in messages and "nope" in messages


def test_a_user_outside_the_units_sees_no_results(tree, staff, survey):
    doc = _build(staff.kalmar_case_worker, tree.aov)
    assert not doc.tables()
