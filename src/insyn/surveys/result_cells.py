"""The cells of a survey results table: what `results` computes and `disclosure` hides.

They sit below both modules, so suppression can name them without importing the results module
that calls it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Cell:
    question: str
    group: dict[str, str]
    n: int
    unknown: int | None
    mean: float | None
    positive: int | None
    share_positive: float | None
    ci_low: float | None
    ci_high: float | None
    # Answer counts by value or option code; None where a small count is hidden.
    distribution: dict[str, int | None] = field(default_factory=dict)
    suppressed: bool = False

    def hide(self) -> None:
        self.suppressed = True
        self.mean = self.share_positive = self.ci_low = self.ci_high = None
        self.positive = None
        self.unknown = None
        self.distribution = {}

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class RateRow:
    group: dict[str, str]
    expected: int
    answered: int | None
    non_response: int | None
    waiting: int | None
    reasons: dict[str, int | None]
    rate: float | None
    suppressed: bool = False
