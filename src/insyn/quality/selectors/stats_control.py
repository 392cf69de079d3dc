"""Yearly statistics of internal control (rounds completed, compliance per criterion)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from insyn.accounts.models import User
    from insyn.organisations.models import OrgUnit
    from insyn.quality.selectors.stats import Section, YearStats


def sections(
    *, municipality: OrgUnit, unit: OrgUnit | None, user: User | None, stats: YearStats
) -> list[Section]:
    """The sections for `stats.year` in `municipality` (optionally `unit`'s subtree) as `user`
    may see them (None: the system). Counts of persons go through suppression (stats.min_cell)."""
    return []
