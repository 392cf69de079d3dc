"""Yearly statistics of internal control (rounds completed, cases reviewed, compliance per
criterion), for the quality report.

Rounds completed are organisation data. Cases reviewed count persons, and a compliance share
is computed over persons' case files: a count below the threshold (stats.min_cell, but not
zero) and a share over fewer judged cases are suppressed (value None, flagged). The share is
yes / (yes + no + partly) in per cent with one decimal, from the first reviewer's answers.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from django.db.models import F
from django.utils.translation import gettext as _

from insyn.core.roles import Action
from insyn.quality.models import ControlCase, ControlRound, ReviewAnswer

if TYPE_CHECKING:
    from insyn.accounts.models import User
    from insyn.organisations.models import OrgUnit
    from insyn.quality.selectors.stats import Section, YearStats


def sections(
    *, municipality: OrgUnit, unit: OrgUnit | None, user: User | None, stats: YearStats
) -> list[Section]:
    """The sections for `stats.year` in `municipality` (optionally `unit`'s subtree) as `user`
    may see them (None: the system). Counts of persons go through suppression (stats.min_cell)."""
    from insyn.quality.selectors.stats import Line, Section

    rounds = ControlRound.objects.filter(
        municipality=municipality,
        state=ControlRound.State.COMPLETED,
        completed_on__year=stats.year,
    )
    if unit is not None:
        rounds = rounds.filter(unit__path__startswith=unit.path)
    if user is not None:
        rounds = rounds.restrict(user, Action.VIEW_QUALITY)
    min_cell = stats.min_cell

    def count(key: str, label: str, n: int) -> Line:
        hidden = 0 < n < min_cell
        return Line(key, label, None if hidden else n, hidden)

    reviewed = ControlCase.objects.filter(round__in=rounds, reviewed_at__isnull=False).count()
    answers = ReviewAnswer.objects.filter(
        control_case__round__in=rounds, reviewer=F("control_case__reviewer")
    ).values_list("criterion__key", "criterion__text", "answer")
    judged: Counter[tuple[str, str]] = Counter()
    met: Counter[tuple[str, str]] = Counter()
    for key, text, answer in answers:
        if answer == ReviewAnswer.Answer.NOT_APPLICABLE:
            continue
        judged[(key, text)] += 1
        met[(key, text)] += answer == ReviewAnswer.Answer.YES
    lines = [
        Line("rounds_completed", _("Control rounds completed"), rounds.count()),
        count("cases_reviewed", _("Cases reviewed"), reviewed),
    ]
    for key, text in sorted(judged):
        n = judged[(key, text)]
        hidden = n < min_cell
        share = None if hidden else round(100 * met[(key, text)] / n, 1)
        lines.append(
            Line(f"compliance/{key}", _("Share met (%%): %(c)s") % {"c": text}, share, hidden)
        )
    return [Section("internal_control", _("Internal control"), lines, personal=True)]
