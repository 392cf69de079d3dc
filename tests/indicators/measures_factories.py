"""Hand-built follow-up data for the follow-up, survey and quality computations: one client,
enrolment, occasion or value at a time (ORM), so every expected figure can be worked out by
hand. The frame cache fixture gives every test its own analytics cache."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from insyn.analytics.aggregate import forget_results
from insyn.clients.models import Client
from insyn.followup.models import Enrollment, Goal, Occasion, Value
from insyn.indicators.computations import Cell
from insyn.organisations.models import OrgUnit
from tests.analytics.factories import Design

_seq = itertools.count(1)


@pytest.fixture
def frame_cache(tmp_path: Path, settings: Any) -> Iterator[Path]:
    """Every test gets its own frame cache and an empty result memo."""
    settings.INSYN_ANALYTICS_CACHE = tmp_path / "analytics"
    forget_results()
    yield settings.INSYN_ANALYTICS_CACHE
    forget_results()


def client(unit: OrgUnit, sex: str) -> Client:
    n = next(_seq)
    assert unit.municipality is not None
    return Client.objects.create(
        municipality=unit.municipality,
        unit=unit,
        client_ref=f"M{n:05d}",
        id_kind="none",
        birth_date=dt.date(1980, 1, 1),
        sex=sex,
    )


def enrol(design: Design, unit: OrgUnit, sex: str, on: dt.date = dt.date(2023, 6, 1)) -> Enrollment:
    return Enrollment.objects.create(
        programme=design.programme,
        client=client(unit, sex),
        unit=unit,
        method="manual",
        enrolled_on=on,
    )


def occasion(
    design: Design,
    enrollment: Enrollment,
    stage: str,
    due: dt.date,
    status: str,
    *,
    window_end: dt.date | None = None,
    done_on: dt.date | None = None,
) -> Occasion:
    """`status` as recorded; window = due − 14 … `window_end` (default due + 30)."""
    return Occasion.objects.create(
        enrollment=enrollment,
        stage=design.stages[stage],
        due_on=due,
        window_start=due - dt.timedelta(days=14),
        window_end=window_end or due + dt.timedelta(days=30),
        status=status,
        done_on=done_on or (due if status == "done" else None),
    )


def values(design: Design, occasion_: Occasion, **numbers: float) -> None:
    Value.objects.bulk_create(
        [
            Value(occasion=occasion_, variable=design.variables[key], number=number)
            for key, number in numbers.items()
        ]
    )


def goal(enrollment: Enrollment, outcome: str, assessed_on: dt.date | None) -> Goal:
    return Goal.objects.create(
        enrollment=enrollment,
        text="Minska problemen",
        set_on=enrollment.enrolled_on,
        outcome=outcome,
        assessed_on=assessed_on,
    )


def by_key(cells: Iterable[Cell]) -> dict[tuple[int, str], tuple[float | None, float | None]]:
    """(unit id, sex) → (numerator, denominator); values checked against 100·n/d."""
    out = {}
    for c in cells:
        key = (c.unit_id, c.sex)
        assert key not in out, f"two cells for {key}"
        out[key] = (c.numerator, c.denominator)
        if c.numerator is not None and c.denominator:
            assert c.value == pytest.approx(100 * c.numerator / c.denominator)
    return out
