"""Instrument scoring: item points add up to a total; the total falls in a band by sex.

Bands for an unknown sex fall back to bands without a sex; an instrument whose total is
entered directly (problem days) simply has no items.
"""

from __future__ import annotations

from collections.abc import Mapping

from insyn.followup.models import Instrument, InstrumentItem, Option, ScoreBand


def total_from_items(instrument: Instrument, answers: Mapping[str, Option]) -> float | None:
    """Sum of the chosen options' points, or None unless every item is answered."""
    items = list(instrument.items.all())
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


def items_of(instrument: Instrument) -> list[InstrumentItem]:
    return list(
        instrument.items.select_related("option_set").prefetch_related("option_set__options")
    )
