"""Computed key figures: one registered `Computation` per `Indicator.computation` name.

A computation reads the municipality's own follow-up data for one period and returns raw
cells (unit, sex, numerator, denominator). It never suppresses: the values are stored with
their numerator and denominator (`services.compute`), and every page, export, API answer and
report reads them through `selectors.figures`, the one path that applies the suppression rule.
Area modules register their computations in `register_all()`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from insyn.indicators.periods import Period
from insyn.organisations.models import OrgUnit


@dataclass(frozen=True)
class Cell:
    """One raw figure. `unit_id` is the municipality itself or a unit below it; `sex` is
    T/K/M. A share has numerator and denominator (value = 100·n/d); a median or a count has
    `denominator` = the number of persons or cases it is computed over (for suppression)."""

    unit_id: int
    sex: str
    value: float | None
    numerator: float | None
    denominator: float | None


class Computation(Protocol):
    name: str

    def compute(self, municipality: OrgUnit, period: Period) -> Sequence[Cell]: ...


_REGISTRY: dict[str, Computation] = {}
# Parameterised computations: `family:param` (e.g. `before_after_improvement:<programme key>`),
# since programmes and quality criteria are data. The factory gets the whole name.
_FAMILIES: dict[str, Callable[[str], Computation]] = {}


def register(computation: Computation) -> None:
    _REGISTRY[computation.name] = computation


def register_family(family: str, factory: Callable[[str], Computation]) -> None:
    _FAMILIES[family] = factory


def get(name: str) -> Computation | None:
    register_all()
    found = _REGISTRY.get(name)
    if found is None and ":" in name:
        factory = _FAMILIES.get(name.partition(":")[0])
        if factory is not None:
            return factory(name)
    return found


def families() -> list[str]:
    """Families of parameterised computations (names written `family:param`)."""
    register_all()
    return sorted(_FAMILIES)


def names() -> list[str]:
    register_all()
    return sorted(_REGISTRY)


def register_all() -> None:
    """Import the area modules; each calls `register` at import (idempotent)."""
    from insyn.indicators.computations import casework, followup, quality, surveys  # noqa: F401
