"""Group results of a questionnaire: per question and group the distribution, mean and share
positive with a Wilson interval, suppressed; response rates and non-response; the respondents
side by side for the same placements. One path for the web, the API and the CLI.

Callers pass responses already restricted to what the user may see (`selectors`). Nothing here
returns free text or anything about one person.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from insyn.surveys.disclosure import (
    is_small,
    min_cell,
    protect_question,
    protect_rate,
    share_is_safe,
)
from insyn.surveys.models import Invitation, Question, Questionnaire, Response
from insyn.surveys.result_cells import Cell, RateRow

DIMENSIONS = ("role", "unit", "provider", "period")
_DIM_FIELDS = {
    "role": "response__respondent_role",
    "unit": "response__unit__name",
    "provider": "response__provider__name",
    "period": "response__submitted_on",
}
RESULT_TYPES = (
    Question.Type.SCALE,
    Question.Type.YES_NO,
    Question.Type.NUMBER,
    Question.Type.SINGLE,
)
Z95 = 1.959963984540054


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """Wilson score interval for a proportion (None without observations)."""
    if n <= 0:
        return None
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def period_of(day: Any) -> str:
    return str(day.year) if day else ""


@dataclass
class QuestionResult:
    key: str
    label: str
    type: str
    role: str
    quality_criterion: str
    total: Cell
    groups: list[Cell]


@dataclass
class Results:
    questionnaire: Questionnaire
    by: list[str]
    respondents: int
    withheld: bool
    questions: list[QuestionResult]

    def rows(self) -> list[dict[str, Any]]:
        """Flat rows for files: one per question and group (the total has empty groups)."""
        out = []
        for q in self.questions:
            for cell in [q.total, *q.groups]:
                row: dict[str, Any] = {"question": q.key, "text": q.label}
                for dim in self.by:
                    row[dim] = cell.group.get(dim, "")
                row.update(
                    n=None if cell.suppressed else cell.n,
                    mean=_round(cell.mean),
                    share_positive=_round(cell.share_positive),
                    ci_low=_round(cell.ci_low),
                    ci_high=_round(cell.ci_high),
                    suppressed=cell.suppressed,
                    distribution=dict(cell.distribution),
                )
                out.append(row)
        return out


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def latest_version(key: str) -> Questionnaire | None:
    qs = Questionnaire.objects.filter(key=key)
    return (
        qs.filter(status=Questionnaire.Status.PUBLISHED).order_by("-version").first()
        or qs.order_by("-version").first()
    )


def _cell(question: Question, key: str, group: dict[str, str], values: list[tuple]) -> Cell:
    known = [v for v in values if not v[1]]
    n = len(known)
    unknown = len(values) - n
    numbers = [v[0] for v in known if v[0] is not None]
    mean = sum(numbers) / len(numbers) if numbers else None
    positive: int | None = None
    distribution: dict[str, int | None] = {}
    if question.type == Question.Type.SCALE:
        positive = sum(1 for x in numbers if x >= Question.POSITIVE_FROM)
        distribution = {str(k): sum(1 for x in numbers if int(x) == k) for k in range(1, 6)}
    elif question.type == Question.Type.YES_NO:
        positive = sum(1 for x in numbers if x >= 1)
        distribution = {"yes": positive, "no": n - positive}
    elif question.type == Question.Type.SINGLE:
        for v in known:
            for code in v[2] or []:
                distribution[code] = (distribution.get(code) or 0) + 1
    share = positive / n if positive is not None and n else None
    interval = wilson(positive, n) if positive is not None else None
    if question.type not in Question.MEAN_TYPES:
        mean = None
    return Cell(
        question=key,
        group=group,
        n=n,
        unknown=unknown,
        mean=mean,
        positive=positive,
        share_positive=share,
        ci_low=interval[0] if interval else None,
        ci_high=interval[1] if interval else None,
        distribution=distribution,
    )


def questionnaire_results(
    questionnaire: Questionnaire,
    responses: QuerySet[Response],
    by: Iterable[str] = (),
) -> Results:
    """Results for a questionnaire key over the given (already restricted) responses."""
    by = [d for d in by if d]
    unknown_dims = [d for d in by if d not in DIMENSIONS]
    if unknown_dims:
        raise ValueError(f"unknown breakdown: {', '.join(unknown_dims)}")
    submitted = responses.filter(
        questionnaire__key=questionnaire.key, status=Response.Status.SUBMITTED
    )
    respondents = submitted.count()
    questions = [
        q
        for q in Question.objects.filter(section__questionnaire=questionnaire)
        .select_related("section", "quality_criterion")
        .order_by("section__sort_order", "sort_order", "id")
        if q.type in RESULT_TYPES
    ]
    withheld = questionnaire.anonymous and respondents < min_cell()
    if withheld:
        return Results(questionnaire, by, respondents, True, [])
    from insyn.surveys.models import Answer

    fields = [_DIM_FIELDS[d] for d in by]
    values: dict[str, list[tuple]] = defaultdict(list)
    for key, number, unknown, choices, *dims in Answer.objects.filter(
        response__in=submitted, question__key__in=[q.key for q in questions]
    ).values_list("question__key", "number", "unknown", "choices", *fields):
        group = tuple(
            period_of(v) if d == "period" else (v or "") for d, v in zip(by, dims, strict=True)
        )
        values[key].append((number, unknown, choices, group))
    out = []
    for question in questions:
        rows = values.get(question.key, [])
        total = _cell(question, question.key, {}, rows)
        grouped: dict[tuple, list[tuple]] = defaultdict(list)
        for row in rows:
            grouped[row[3]].append(row)
        cells = (
            [
                _cell(question, question.key, dict(zip(by, g, strict=True)), grouped[g])
                for g in sorted(grouped)
            ]
            if by
            else []
        )
        protect_question(question.type, total, cells)
        out.append(
            QuestionResult(
                key=question.key,
                label=question.label,
                type=question.type,
                role=question.role(),
                quality_criterion=question.quality_criterion.label
                if question.quality_criterion
                else "",
                total=total,
                groups=cells,
            )
        )
    return Results(questionnaire, by, respondents, False, out)


# --- response rates and non-response ---------------------------------------------------------


_RATE_DIMS = {
    "role": "respondent_role",
    "unit": "unit__name",
    "provider": "provider__name",
    "programme": "occasion__enrollment__programme__name",
}


def response_rates(responses: QuerySet[Response], by: Iterable[str] = ()) -> list[RateRow]:
    """Expected responses at follow-up occasions: answered, non-response by reason, waiting.
    Raw counts; `suppress_rates` hides small cells for display."""
    by = [d for d in by if d]
    counts: dict[tuple, dict[str, Any]] = {}
    qs = responses.filter(occasion__isnull=False).values_list(
        "status", "non_response_reason__code", *[_RATE_DIMS[d] for d in by]
    )
    for status, reason, *dims in qs:
        key = tuple(d or "" for d in dims)
        row = counts.setdefault(key, {"expected": 0, "answered": 0, "non": 0, "reasons": {}})
        row["expected"] += 1
        if status == Response.Status.SUBMITTED:
            row["answered"] += 1
        elif status == Response.Status.NON_RESPONSE:
            row["non"] += 1
            row["reasons"][reason] = row["reasons"].get(reason, 0) + 1
    out = []
    for key in sorted(counts):
        c = counts[key]
        out.append(
            RateRow(
                group=dict(zip(by, key, strict=True)),
                expected=c["expected"],
                answered=c["answered"],
                non_response=c["non"],
                waiting=c["expected"] - c["answered"] - c["non"],
                reasons=dict(sorted(c["reasons"].items())),
                rate=c["answered"] / c["expected"] if c["expected"] else None,
            )
        )
    return out


def suppress_rates(rows: list[RateRow]) -> list[RateRow]:
    """Hide groups with fewer expected responses than the threshold, and inside the others
    every small count (answered, non-response, waiting, each reason) with complements. Rows
    have no published total, so a hidden row needs no complement among its siblings."""
    for row in rows:
        protect_rate(row)
    return rows


@dataclass
class RoundRate:
    invitations: int
    answered: int
    rate: float | None


def round_rate(survey_round: Any) -> RoundRate:
    """Anonymous round: answered / invitations issued (revoked ones are not counted issued)."""
    issued = Invitation.objects.filter(round=survey_round, revoked_at__isnull=True).count()
    answered = Response.objects.filter(round=survey_round, status=Response.Status.SUBMITTED).count()
    return RoundRate(issued, answered, answered / issued if issued else None)


# --- respondents side by side -----------------------------------------------------------------


@dataclass
class CompareRow:
    topic: str
    label: str
    by_role: dict[str, dict[str, Any]]


def compare_roles(
    questionnaire: Questionnaire, responses: QuerySet[Response], roles: list[str]
) -> tuple[int, list[CompareRow]]:
    """For placements where every role in `roles` answered: per topic, each role's mean and
    share positive over the same placements. Returns (number of placements, rows)."""
    submitted = responses.filter(
        questionnaire__key=questionnaire.key,
        status=Response.Status.SUBMITTED,
        occasion__isnull=False,
    )
    roles_by_occasion: dict[int, set[str]] = defaultdict(set)
    for occasion_id, role in submitted.values_list("occasion_id", "respondent_role"):
        roles_by_occasion[occasion_id].add(role)
    complete = [o for o, have in roles_by_occasion.items() if set(roles) <= have]
    n_placements = len(complete)
    questions = (
        Question.objects.filter(section__questionnaire=questionnaire)
        .exclude(topic="")
        .select_related("section")
    )
    by_topic: dict[str, dict[str, Question]] = defaultdict(dict)
    for q in questions:
        if q.type in (Question.Type.SCALE, Question.Type.YES_NO) and q.role() in roles:
            by_topic[q.topic][q.role()] = q
    from insyn.surveys.models import Answer

    answers: dict[tuple[str, str], list[float]] = defaultdict(list)
    for key, role, number in Answer.objects.filter(
        response__in=submitted.filter(occasion_id__in=complete),
        unknown=False,
        number__isnull=False,
    ).values_list("question__key", "response__respondent_role", "number"):
        answers[(key, role)].append(float(number or 0))
    rows = []
    for topic, per_role in sorted(by_topic.items()):
        cells: dict[str, dict[str, Any]] = {}
        for role in roles:
            found = per_role.get(role)
            if found is None:
                continue
            q = found
            xs = answers.get((q.key, role), [])
            n = len(xs)
            if is_small(n):
                cells[role] = {"question": q.key, "n": None, "suppressed": True}
                continue
            threshold = Question.POSITIVE_FROM if q.type == Question.Type.SCALE else 1
            pos = sum(1 for x in xs if x >= threshold)
            ci = wilson(pos, n) if share_is_safe(pos, n) else None
            cells[role] = {
                "question": q.key,
                "n": n,
                "mean": sum(xs) / n if q.type in Question.MEAN_TYPES else None,
                "share_positive": pos / n if ci else None,
                "ci_low": ci[0] if ci else None,
                "ci_high": ci[1] if ci else None,
                "suppressed": False,
            }
        # Name the topic in the respondent's own words where the child is asked.
        label = (per_role.get("child") or next(iter(per_role.values()))).label
        rows.append(CompareRow(topic=topic, label=label, by_role=cells))
    return n_placements, rows
