"""Reading answers from a form into a draft, validating it, and writing Answer rows.

A draft is plain JSON keyed by question key (what the form sends, as strings), so a half-filled
questionnaire can be saved and shown again exactly as it was left.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from insyn.surveys.models import Answer, Question, Questionnaire, Response

UNKNOWN = "unknown"
Draft = dict[str, Any]


def age_on(birth_date: dt.date | None, day: dt.date) -> int | None:
    if birth_date is None:
        return None
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def questions_for(questionnaire: Questionnaire, role: str, age: int | None) -> list[Question]:
    """The questions asked of `role` at `age`, in order (sections filtered by role and age)."""
    questions = (
        Question.objects.filter(section__questionnaire=questionnaire)
        .select_related("section", "quality_criterion")
        .prefetch_related("options")
    )
    return [q for q in questions if q.applies_to(role, age)]


def field_name(question: Question) -> str:
    return f"q_{question.key}"


def read_form(questions: Iterable[Question], data: Any) -> Draft:
    """Raw strings from a POST (QueryDict) or a mapping, keyed by question key."""
    draft: Draft = {}
    for question in questions:
        name = field_name(question)
        if question.type == Question.Type.MULTIPLE:
            values = data.getlist(name) if hasattr(data, "getlist") else data.get(name) or []
            values = [str(v) for v in values if str(v).strip()]
            if values:
                draft[question.key] = values
        else:
            value = str(data.get(name, "") or "").strip()
            if value:
                draft[question.key] = value[:5000]
    return draft


def _number(question: Question, raw: str) -> float:
    try:
        value = float(raw.replace(",", ".").replace("\u2212", "-"))
    except ValueError as exc:
        raise ValueError(_("Write a number, for example 3.")) from exc
    if question.min_value is not None and value < question.min_value:
        raise ValueError(_("The lowest value is %(v)s.") % {"v": f"{question.min_value:g}"})
    if question.max_value is not None and value > question.max_value:
        raise ValueError(_("The highest value is %(v)s.") % {"v": f"{question.max_value:g}"})
    return value


def clean_value(question: Question, raw: Any) -> dict[str, Any]:
    """Answer fields for one raw value; raises ValueError with a message for the respondent."""
    if raw == UNKNOWN:
        if not question.allow_unknown:
            raise ValueError(_("Choose one of the options."))
        return {"unknown": True}
    t = question.type
    if t == Question.Type.SCALE:
        if raw not in {"1", "2", "3", "4", "5"}:
            raise ValueError(_("Choose one of the options."))
        return {"number": float(raw)}
    if t == Question.Type.YES_NO:
        if raw not in {"yes", "no"}:
            raise ValueError(_("Choose yes or no."))
        return {"number": 1.0 if raw == "yes" else 0.0}
    if t == Question.Type.NUMBER:
        return {"number": _number(question, str(raw))}
    if t == Question.Type.TEXT:
        return {"text": str(raw)}
    options = {o.code: o for o in question.options.all()}
    if t == Question.Type.SINGLE:
        option = options.get(str(raw))
        if option is None:
            raise ValueError(_("Choose one of the options."))
        if option.is_missing:
            return {"unknown": True, "choices": [option.code]}
        return {"number": option.value, "choices": [option.code]}
    codes = raw if isinstance(raw, list) else [raw]
    if not codes or any(c not in options for c in codes):
        raise ValueError(_("Choose among the options."))
    if all(options[c].is_missing for c in codes):
        return {"unknown": True, "choices": list(codes)}
    return {"choices": [c for c in codes if not options[c].is_missing]}


def validate(
    questions: Iterable[Question], draft: Mapping[str, Any], *, complete: bool
) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """Clean every answered question; with `complete`, required questions must be answered."""
    cleaned: dict[str, dict[str, Any]] = {}
    errors: dict[str, str] = {}
    for question in questions:
        raw = draft.get(question.key)
        if raw in (None, "", []):
            if complete and question.required:
                errors[question.key] = _("This question needs an answer.")
            continue
        try:
            cleaned[question.key] = clean_value(question, raw)
        except ValueError as exc:
            errors[question.key] = str(exc)
    return cleaned, errors


def write_answers(
    response: Response, questions: Iterable[Question], cleaned: Mapping[str, dict[str, Any]]
) -> int:
    by_key = {q.key: q for q in questions}
    response.answers.all().delete()
    rows = [
        Answer(response=response, question=by_key[key], **fields) for key, fields in cleaned.items()
    ]
    Answer.objects.bulk_create(rows)
    return len(rows)


def draft_from_answers(response: Response) -> Draft:
    """The form's view of stored answers (to show a submitted response or re-enter one)."""
    draft: Draft = {}
    for answer in response.answers.select_related("question"):
        q = answer.question
        if answer.unknown and q.type not in Question.CHOICE_TYPES:
            draft[q.key] = UNKNOWN
        elif q.type == Question.Type.SCALE and answer.number is not None:
            draft[q.key] = str(int(answer.number))
        elif q.type == Question.Type.YES_NO and answer.number is not None:
            draft[q.key] = "yes" if answer.number >= 1 else "no"
        elif q.type == Question.Type.NUMBER and answer.number is not None:
            draft[q.key] = f"{answer.number:g}"
        elif q.type == Question.Type.TEXT:
            draft[q.key] = answer.text
        elif q.type == Question.Type.SINGLE and answer.choices:
            draft[q.key] = answer.choices[0]
        elif q.type == Question.Type.MULTIPLE:
            draft[q.key] = list(answer.choices)
    return draft
