"""Turning per-person or per-case records into `Cell`s: each record belongs to one org unit
(the unit of its case) and counts for that unit and every unit above it up to the
municipality, once in T and once in its sex (K or M; sex X "other / not stated" counts in T
only, as Kolada's T/K/M has no column for it). Any computation may use these builders."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from insyn.indicators.computations import Cell
from insyn.organisations.models import OrgUnit

TOTAL = "T"
SEXES = ("K", "M")


@dataclass(frozen=True)
class Record:
    """One person or case: the unit it is attributed to, the person's sex, and either a hit
    flag (a share) or a number of days (a median)."""

    unit_id: int
    sex: str
    hit: bool = False
    days: float | None = None


class UnitChains:
    """Each unit of the municipality's subtree → itself and its ancestors up to the
    municipality (a record of a unit outside the subtree counts for the municipality only)."""

    def __init__(self, municipality: OrgUnit) -> None:
        self.municipality_id = municipality.pk
        depth = municipality.depth
        self._chains: dict[int, list[int]] = {}
        for pk, path in OrgUnit.objects.filter(path__startswith=municipality.path).values_list(
            "pk", "path"
        ):
            ids = [int(part) for part in path.strip("/").split("/") if part]
            self._chains[pk] = ids[depth:]

    def chain(self, unit_id: int) -> list[int]:
        return self._chains.get(unit_id, [self.municipality_id])


def _keys(chains: UnitChains, record: Record) -> list[tuple[int, str]]:
    sexes = [TOTAL, record.sex] if record.sex in SEXES else [TOTAL]
    return [(unit, sex) for unit in chains.chain(record.unit_id) for sex in sexes]


def share_cells(records: Iterable[Record], chains: UnitChains) -> list[Cell]:
    """value = 100 · hits / records, per unit and sex that has at least one record."""
    hits: dict[tuple[int, str], int] = defaultdict(int)
    totals: dict[tuple[int, str], int] = defaultdict(int)
    for record in records:
        for key in _keys(chains, record):
            totals[key] += 1
            hits[key] += int(record.hit)
    return [
        Cell(unit, sex, 100.0 * hits[(unit, sex)] / n, float(hits[(unit, sex)]), float(n))
        for (unit, sex), n in sorted(totals.items())
    ]


def median_cells(records: Iterable[Record], chains: UnitChains) -> list[Cell]:
    """value = the median of `days` (the mean of the two middle values for an even count);
    numerator None, denominator = the number of records."""
    days: dict[tuple[int, str], list[float]] = defaultdict(list)
    for record in records:
        if record.days is None:
            continue
        for key in _keys(chains, record):
            days[key].append(record.days)
    return [
        Cell(unit, sex, float(statistics.median(values)), None, float(len(values)))
        for (unit, sex), values in sorted(days.items())
    ]


def count_cells(population: Iterable[Record], chains: UnitChains) -> list[Cell]:
    """value = the number of records with `hit`, per unit and sex that has any record in the
    population (so a real 0 is stored where there was something to count); numerator and
    denominator = that number (the persons or cases the count is about, for suppression)."""
    hits: dict[tuple[int, str], int] = {}
    for record in population:
        for key in _keys(chains, record):
            hits[key] = hits.get(key, 0) + int(record.hit)
    return [
        Cell(unit, sex, float(n), float(n), float(n)) for (unit, sex), n in sorted(hits.items())
    ]


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Completed years on `day` (a birthday on 29 February counts from 1 March)."""
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years
