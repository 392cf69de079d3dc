"""`insyn quality evb --quarter 2026Q3 --municipality CODE --format csv|xlsx|pdf [--summary]
[--output FILE]`: the quarter's individual list for IVO (ej verkställda beslut), or with
--summary the de-identified quarterly report for the council and the auditors. The same
computation as the pages and the API; run as the system (the whole municipality). Without
--output, CSV goes to standard output; XLSX and PDF need --output (binary)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from insyn.clients.models import Decision
from insyn.core.audit import record_access
from insyn.organisations.models import OrgUnit
from insyn.quality.selectors import non_executed as sel
from insyn.quality.selectors import non_executed_report as rep
from insyn.quality.selectors.non_executed_summary import quarter_summary
from insyn.quality.services import non_executed_export as export


def add_parsers(sub: Any) -> None:
    p = sub.add_parser(
        "evb",
        help="Non-executed decisions (ej verkställda beslut): IVO list or quarterly summary.",
    )
    p.add_argument("--quarter", required=True, help="The quarter, e.g. 2026Q3.")
    p.add_argument("--municipality", required=True, help="Municipality code, e.g. 0780.")
    p.add_argument("--format", default="csv", help="csv (default), xlsx or pdf.")
    p.add_argument("--summary", action="store_true", help="The de-identified quarterly report.")
    p.add_argument("--output", default="", help="Write to this file (needed for xlsx and pdf).")


def do_evb(command: BaseCommand, options: dict[str, Any]) -> None:
    fmt = str(options.get("format") or "csv").lower()
    if fmt not in export.FORMATS:
        raise CommandError(_("Unknown format %(f)s: use csv, xlsx or pdf.") % {"f": fmt})
    try:
        quarter = sel.parse_quarter(options.get("quarter"))
    except sel.QuarterError as exc:
        raise CommandError(str(exc)) from exc
    code = str(options.get("municipality") or "")
    municipality = OrgUnit.objects.filter(kind=OrgUnit.Kind.MUNICIPALITY, code=code).first()
    if municipality is None:
        raise CommandError(_("There is no municipality with the code %(code)s.") % {"code": code})
    output = str(options.get("output") or "")
    if fmt != "csv" and not output:
        raise CommandError(_("Give --output FILE for %(f)s.") % {"f": fmt})
    decisions = rep.municipality_decisions(municipality)
    if options.get("summary"):
        body = export.summary_file(quarter_summary(decisions, municipality, quarter), fmt)
    else:
        rows = rep.report_rows(sel.quarter_list(decisions, quarter), quarter)
        body = export.list_file(rows, quarter, municipality, fmt)
        record_access(
            actor=None,
            action="export",
            objects=list({r.decision.pk: r.decision for r in rows}.values()),
            model=Decision,
            org_path=municipality.path,
            purpose="insyn quality evb",
            detail={"quarter": quarter.label, "format": fmt},
        )
    if output:
        try:
            Path(output).write_bytes(body)
        except OSError as exc:
            raise CommandError(
                _("Could not write %(file)s: %(error)s") % {"file": output, "error": exc}
            ) from exc
        command.stdout.write(_("Wrote %(file)s.") % {"file": output})
    else:
        command.stdout.write(body.decode("utf-8").lstrip("\ufeff"), ending="")


HANDLERS: dict[str, Callable[[BaseCommand, dict[str, Any]], None]] = {"evb": do_evb}
