"""Computing insyn's own key figures and storing them (IndicatorValue, source=computed).

One run = one municipality, one period, a set of computed indicators, one transaction. The
run *replaces* the computed values of that scope (the municipality and every unit below it,
that period, those indicators): values that changed are updated, new cells added, and a
stored cell the computation no longer returns is removed, so no stale value survives a
recompute. A cell without a value (a share with nobody in its denominator) is never stored.
Suppression is not applied here: values keep their numerator and denominator, and every
reader goes through `selectors.figures`, which suppresses.

Periods. A calendar year is computed only once it is over (31 December has passed); the year
under way, or one in the future, is refused with a message: its current state is the rolling
twelve months ending on a chosen day (at the latest today), stored as period kind
`rolling12` with that end day. A computation decides itself which days a period means (the
re-actualisation figures, for instance, look at a base half-year 18 months before the
period's end); the catalogue's `period` text says so per indicator.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from insyn.core.audit import record_change
from insyn.indicators import computations
from insyn.indicators.models import Indicator, IndicatorValue
from insyn.indicators.periods import YEAR, Period
from insyn.organisations.models import OrgUnit

if TYPE_CHECKING:
    from insyn.accounts.models import User


class ComputeError(ValueError):
    """Input the computation cannot run with, with a message for the person who asked."""


@dataclass
class ComputeSummary:
    municipality: str
    period_kind: str
    period_label: str
    indicators: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # computation not available yet
    # indicators whose definition cannot be computed (e.g. a programme without a "before"
    # stage), with the computation's message; the others are still computed
    failed: dict[str, str] = field(default_factory=dict)
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0

    def line(self) -> str:
        skipped = ""
        if self.skipped:
            skipped = f"; skipped (no computation yet): {', '.join(self.skipped)}"
        for key, message in self.failed.items():
            skipped += f"; {key} not computed: {message}"
        return (
            f"{self.municipality} {self.period_label}: {len(self.indicators)} indicators, "
            f"{self.added} values added, {self.changed} changed, {self.removed} removed, "
            f"{self.unchanged} unchanged{skipped}"
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "municipality": self.municipality,
            "period_kind": self.period_kind,
            "period": self.period_label,
            "indicators": self.indicators,
            "skipped": self.skipped,
            "failed": self.failed,
            "added": self.added,
            "changed": self.changed,
            "removed": self.removed,
            "unchanged": self.unchanged,
        }


def check_period(period: Period, today: dt.date) -> None:
    if period.end <= today:
        return
    if period.kind == YEAR:
        raise ComputeError(
            _(
                "The year %(year)s is not over yet (it ends on %(end)s): compute the rolling "
                "twelve months ending on a day up to today instead."
            )
            % {"year": period.year, "end": period.end.isoformat()}
        )
    raise ComputeError(
        _("A rolling period cannot end after today (%(today)s).") % {"today": today.isoformat()}
    )


def computed_indicators(keys: list[str] | None) -> list[Indicator]:
    """The computed indicators asked for (all active ones when `keys` is None); an unknown key
    or one that is not a computed indicator is refused, naming it."""
    rows = Indicator.objects.filter(source=Indicator.Source.COMPUTED)
    if keys is None:
        return list(rows.filter(active=True).order_by("sort_order", "key"))
    found = {i.key: i for i in rows.filter(key__in=keys)}
    unknown = [k for k in keys if k not in found]
    if unknown:
        raise ComputeError(
            _("Not a computed indicator in the catalogue: %(keys)s.") % {"keys": ", ".join(unknown)}
        )
    return [found[k] for k in dict.fromkeys(keys)]


@transaction.atomic
def compute_indicators(
    *,
    municipality: OrgUnit,
    period: Period,
    keys: list[str] | None = None,
    actor: User | None = None,
    today: dt.date | None = None,
) -> ComputeSummary:
    """Compute and store the figures of `municipality` for `period` (see the module text)."""
    if municipality.kind != OrgUnit.Kind.MUNICIPALITY:
        raise ComputeError(_("%(name)s is not a municipality.") % {"name": municipality.name})
    check_period(period, today or timezone.localdate())
    indicators = computed_indicators(keys)
    summary = ComputeSummary(municipality.code, period.kind, period.label())
    units = dict(
        OrgUnit.objects.filter(path__startswith=municipality.path).values_list("pk", "path")
    )
    for indicator in indicators:
        computation = computations.get(indicator.computation)
        if computation is None:
            summary.skipped.append(indicator.key)
            continue
        try:
            computed = computation.compute(municipality, period)
        except ValueError as exc:  # a definition that does not resolve: named, not fatal
            summary.failed[indicator.key] = str(exc)
            continue
        summary.indicators.append(indicator.key)
        cells = {
            (c.unit_id, c.sex): c for c in computed if c.value is not None and c.unit_id in units
        }
        _store(indicator, period, units, cells, summary)
    record_change(
        actor=actor,
        action="compute_indicators",
        obj=municipality,
        before={},
        after=summary.as_dict(),
    )
    return summary


def _store(
    indicator: Indicator,
    period: Period,
    units: dict[int, str],
    cells: dict[tuple[int, str], computations.Cell],
    summary: ComputeSummary,
) -> None:
    existing = {
        (row.org_unit_id, row.sex): row
        for row in IndicatorValue.objects.select_for_update().filter(
            indicator=indicator,
            org_unit_id__in=list(units),
            period_kind=period.kind,
            period_end=period.end,
            source=IndicatorValue.Source.COMPUTED,
        )
    }
    stale = [row.pk for key, row in existing.items() if key not in cells]
    if stale:
        IndicatorValue.objects.filter(pk__in=stale).delete()
        summary.removed += len(stale)
    new = []
    for key, cell in sorted(cells.items()):
        row = existing.get(key)
        values = {"value": cell.value, "numerator": cell.numerator, "denominator": cell.denominator}
        if row is None:
            new.append(
                IndicatorValue(
                    indicator=indicator,
                    org_unit_id=cell.unit_id,
                    period_kind=period.kind,
                    period_end=period.end,
                    year=period.year,
                    sex=cell.sex,
                    source=IndicatorValue.Source.COMPUTED,
                    status=IndicatorValue.Status.FINAL,
                    **values,
                )
            )
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            row.save(update_fields=[*values, "updated_at"])
            summary.changed += 1
        else:
            summary.unchanged += 1
    IndicatorValue.objects.bulk_create(new)
    summary.added += len(new)
