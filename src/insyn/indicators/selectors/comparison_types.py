"""The dataclasses and errors of comparisons (selectors/comparison.py builds them)."""

from __future__ import annotations

from dataclasses import dataclass, field

from insyn.indicators.models import Indicator
from insyn.indicators.selectors.groups import NoGroupForYear


class ComparisonError(LookupError):
    """The comparison cannot be made (message in Swedish, ready to show)."""


class UnknownMunicipality(ComparisonError):
    pass


class UnknownGroup(ComparisonError):
    pass


class GroupYearError(ComparisonError, NoGroupForYear):
    """A group of another year than the one asked for (or none for that year)."""


@dataclass(frozen=True)
class Member:
    """One area in the comparison (the subject included, `is_subject`)."""

    area: str  # Kolada id
    name: str
    value: float | None
    numerator: float | None
    denominator: float | None
    rank: int | None  # 1 = best by the direction (highest first for direction none)
    colour: str  # colours.quartile_colours: green/yellow/red/grey/none
    funnel_position: str  # colours.funnel_position, or "none" without a funnel
    funnel_colour: str  # green/red/within/none (95 % limits)
    source: str  # IndicatorValue.Source, "" when missing
    provenance: str
    preliminary: bool
    is_subject: bool
    suppressed: bool = False


@dataclass(frozen=True)
class FunnelLine:
    """Limits (in the indicator's unit, percent) at one denominator."""

    n: float
    lower95: float
    upper95: float
    lower998: float
    upper998: float


@dataclass(frozen=True)
class Funnel:
    p0: float  # percent: the reference value the limits are drawn around
    lines: list[FunnelLine]
    points: list[Member]  # members with value and denominator


@dataclass(frozen=True)
class TargetResult:
    value: float
    comparison: str  # IndicatorTarget.Comparison
    met: bool | None  # None when the subject has no value
    decision: str
    year: int | None  # None for a standing target


@dataclass(frozen=True)
class Comparison:
    indicator: Indicator
    municipality: str
    municipality_name: str
    year: int
    sex: str
    against: str
    group_key: str
    group_title: str
    group_year: int | None
    subject: Member
    members: list[Member]  # ranked (best first, missing last), subject included
    reference: float | None
    reference_label: str  # "Medelvärde för gruppen" / "Sammanvägd andel för gruppen" / "Riket"
    reference_provenance: str
    riket: float | None  # Riket's published value (area 0000), when there is one
    riket_provenance: str
    funnel: Funnel | None
    funnel_note: str  # why there is no funnel, when there is none
    target: TargetResult | None
    provenance: list[str] = field(default_factory=list)

    @property
    def period_label(self) -> str:
        return str(self.year)

    @property
    def has_values(self) -> bool:
        return any(m.value is not None for m in self.members)


@dataclass(frozen=True)
class SeriesPoint:
    """One year of a series: the subject's value, the group's reference (that year's group),
    Riket's published value, and why the reference is missing when it is."""

    year: int
    value: float | None
    value_provenance: str
    preliminary: bool
    reference: float | None
    reference_label: str
    reference_provenance: str
    riket: float | None
    riket_provenance: str
    group_key: str
    note: str


@dataclass(frozen=True)
class Tile:
    """The overview's card for one indicator: the value, last year's, the change, the rank
    colour against the similar group (or "none"), the target, a sparkline, provenance."""

    indicator: Indicator
    year: int
    value: float | None
    previous: float | None
    change: float | None
    colour: str
    target: TargetResult | None
    sparkline: list[tuple[int, float]]
    provenance: list[str]
    group_key: str
    note: str
