from insyn.quality.models.action_plans import ActionItem, ActionPlan, QualityReminderDigest
from insyn.quality.models.catalogues import (
    ComplaintTheme,
    DeviationCategory,
    LegalReference,
    RootCause,
)
from insyn.quality.models.complaints import Complaint
from insyn.quality.models.control import (
    ControlCase,
    ControlRound,
    ReviewAnswer,
    ReviewCriterion,
    ReviewTemplate,
)
from insyn.quality.models.cycle import CalendarFeed, CycleActivity, CycleTask
from insyn.quality.models.deviations import Deviation
from insyn.quality.models.lex_sarah import LexSarahReport
from insyn.quality.models.non_executed import (
    IvoPseudonym,
    NonExecutedDecision,
    NonExecutedOffer,
    NonExecutedReportRecord,
    NonExecutedWarning,
)
from insyn.quality.models.risks import Risk, RiskAnalysis, RiskAssessment, Treatment
from insyn.quality.models.settings import DiarySeries, QualitySettings

__all__ = [
    "ActionItem",
    "ActionPlan",
    "CalendarFeed",
    "Complaint",
    "ComplaintTheme",
    "ControlCase",
    "ControlRound",
    "CycleActivity",
    "CycleTask",
    "Deviation",
    "DeviationCategory",
    "DiarySeries",
    "IvoPseudonym",
    "LegalReference",
    "LexSarahReport",
    "NonExecutedDecision",
    "NonExecutedOffer",
    "NonExecutedReportRecord",
    "NonExecutedWarning",
    "QualityReminderDigest",
    "QualitySettings",
    "ReviewAnswer",
    "ReviewCriterion",
    "ReviewTemplate",
    "Risk",
    "RiskAnalysis",
    "RiskAssessment",
    "RootCause",
    "Treatment",
]
