"""Shared pieces of the follow-up, survey and quality computations: rolling raw counts up the
org tree (the municipality and every unit below it, by sex T/K/M), parameterised computation
names (`family:param`), and the error a computation raises for a question it cannot answer.

Nothing here suppresses: cells are raw, and `selectors.figures` applies the rule on read."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from insyn.indicators.computations import Cell
from insyn.organisations.models import OrgUnit

TOTAL_SEX = "T"
SEXES = ("K", "M")  # the sexes shown beside T; others (X: other / not stated) count in T only


class ComputationError(ValueError):
    """A computation that cannot be answered (unknown programme, criterion …), with a message."""


@dataclass
class Tally:
    """Raw counts for one org path and sex: `numerator` of `denominator` (a share), or
    `count` cases (a count figure: value = count, denominator = count)."""

    numerator: float = 0.0
    denominator: float = 0.0


def split_param(name: str, family: str) -> str:
    """`family:param` → param; a clear error when it is missing."""
    head, sep, param = name.partition(":")
    if head != family or not sep or not param.strip():
        raise ComputationError(
            _("The computation %(name)s needs a parameter: write it as %(family)s:<key>.")
            % {"name": name, "family": family}
        )
    return param.strip()


def unit_ids(municipality: OrgUnit) -> dict[str, int]:
    """Path → id of the municipality and every unit below it."""
    return dict(
        OrgUnit.objects.filter(path__startswith=municipality.path).values_list("path", "pk")
    )


def ancestors(path: str, units: dict[str, int], root: str) -> list[int]:
    """Ids of the units on `path` from the municipality (`root`) down to the unit itself."""
    if not path.startswith(root):
        return []
    parts = path[len(root) :].strip("/").split("/") if path != root else []
    out = [units[root]] if root in units else []
    current = root
    for part in parts:
        if not part:
            continue
        current = f"{current}{part}/"
        if current in units:
            out.append(units[current])
    return out


def roll_up(
    municipality: OrgUnit,
    rows: Iterable[tuple[str, str | None, float, float]],
    *,
    count: bool = False,
) -> list[Cell]:
    """Cells for the municipality and every unit below it from rows of (unit path, sex,
    numerator, denominator): each row counts for its unit and every unit above it up to the
    municipality, for T and for its sex (K/M). Groups with denominator 0 get no cell (an
    empty population is missing, never 0). With `count`, value = the count (numerator)."""
    units = unit_ids(municipality)
    tallies: dict[tuple[int, str], Tally] = defaultdict(Tally)
    for path, sex, numerator, denominator in rows:
        sexes = [TOTAL_SEX, *([sex] if sex in SEXES else [])]
        for unit_id in ancestors(path, units, municipality.path):
            for s in sexes:
                tally = tallies[(unit_id, s)]
                tally.numerator += numerator
                tally.denominator += denominator
    cells = []
    for (unit_id, sex), tally in sorted(tallies.items()):
        if tally.denominator <= 0:
            continue
        if count:
            cells.append(Cell(unit_id, sex, tally.numerator, None, tally.denominator))
        else:
            value = 100.0 * tally.numerator / tally.denominator
            cells.append(Cell(unit_id, sex, value, tally.numerator, tally.denominator))
    return cells
