"""Producing a person's access report (registerutdrag): check the duty, gather, render, log.

Producing is itself an export of the person's data, so it leaves an access entry of kind
`export` per client row found (the entry carries the client and the org paths of its units, so
every auditor of those units and of the municipality sees that the report was made, by whom,
in which format). When the municipality holds nothing about the number the entry names no one
and sits at the municipality. The number itself is never written anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from insyn.access_reports import render
from insyn.access_reports.selectors import AccessReport, access_report, may_report
from insyn.clients.models import Client
from insyn.core.audit import record_access
from insyn.core.identity import parse_identity
from insyn.organisations.models import OrgUnit

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from insyn.accounts.models import User

FORMATS = ("pdf", "json")
CONTENT_TYPES = {"pdf": "application/pdf", "json": "application/json"}
PURPOSE = "access_report"


@dataclass(frozen=True)
class ProducedReport:
    content: bytes
    content_type: str
    filename: str
    report: AccessReport


@transaction.atomic
def access_report_produce(
    *,
    actor: User | AnonymousUser | None,
    municipality: OrgUnit,
    personnummer: str,
    fmt: str,
    via: str = "web",
) -> ProducedReport:
    """The report of the person with `personnummer` in `municipality`, as `fmt`.

    Raises ValidationError for a number that is not valid (nothing is read, written or
    logged) and PermissionDenied without the duty over the municipality. `actor` None is the
    system (the CLI)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    if not may_report(actor, municipality):
        raise PermissionDenied
    identity = parse_identity(personnummer)
    report = access_report(municipality, identity)
    content = render.to_pdf(report) if fmt == "pdf" else render.to_json(report)
    detail = {
        "document": PURPOSE,
        "format": fmt,
        "via": via,
        "municipality": municipality.code,
        "records": report.record_count(),
        "reads": len(report.reads),
        "changes": len(report.changes),
    }
    clients = list(Client.objects.filter(pk__in=report.client_ids).select_related("unit"))
    record_access(
        actor=actor,
        action="export",
        objects=clients,
        model=Client,
        purpose=PURPOSE,
        detail=detail,
        org_path=municipality.path,
    )
    stamp = timezone.localdate().strftime("%Y%m%d")
    return ProducedReport(
        content=content,
        content_type=CONTENT_TYPES[fmt],
        filename=f"registerutdrag-{municipality.code}-{stamp}.{fmt}",
        report=report,
    )
