from insyn.reports.models.build import ReportBuild
from insyn.reports.models.report import Report, ReportFile
from insyn.reports.models.template import ReportTemplate

__all__ = ["Report", "ReportBuild", "ReportFile", "ReportTemplate"]
