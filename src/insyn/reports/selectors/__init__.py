"""Reads of reports: the reports a user may see, the units they may write one for, and the
difference between an approved report's frozen figures and today's live values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from insyn.core.roles import Action
from insyn.organisations.models import OrgUnit
from insyn.reports.document import Chart, Document, Paragraph, Table
from insyn.reports.models import Report, ReportBuild

if TYPE_CHECKING:
    from insyn.accounts.models import User


def reports_for(user: User) -> QuerySet[Report]:
    return Report.objects.restrict(user, Action.VIEW_QUALITY).select_related("unit", "municipality")


def report_for(user: User, pk: int) -> Report:
    """The report if the user may see it; Report.DoesNotExist otherwise (the same 404)."""
    return reports_for(user).get(pk=pk)


def writable_units(user: User) -> QuerySet[OrgUnit]:
    return (
        OrgUnit.objects.restrict(user, Action.HANDLE_QUALITY)
        .filter(kind__in=[OrgUnit.Kind.MUNICIPALITY, OrgUnit.Kind.ADMINISTRATION])
        .exclude(municipality=None)
        .order_by("path")
    )


@dataclass(frozen=True)
class Difference:
    block: str
    where: str  # row and column, or "text"
    frozen: str
    live: str


def _cells(doc: Document) -> dict[tuple[str, str, str], str]:
    out: dict[tuple[str, str, str], str] = {}
    for block in doc.blocks():
        n = 0
        for item in block.items:
            if isinstance(item, Table | Chart):
                table = item.table if isinstance(item, Chart) else item
                for row in table.rows:
                    label = row[0].text if row else ""
                    for col, cell in zip(table.columns[1:], row[1:], strict=False):
                        out[(block.title or block.id, f"{table.caption}: {label}, {col}", "")] = (
                            cell.text
                        )
            elif isinstance(item, Paragraph):
                for run in item.runs:
                    if run.figure:
                        n += 1
                        out[(block.title or block.id, f"#{n}", "")] = run.text
    return out


def differences(frozen: Document, live: Document) -> list[Difference]:
    """Figures of the frozen document whose live value differs today."""
    a, b = _cells(frozen), _cells(live)
    return [
        Difference(block=k[0], where=k[1], frozen=v, live=b.get(k, "–"))
        for k, v in a.items()
        if b.get(k, "–") != v
    ]


def builds_of(report: Report, limit: int = 6) -> list[ReportBuild]:
    """The report's newest builds, without their files."""
    return list(report.builds.defer("content").select_related("requested_by")[:limit])


def build_for(
    user: User, report_pk: int, build_pk: int, *, with_content: bool = False
) -> ReportBuild:
    """A build of a report the user may see; ReportBuild.DoesNotExist otherwise (one 404)."""
    qs = ReportBuild.objects.restrict(user, Action.VIEW_QUALITY).select_related(
        "report", "report__municipality"
    )
    if not with_content:
        qs = qs.defer("content")
    return qs.get(report_id=report_pk, pk=build_pk)


# --- the public pages (no login): only what was published, read from the frozen document ---


def public_municipality(code: str) -> OrgUnit | None:
    """The active municipality with this code (None: the same 404 as any missing page)."""
    return OrgUnit.objects.filter(code=code, kind=OrgUnit.Kind.MUNICIPALITY, active=True).first()


def published_reports(municipality: OrgUnit) -> QuerySet[Report]:
    """The municipality's published reports (approved, frozen, public template), newest first.
    Public data by construction: nothing here is restricted to a user."""
    return (
        Report.objects.filter(
            municipality=municipality,
            status=Report.Status.APPROVED,
            published_at__isnull=False,
            frozen_document__isnull=False,
            template__audience="public",
        )
        .select_related("unit")
        .order_by("-year", "-published_at", "pk")
    )


def published_report(municipality: OrgUnit, pk: int) -> Report:
    """One published report of the municipality; Report.DoesNotExist for anything else."""
    return published_reports(municipality).get(pk=pk)
