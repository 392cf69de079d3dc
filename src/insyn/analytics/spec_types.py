"""The shapes of a programme's codebook (its stages and variables as the analysis sees them).

They live below both `specs` (which builds them from the follow-up tables) and `frames.sources`
(whose registered sources add variables to them), so neither has to import the other's module
to name them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from insyn.followup.models import Variable

T = Variable.Type
NUMERIC = {T.INTEGER, T.DECIMAL, T.INSTRUMENT}
CATEGORICAL = {T.SINGLE, T.BOOLEAN}


@dataclass(frozen=True)
class OptionSpec:
    code: str
    label: str
    is_missing: bool = False
    value: float | None = None


@dataclass(frozen=True)
class BandSpec:
    sex: str  # "" applies to everyone
    min_score: float
    max_score: float
    code: str
    label: str
    rank: int = 0


@dataclass(frozen=True)
class VariableSpec:
    key: str
    label: str
    type: str
    stages: tuple[str, ...]
    options: tuple[OptionSpec, ...] = ()
    bands: tuple[BandSpec, ...] = ()
    unit: str = ""
    direction: str = ""  # "lower" or "higher" is better; "" unknown
    is_main_measure: bool = False
    help_text: str = ""
    source: str = "programme"
    ids: tuple[int, ...] = ()  # Variable ids across versions (programme variables only)

    @property
    def is_numeric(self) -> bool:
        return self.type in NUMERIC

    @property
    def is_categorical(self) -> bool:
        return self.type in CATEGORICAL

    def column(self, stage: str) -> str:
        return f"{self.key}__{stage}"

    def band_column(self, stage: str) -> str:
        return f"{self.key}_band__{stage}"

    def option_column(self, stage: str, code: str) -> str:
        return f"{self.key}__{stage}__{code}"

    def band_codes(self) -> list[str]:
        seen: dict[str, None] = {}
        for band in sorted(self.bands, key=lambda b: (b.rank, b.min_score)):
            seen[band.code] = None
        return list(seen)

    def band_label(self, code: str) -> str:
        return next((b.label for b in self.bands if b.code == code), code)


@dataclass(frozen=True)
class StageSpec:
    key: str
    name: str
    kind: str
    ids: tuple[int, ...] = ()


@dataclass
class ProgrammeSpec:
    key: str
    name: str
    versions: dict[int, int]  # programme id -> version number
    stages: list[StageSpec]
    variables: list[VariableSpec]
    fingerprint: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def programme_ids(self) -> list[int]:
        return sorted(self.versions)

    def variable(self, key: str) -> VariableSpec | None:
        return next((v for v in self.variables if v.key == key), None)

    def stage(self, key: str) -> StageSpec | None:
        return next((s for s in self.stages if s.key == key), None)

    def stage_index(self, key: str) -> int:
        return [s.key for s in self.stages].index(key)
