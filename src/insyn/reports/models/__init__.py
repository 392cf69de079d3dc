from insyn.reports.models.report import Report, ReportFile
from insyn.reports.models.template import ReportTemplate

__all__ = ["Report", "ReportFile", "ReportTemplate"]
