"""The access report as JSON (machine-readable, GDPR art. 20's spirit) and as PDF.

Both come from one `AccessReport`; the PDF is the HTML of `access_reports/document.html`
rendered by WeasyPrint (no network; the fonts of the OS), as the lex Sarah notification is.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils import timezone

from insyn.access_reports.selectors import AccessReport, LogLine

SCHEMA = "insyn-access-report"
SCHEMA_VERSION = 1


def formatted_number(number12: str) -> str:
    """ "19800517-1234": the spelling a person recognises."""
    return f"{number12[:8]}-{number12[8:]}"


def _line(line: LogLine) -> dict[str, Any]:
    data = asdict(line)
    data["at"] = timezone.localtime(line.at).isoformat()
    if line.kind == "access":
        for key in ("changed", "before", "after"):
            data.pop(key)
    else:
        data.pop("purpose")
        data.pop("change_text")
    return data


def as_data(report: AccessReport) -> dict[str, Any]:
    identity = report.identity
    return {
        "document": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "produced_at": timezone.localtime(report.produced_at).isoformat(),
        "municipality": {"code": report.municipality.code, "name": report.municipality.name},
        "person": {
            "personal_identity_number": formatted_number(identity.number),
            "coordination_number": identity.coordination,
            "birth_date": identity.birth_date.isoformat(),
        },
        "found": report.found,
        "sections": [
            {
                "key": section.key,
                "title": section.title,
                "records": [
                    {
                        "kind": r.kind,
                        "id": r.id,
                        "title": r.title,
                        "fields": [asdict(f) for f in r.fields],
                    }
                    for r in section.records
                ],
            }
            for section in report.sections
        ],
        "reads": [_line(line) for line in report.reads],
        "changes": [_line(line) for line in report.changes],
    }


def to_json(report: AccessReport) -> bytes:
    text = json.dumps(as_data(report), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    return text.encode("utf-8")


def to_html(report: AccessReport) -> str:
    return render_to_string(
        "access_reports/document.html",
        {
            "report": report,
            "number": formatted_number(report.identity.number),
            "produced_at": timezone.localtime(report.produced_at),
        },
    )


def to_pdf(report: AccessReport) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=to_html(report)).write_pdf())
