from insyn.indicators.models.catalogue import (
    PROVENANCE_COMPUTED,
    PROVENANCE_KOLADA,
    PROVENANCE_KOLADA_DERIVED,
    PROVENANCE_MANUAL,
    PROVENANCE_SYNTHETIC,
    Indicator,
    QualityDimension,
)
from insyn.indicators.models.groups import ComparisonGroup
from insyn.indicators.models.kolada import (
    KoladaKpi,
    KoladaMunicipality,
    KoladaSnapshot,
    KoladaValueChange,
)
from insyn.indicators.models.oj import (
    OjDataQualityCheck,
    OjDeepAnalysis,
    OjPriority,
    OjProposal,
    OjPublication,
    OjQuickAnalysis,
    OjResult,
)
from insyn.indicators.models.targets import IndicatorTarget
from insyn.indicators.models.values import IndicatorValue

__all__ = [
    "PROVENANCE_COMPUTED",
    "PROVENANCE_KOLADA",
    "PROVENANCE_KOLADA_DERIVED",
    "PROVENANCE_MANUAL",
    "PROVENANCE_SYNTHETIC",
    "ComparisonGroup",
    "Indicator",
    "IndicatorTarget",
    "IndicatorValue",
    "KoladaKpi",
    "KoladaMunicipality",
    "KoladaSnapshot",
    "KoladaValueChange",
    "OjDataQualityCheck",
    "OjDeepAnalysis",
    "OjPriority",
    "OjProposal",
    "OjPublication",
    "OjQuickAnalysis",
    "OjResult",
    "QualityDimension",
]
