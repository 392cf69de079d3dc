"""The risk matrix: probability 1–4 × consequence 1–4, each CELL with its own level.

The level belongs to the cell, not to the product: 1×4 (rare but catastrophic) is "high" while
4×1 (frequent but trivial) is "medium", though both score 4. Consequence weighs more than
probability, as in Socialstyrelsen's guidance on risk analysis. This table is the one place the
levels and their colours are defined; the pages, the API, the dashboard panel and the docs
(docs/quality.md, "Risk analysis") read it from here.

Colours: light fills with dark text (contrast ≥ 7:1) and a dark red with white text (≥ 6:1),
and every cell also carries its level in text, so nothing is said by colour alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

SCORES = (1, 2, 3, 4)


@dataclass(frozen=True)
class Level:
    key: str
    rank: int  # 1 low … 4 very high; "at or above" compares ranks
    label: str | Promise
    short: str | Promise  # the text written in the cell
    fill: str
    text: str


LEVELS: dict[str, Level] = {
    level.key: level
    for level in (
        Level("low", 1, _("Low"), _("L"), "#c8e6c9", "#1b1b1b"),
        Level("medium", 2, _("Medium"), _("M"), "#fff3b0", "#1b1b1b"),
        Level("high", 3, _("High"), _("H"), "#ffcc80", "#1b1b1b"),
        Level("very_high", 4, _("Very high"), _("VH"), "#b71c1c", "#ffffff"),
    )
}

# CELL_LEVELS[probability][consequence]
CELL_LEVELS: dict[int, dict[int, str]] = {
    1: {1: "low", 2: "low", 3: "medium", 4: "high"},
    2: {1: "low", 2: "medium", 3: "high", 4: "high"},
    3: {1: "medium", 2: "medium", 3: "high", 4: "very_high"},
    4: {1: "medium", 2: "high", 3: "very_high", 4: "very_high"},
}

# The dashboard panel lists active risks at or above this level unless ?risk_level= says else.
DEFAULT_PANEL_LEVEL = "high"


def level_of(probability: int, severity: int) -> Level:
    return LEVELS[CELL_LEVELS[probability][severity]]


def cells_at_or_above(level_key: str) -> list[tuple[int, int]]:
    """The (probability, consequence) cells whose level ranks at least `level_key`'s."""
    rank = LEVELS[level_key].rank
    return [(p, s) for p in SCORES for s in SCORES if LEVELS[CELL_LEVELS[p][s]].rank >= rank]


def level_choices() -> list[tuple[str, Any]]:
    return [(level.key, level.label) for level in LEVELS.values()]


@dataclass
class Cell:
    probability: int
    severity: int
    level: Level
    count: int
    x: int = 0
    y: int = 0


@dataclass
class Matrix:
    """The grid to draw: rows from probability 4 (top) to 1, columns consequence 1 to 4."""

    rows: list[list[Cell]]
    total: int

    def cell(self, probability: int, severity: int) -> Cell:
        return self.rows[4 - probability][severity - 1]


CELL = 72  # px, the SVG's cell size
ORIGIN_X, ORIGIN_Y = 64, 16


def build_matrix(scores: Iterable[tuple[int, int]]) -> Matrix:
    """Count (probability, consequence) pairs into their cells."""
    counts: dict[tuple[int, int], int] = {}
    total = 0
    for p, s in scores:
        counts[(p, s)] = counts.get((p, s), 0) + 1
        total += 1
    rows = [
        [
            Cell(
                p,
                s,
                level_of(p, s),
                counts.get((p, s), 0),
                x=ORIGIN_X + (s - 1) * CELL,
                y=ORIGIN_Y + (4 - p) * CELL,
            )
            for s in SCORES
        ]
        for p in reversed(SCORES)
    ]
    return Matrix(rows, total)
