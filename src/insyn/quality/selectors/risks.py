"""Reads of risks and risk analyses (view_quality in the unit's subtree), the matrix counts,
the risks due for reassessment, and the recurring deviations shown beside a risk."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils.translation import gettext as _

from insyn.core.roles import Action
from insyn.core.scoping import path_in_scope
from insyn.quality.digest import DigestLine
from insyn.quality.models import Deviation, Risk, RiskAnalysis
from insyn.quality.risk_matrix import CELL_LEVELS, LEVELS, Matrix, build_matrix, cells_at_or_above

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from insyn.accounts.models import User

    UserT = User | AnonymousUser | None

RECURRING_MONTHS = 12


def risks_visible(user: UserT) -> QuerySet[Risk]:
    """Every risk `user` may read (the one door for pages, API and panel)."""
    return Risk.objects.restrict(user, Action.VIEW_QUALITY).select_related(
        "unit", "owner", "analysis", "deviation_category"
    )


def analyses_visible(user: UserT) -> QuerySet[RiskAnalysis]:
    return RiskAnalysis.objects.restrict(user, Action.VIEW_QUALITY).select_related(
        "unit", "created_by"
    )


def cells_q(cells: list[tuple[int, int]]) -> Q:
    q = Q(pk__in=[])
    for p, s in cells:
        q |= Q(probability=p, severity=s)
    return q


def level_q(level_key: str) -> Q:
    """Risks whose cell has exactly this level."""
    return cells_q(
        [(p, s) for p, row in CELL_LEVELS.items() for s, key in row.items() if key == level_key]
    )


def risks_filtered(
    qs: QuerySet[Risk],
    *,
    unit: Any = None,
    level: str = "",
    min_level: str = "",
    treatment: str = "",
    state: str = "",
    due: bool = False,
    probability: int | None = None,
    severity: int | None = None,
    analysis: Any = None,
    today: dt.date | None = None,
) -> QuerySet[Risk]:
    """The register's filters (unit with its subtree, cell level, treatment, state, due for
    reassessment, one cell of the matrix)."""
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if level in LEVELS:
        qs = qs.filter(level_q(level))
    if min_level in LEVELS:
        qs = qs.filter(cells_q(cells_at_or_above(min_level)))
    if treatment:
        qs = qs.filter(treatment=treatment)
    if state:
        qs = qs.filter(state=state)
    if due:
        qs = due_for_reassessment(qs, today or dt.date.today())
    if probability is not None:
        qs = qs.filter(probability=probability)
    if severity is not None:
        qs = qs.filter(severity=severity)
    if analysis is not None:
        qs = qs.filter(analysis=analysis)
    return qs


def due_q(today: dt.date) -> Q:
    """Active risks whose date to reassess has come."""
    return Q(state=Risk.State.ACTIVE, reassess_on__isnull=False, reassess_on__lte=today)


def due_for_reassessment(qs: QuerySet[Risk], today: dt.date) -> QuerySet[Risk]:
    return qs.filter(due_q(today))


def matrix_for(qs: QuerySet[Risk]) -> Matrix:
    """The 4×4 counts of these risks (callers pass the active ones)."""
    pairs: list[tuple[int, int]] = []
    for row in qs.order_by().values("probability", "severity").annotate(n=Count("id")):
        pairs.extend([(row["probability"], row["severity"])] * row["n"])
    return build_matrix(pairs)


@dataclass
class Recurring:
    """Deviations of the risk's category in its unit (subtree) over the last 12 months."""

    since: dt.date
    total: int
    months: list[tuple[dt.date, int]]
    quarters: list[tuple[str, int]]
    list_url: str = ""  # the deviation list, filtered, when the user may read deviations
    shown: list[Deviation] = field(default_factory=list)


def _month_start(day: dt.date, back: int) -> dt.date:
    y, m = day.year, day.month - back
    while m <= 0:
        m += 12
        y -= 1
    return dt.date(y, m, 1)


def recurring_deviations(risk: Risk, user: UserT, today: dt.date) -> Recurring | None:
    """Counts by month and quarter (org figures, no one named); a link to the deviations
    themselves only for someone who may read them (view_quality on the unit)."""
    if risk.deviation_category_id is None:
        return None
    since = _month_start(today, RECURRING_MONTHS - 1)
    qs = Deviation.objects.filter(
        category_id=risk.deviation_category_id,
        unit__path__startswith=risk.unit.path,
        occurred_on__gte=since,
        occurred_on__lte=today,
    )
    by_month = {
        (row["month"].date() if isinstance(row["month"], dt.datetime) else row["month"]): row["n"]
        for row in qs.order_by()
        .annotate(month=TruncMonth("occurred_on"))
        .values("month")
        .annotate(n=Count("id"))
    }
    months = []
    quarters: dict[str, int] = defaultdict(int)
    for back in range(RECURRING_MONTHS - 1, -1, -1):
        start = _month_start(today, back)
        n = by_month.get(start, 0)
        months.append((start, n))
        quarters[f"{start.year} Q{(start.month - 1) // 3 + 1}"] += n
    result = Recurring(since, sum(n for _m, n in months), months, list(quarters.items()))
    if path_in_scope(user, Action.VIEW_QUALITY, risk.unit.path):
        result.list_url = (
            reverse("quality:deviation_list")
            + f"?category={risk.deviation_category_id}&unit={risk.unit_id}"
            + f"&date_from={since.isoformat()}"
        )
    return result


def digest_risks_due(today: dt.date) -> dict[User, list[DigestLine]]:
    """The digest's risk section: each owner's active risks whose reassessment is due (the
    title only: risks name no client)."""
    lines: dict[User, list[DigestLine]] = {}
    qs = due_for_reassessment(Risk.objects.select_related("owner"), today).filter(
        owner__isnull=False, owner__is_active=True
    )
    for risk in qs.order_by("reassess_on", "pk"):
        assert risk.owner is not None and risk.reassess_on is not None
        overdue = risk.reassess_on < today
        text = (
            _("Reassess the risk “%(title)s” (was due %(date)s)")
            if overdue
            else _("Reassess the risk “%(title)s” today")
        ) % {"title": risk.title, "date": risk.reassess_on.isoformat()}
        line = DigestLine(
            "risks", text, risk.reassess_on, overdue, reverse("quality:risk", args=[risk.pk])
        )
        lines.setdefault(risk.owner, []).append(line)
    return lines
