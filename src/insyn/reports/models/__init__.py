from insyn.reports.models.report import Report, ReportFile

__all__ = ["Report", "ReportFile"]
