"""Questionnaire answers as analysis-frame variables.

The analysis frame has one row per enrolment and a column per variable and stage. Survey
answers join it as `<question_key>__<role>__<stage>` (e.g. `barn_trygg__child__after`). This
is the bulk extraction (one query, no per-row Python beyond shaping), for the analytics app's
frame builder to call; see docs/surveys.md for how it is wired.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from insyn.surveys.models import Answer, Question, Response


def column_name(question_key: str, role: str, stage_key: str) -> str:
    return f"{question_key}__{role}__{stage_key}"


def frame_values(enrollment_ids: Iterable[int] | None = None) -> Iterator[tuple[int, str, Any]]:
    """(enrollment_id, column, value) for every numeric answer of a submitted, identified
    response. Values: the scale value 1–5, yes = 1 / no = 0, the number, or a single choice's
    value (its code when it has none). "Don't know" and free text are left out (free text is
    never a frame variable; it can identify people)."""
    answers = Answer.objects.filter(
        response__status=Response.Status.SUBMITTED,
        response__occasion__isnull=False,
        unknown=False,
    ).exclude(question__type__in=[Question.Type.TEXT, Question.Type.MULTIPLE])
    if enrollment_ids is not None:
        answers = answers.filter(response__occasion__enrollment_id__in=list(enrollment_ids))
    rows = answers.values_list(
        "response__occasion__enrollment_id",
        "question__key",
        "response__respondent_role",
        "response__occasion__stage__key",
        "question__type",
        "number",
        "choices",
    ).order_by("response__occasion__enrollment_id", "question__key")
    for enrollment_id, key, role, stage, qtype, number, choices in rows.iterator(chunk_size=5000):
        value: Any = number
        if qtype == Question.Type.SINGLE and number is None:
            value = choices[0] if choices else None
        if value is None:
            continue
        yield enrollment_id, column_name(key, role, stage), value


def frame_columns(enrollment_ids: Iterable[int] | None = None) -> dict[int, dict[str, Any]]:
    """The same values pivoted: enrollment_id -> {column: value}, ready to merge into a frame."""
    out: dict[int, dict[str, Any]] = {}
    for enrollment_id, column, value in frame_values(enrollment_ids):
        out.setdefault(enrollment_id, {})[column] = value
    return out
