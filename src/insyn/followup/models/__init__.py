from insyn.followup.models.design import (
    Direction,
    Instrument,
    InstrumentItem,
    NonResponseReason,
    Option,
    OptionSet,
    Programme,
    ScoreBand,
    Stage,
    StageVariable,
    Variable,
)
from insyn.followup.models.records import Enrollment, Goal, Occasion, ReminderDigest, Value

__all__ = [
    "Direction",
    "Enrollment",
    "Goal",
    "Instrument",
    "InstrumentItem",
    "NonResponseReason",
    "Occasion",
    "Option",
    "OptionSet",
    "Programme",
    "ReminderDigest",
    "ScoreBand",
    "Stage",
    "StageVariable",
    "Value",
    "Variable",
]
