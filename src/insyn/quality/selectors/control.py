"""Reads of internal control: rounds, drawn cases, my reviews, compliance and agreement.

Compliance of a criterion = yes / (yes + no + partly), from the first reviewer's answers:
"partly" counts as not met, "not applicable" is left out of numerator and denominator. The
interval is the 95% Wilson score interval (insyn.analytics.stats.wilson). Agreement on the
cases reviewed twice = the share of (case, criterion) pairs where both reviewers gave the same
answer, with Cohen's kappa over the four answers.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from insyn.analytics.stats import wilson
from insyn.core.roles import Action
from insyn.quality.models import ControlCase, ControlRound, ReviewAnswer, ReviewCriterion

A = ReviewAnswer.Answer


def rounds(user: Any) -> QuerySet[ControlRound]:
    return (
        ControlRound.objects.restrict(user, Action.VIEW_QUALITY)
        .select_related("unit", "template")
        .order_by("-period_end", "-id")
    )


def cases(user: Any, round_: ControlRound) -> QuerySet[ControlCase]:
    """The drawn cases `user` may read (view_individual on the case's unit), in draw order."""
    return (
        ControlCase.objects.restrict(user, Action.VIEW_INDIVIDUAL)
        .filter(round=round_)
        .select_related("case__unit", "case__client", "reviewer", "second_reviewer")
        .order_by("draw_order")
    )


def my_reviews(user: Any) -> QuerySet[ControlCase]:
    return (
        ControlCase.objects.restrict(user, Action.VIEW_INDIVIDUAL)
        .filter(Q(reviewer=user) | Q(second_reviewer=user))
        .filter(round__state__in=[ControlRound.State.DRAWN, ControlRound.State.IN_REVIEW])
        .select_related("round", "case__unit")
        .order_by("round__due_on", "round_id", "draw_order")
    )


@dataclass
class Compliance:
    criterion: ReviewCriterion
    unit: str  # unit name, or "" for the whole round
    yes: int
    no: int
    partly: int
    na: int

    @property
    def judged(self) -> int:
        return self.yes + self.no + self.partly

    @property
    def share(self) -> float | None:
        return self.yes / self.judged if self.judged else None

    @property
    def interval(self) -> tuple[float | None, float | None]:
        return wilson(self.yes, self.judged)


def first_answers(round_: ControlRound) -> QuerySet[ReviewAnswer]:
    """The first reviewer's answers of the round (what compliance is computed from)."""
    from django.db.models import F

    return ReviewAnswer.objects.filter(
        control_case__round=round_, reviewer=F("control_case__reviewer")
    ).select_related("criterion", "control_case__case__unit")


def compliance(round_: ControlRound) -> tuple[list[Compliance], list[Compliance]]:
    """(per criterion for the round, per criterion and unit)."""
    criteria = list(round_.template.criteria.order_by("order", "id"))
    total: dict[int, Counter[str]] = defaultdict(Counter)
    per_unit: dict[tuple[int, str], Counter[str]] = defaultdict(Counter)
    for a in first_answers(round_):
        total[a.criterion_id][a.answer] += 1
        per_unit[(a.criterion_id, a.control_case.case.unit.name)][a.answer] += 1

    def row(c: ReviewCriterion, unit: str, n: Counter[str]) -> Compliance:
        return Compliance(c, unit, n[A.YES], n[A.NO], n[A.PARTLY], n[A.NOT_APPLICABLE])

    overall = [row(c, "", total[c.pk]) for c in criteria]
    units = sorted({u for _, u in per_unit})
    detail = [
        row(c, u, per_unit[(c.pk, u)]) for c in criteria for u in units if (c.pk, u) in per_unit
    ]
    return overall, detail


@dataclass
class Agreement:
    cases: int
    pairs: int
    same: int
    kappa: float | None

    @property
    def share(self) -> float | None:
        return self.same / self.pairs if self.pairs else None


def cohen_kappa(pairs: list[tuple[str, str]]) -> float | None:
    n = len(pairs)
    if not n:
        return None
    observed = sum(a == b for a, b in pairs) / n
    first = Counter(a for a, _ in pairs)
    second = Counter(b for _, b in pairs)
    expected = sum(first[k] * second[k] for k in set(first) | set(second)) / (n * n)
    if expected == 1:
        return 1.0 if observed == 1 else None
    return (observed - expected) / (1 - expected)


def agreement(round_: ControlRound) -> Agreement:
    doubled = round_.cases.filter(second_reviewer__isnull=False)
    answers: dict[tuple[int, int, int], str] = {
        (a.control_case_id, a.criterion_id, a.reviewer_id or 0): a.answer
        for a in ReviewAnswer.objects.filter(control_case__in=doubled)
    }
    pairs = []
    for cc in doubled:
        for c in round_.template.criteria.all():
            one = answers.get((cc.pk, c.pk, cc.reviewer_id or 0))
            two = answers.get((cc.pk, c.pk, cc.second_reviewer_id or 0))
            if one and two:
                pairs.append((one, two))
    same = sum(a == b for a, b in pairs)
    return Agreement(doubled.count(), len(pairs), same, cohen_kappa(pairs))


def failures(user: Any, round_: ControlRound) -> list[ReviewAnswer]:
    """Failed criteria (no / partly, first reviewer) on cases `user` may read."""
    visible = cases(user, round_).values("pk")
    return list(
        first_answers(round_)
        .filter(control_case__in=visible, answer__in=[A.NO, A.PARTLY])
        .order_by("control_case__draw_order", "criterion__order")
    )
