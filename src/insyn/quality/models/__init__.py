from insyn.quality.models.action_plans import ActionItem, ActionPlan, QualityReminderDigest
from insyn.quality.models.catalogues import (
    ComplaintTheme,
    DeviationCategory,
    LegalReference,
    RootCause,
)
from insyn.quality.models.complaints import Complaint
from insyn.quality.models.deviations import Deviation
from insyn.quality.models.lex_sarah import LexSarahReport
from insyn.quality.models.settings import DiarySeries, QualitySettings

__all__ = [
    "ActionItem",
    "ActionPlan",
    "Complaint",
    "ComplaintTheme",
    "Deviation",
    "DeviationCategory",
    "DiarySeries",
    "LegalReference",
    "LexSarahReport",
    "QualityReminderDigest",
    "QualitySettings",
    "RootCause",
]
