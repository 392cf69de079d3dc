"""Instrument scoring: item points add up to a total; the total falls in a band by sex.

Bands for an unknown sex fall back to bands without a sex; an instrument whose total is
entered directly (problem days) simply has no items.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Prefetch

from insyn.followup.models import Instrument, InstrumentItem, Option, ScoreBand


def total_from_items(
    instrument: Instrument,
    answers: Mapping[str, Option],
    items: list[InstrumentItem] | None = None,
) -> float | None:
    """Sum of the chosen options' points, or None unless every item is answered."""
    items = items if items is not None else list(instrument.items.all())
    if not items or any(item.key not in answers for item in items):
        return None
    return float(sum((answers[item.key].value or 0) for item in items))


def band_for(instrument: Instrument, total: float | None, sex: str) -> ScoreBand | None:
    if total is None:
        return None
    bands = list(instrument.bands.all())
    for candidates in ([b for b in bands if b.sex == sex], [b for b in bands if not b.sex]):
        for band in candidates:
            if band.min_score <= total <= band.max_score:
                return band
    return None


# For a queryset of stage variables: their instruments' items with options in three queries
# instead of two per instrument (`items_of` then uses them).
ITEMS_PREFETCH = (
    Prefetch(
        "variable__instrument__items", queryset=InstrumentItem.objects.select_related("option_set")
    ),
    "variable__instrument__items__option_set__options",
)


def items_of(instrument: Instrument) -> list[InstrumentItem]:
    if "items" in getattr(instrument, "_prefetched_objects_cache", {}):
        return list(instrument.items.all())
    return list(
        instrument.items.select_related("option_set").prefetch_related("option_set__options")
    )


@dataclass(frozen=True)
class RunningScore:
    """The sum of the items answered so far, and the band once every item is answered."""

    total: float | None
    answered: int
    items: int
    band: ScoreBand | None

    @property
    def complete(self) -> bool:
        return self.items > 0 and self.answered == self.items


def running_score(
    instrument: Instrument, codes: Mapping[str, object], sex: str, given_total: object = None
) -> RunningScore:
    """For the live total on the occasion form: unknown codes are ignored here (the form's
    validation reports them); a total typed directly is used when no item is answered."""
    items = items_of(instrument)
    points: dict[str, float] = {}
    for item in items:
        code = str(codes.get(item.key) or "").strip()
        for option in item.option_set.options.all():
            if code and option.code == code:
                points[item.key] = float(option.value or 0)
    total: float | None = sum(points.values()) if points else None
    if not points and given_total not in (None, ""):
        try:
            total = float(str(given_total).replace(",", "."))
        except ValueError:
            total = None
    complete = bool(items) and len(points) == len(items)
    band = band_for(instrument, total, sex) if complete or not points else None
    return RunningScore(total, len(points), len(items), band)
