from insyn.reports.models.build import ReportBuild
from insyn.reports.models.report import Report, ReportFile

__all__ = ["Report", "ReportBuild", "ReportFile"]
