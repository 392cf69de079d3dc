"""The surveys app as an analysis-frame source (the analytics app's `FrameSource` protocol).

Each question asked of a respondent at a programme's stage becomes a frame variable
`<question_key>__<role>`, so its column is `<question_key>__<role>__<stage>` (e.g.
`barn_trygg__child__avslut`), analysable like the programme's own variables. Registered in
`SurveysConfig.ready()` when the analytics app provides `register_frame_source`.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

import pyarrow as pa
from django.db.models import Count, Max, Q

from insyn.surveys.models import Answer, Question, Response, StageQuestionnaire

# Mirrors insyn.analytics.frames.sources.VALUES_SCHEMA (long format, one row per value).
VALUES_SCHEMA = pa.schema(
    [
        ("enrollment_id", pa.int64()),
        ("variable", pa.string()),
        ("stage", pa.string()),
        ("number", pa.float64()),
        ("option", pa.string()),
    ]
)
FRAME_TYPES: dict[str, str] = {
    Question.Type.SCALE: "integer",
    Question.Type.YES_NO: "boolean",
    Question.Type.NUMBER: "decimal",
    Question.Type.SINGLE: "single",
    Question.Type.MULTIPLE: "multiple",
}


def variable_key(question_key: str, role: str) -> str:
    return f"{question_key}__{role}"


def _links(programme_ids: Sequence[int]) -> list[StageQuestionnaire]:
    return list(
        StageQuestionnaire.objects.filter(stage__programme_id__in=programme_ids).select_related(
            "stage", "questionnaire"
        )
    )


class SurveyAnswers:
    """Answers of identified questionnaire responses at follow-up occasions. Free text and
    anonymous rounds are never frame variables."""

    key = "surveys"

    def variables(self, spec: Any) -> list[Any]:
        from insyn.analytics.specs import OptionSpec, VariableSpec

        stages: dict[str, list[str]] = {}
        newest: dict[str, tuple[Question, str]] = {}
        for link in _links(spec.programme_ids):
            questions = (
                Question.objects.filter(section__questionnaire__key=link.questionnaire.key)
                .select_related("section", "section__questionnaire")
                .prefetch_related("options")
                .order_by("section__questionnaire__version", "section__sort_order", "sort_order")
            )
            for q in questions:
                if q.type not in FRAME_TYPES or not q.applies_to(link.respondent_role, None):
                    continue
                key = variable_key(q.key, link.respondent_role)
                newest[key] = (q, link.respondent_role)  # later versions win
                keys = stages.setdefault(key, [])
                if link.stage.key not in keys:
                    keys.append(link.stage.key)
        out = []
        for key, (q, role) in newest.items():
            options: tuple[Any, ...] = ()
            if q.type in Question.CHOICE_TYPES:
                options = tuple(
                    OptionSpec(code=o.code, label=o.label, is_missing=o.is_missing, value=o.value)
                    for o in q.options.all()
                )
            out.append(
                VariableSpec(
                    key=key,
                    label=f"{q.text} ({role})",
                    type=FRAME_TYPES[q.type],
                    stages=tuple(stages[key]),
                    options=options,
                    direction="higher" if q.type == Question.Type.SCALE else "",
                    help_text=q.help,
                    source=self.key,
                )
            )
        return out

    def _answers(self, spec: Any, municipality_ids: Sequence[int] | None) -> Any:
        answers = Answer.objects.filter(
            response__status=Response.Status.SUBMITTED,
            response__occasion__enrollment__programme_id__in=spec.programme_ids,
        ).exclude(question__type=Question.Type.TEXT)
        if municipality_ids is not None:
            answers = answers.filter(
                response__occasion__enrollment__unit__municipality_id__in=list(municipality_ids)
            )
        return answers

    def values(self, spec: Any, municipality_ids: Sequence[int] | None) -> pa.Table:
        rows: dict[str, list[Any]] = {name: [] for name in VALUES_SCHEMA.names}

        def add(enrollment: int, variable: str, stage: str, number: Any, option: Any) -> None:
            for name, value in zip(
                VALUES_SCHEMA.names, (enrollment, variable, stage, number, option), strict=True
            ):
                rows[name].append(value)

        fields = (
            "response__occasion__enrollment_id",
            "question__key",
            "response__respondent_role",
            "response__occasion__stage__key",
            "question__type",
            "number",
            "choices",
            "unknown",
        )
        for enrollment, qkey, role, stage, qtype, number, choices, unknown in (
            self._answers(spec, municipality_ids).values_list(*fields).iterator(chunk_size=5000)
        ):
            variable = variable_key(qkey, role)
            if qtype in Question.CHOICE_TYPES:
                for code in choices or []:
                    add(enrollment, variable, stage, number if qtype == "single" else None, code)
            elif not unknown and number is not None:
                add(enrollment, variable, stage, float(number), None)
        return pa.table(rows, schema=VALUES_SCHEMA)

    def fingerprint(self, spec: Any, municipality_ids: Sequence[int] | None) -> dict[int, str]:
        """Answers are written once (never edited), so count and newest id say it all."""
        responses = Response.objects.filter(
            status=Response.Status.SUBMITTED,
            occasion__enrollment__programme_id__in=spec.programme_ids,
        )
        if municipality_ids is not None:
            responses = responses.filter(
                Q(occasion__enrollment__unit__municipality_id__in=list(municipality_ids))
            )
        return {
            int(
                row["occasion__enrollment__unit__municipality_id"] or 0
            ): f"{row['n']}:{row['last']}"
            for row in responses.values("occasion__enrollment__unit__municipality_id").annotate(
                n=Count("id"), last=Max("id")
            )
        }


def register() -> bool:
    """Register with the analytics app if it has the extension point (True when it did)."""
    try:
        frames = importlib.import_module("insyn.analytics.frames")
    except ImportError:
        return False
    register_frame_source = getattr(frames, "register_frame_source", None)
    if register_frame_source is None:
        return False
    register_frame_source(SurveyAnswers())
    return True
