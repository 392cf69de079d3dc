"""Analysis results as files: CSV, JSON and XLSX with the documented columns (group columns,
n and the measures, `suppressed`). The CSV comes in the two flavours of insyn.core.exports (machine
CSV with English keys and codes; Swedish CSV for Excel with Swedish headers, names and the page's
rounding); the XLSX is the Swedish table with numeric cells. A before/after table carries the
"change, not effect" caveat as the CSVs' first comment line and on the XLSX's About sheet."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import IO, Any

from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from insyn.analytics.aggregate import AnalysisResult
from insyn.analytics.dimensions import ALL_CODE, Labeller
from insyn.core import exports as files
from insyn.core.suppression import TOTAL

KINDS = {"count": "count", "number": "number", "share": "share", "p": "p"}
BOUNDS = {
    "share_low": gettext_lazy("{label}, 95% CI low"),
    "share_high": gettext_lazy("{label}, 95% CI high"),
}
ABOUT_LABELS = {
    "programme": pgettext_lazy("export", "Programme"),
    "variable": pgettext_lazy("export", "Variable"),
    "variable_label": pgettext_lazy("export", "Variable name"),
    "stage": pgettext_lazy("export", "Stage"),
    "compare": pgettext_lazy("export", "Compared stages"),
    "by": pgettext_lazy("export", "Broken down by"),
    "age_groups": pgettext_lazy("export", "Age groups"),
    "from": pgettext_lazy("export", "From"),
    "to": pgettext_lazy("export", "To"),
    "programme_versions": pgettext_lazy("export", "Programme versions"),
    "min_cell": pgettext_lazy("export", "Smallest group shown"),
    "caveat": pgettext_lazy("export", "Note"),
    "notes": pgettext_lazy("export", "Notes"),
}


def header(result: AnalysisResult) -> list[str]:
    return [d.key for d in result.dimensions] + [c.key for c in result.columns] + ["suppressed"]


def columns(result: AnalysisResult) -> list[files.Column]:
    """The file columns: the groups, every measure (shares and their interval bounds in per
    cent, means with one decimal, as on the page), and whether the row is hidden."""
    out = [files.Column(d.key, d.label) for d in result.dimensions]
    for c in result.columns:
        label = format_lazy(BOUNDS[c.kind], label=c.label) if c.kind in BOUNDS else c.label
        out.append(files.Column(c.key, label, KINDS.get(c.kind, "share")))
    out.append(files.Column("suppressed", gettext_lazy("Hidden (small group)")))
    return out


def records(result: AnalysisResult, labeller: Labeller | None = None) -> Iterator[list[Any]]:
    """One list per row: group codes ("(all)" for a margin), the measures, suppressed."""
    labeller = labeller or Labeller()
    for row in result.rows:
        groups = [
            ALL_CODE if value is TOTAL else labeller.code(dim, value)
            for dim, value in zip(result.dimensions, row.group, strict=True)
        ]
        yield [*groups, *(row.values.get(c.key) for c in result.columns), row.suppressed]


def labelled_records(result: AnalysisResult) -> Iterator[list[Any]]:
    """As `records`, with each group value both as its code (machines) and its name (people)."""
    labeller = Labeller()
    for row in result.rows:
        groups = [
            files.Labelled(ALL_CODE, gettext_lazy("All"))
            if value is TOTAL
            else files.Labelled(labeller.code(dim, value), labeller.name(dim, value))
            for dim, value in zip(result.dimensions, row.group, strict=True)
        ]
        yield [*groups, *(row.values.get(c.key) for c in result.columns), row.suppressed]


def comment(result: AnalysisResult) -> str:
    """The caveat line a before/after table carries in every file."""
    return result.caveat if result.mode == "compare" else ""


def csv_lines(result: AnalysisResult) -> Iterator[str]:
    """The machine CSV: English keys, codes, unrounded numbers."""
    return files.machine_csv(columns(result), labelled_records(result), comment=comment(result))


def swedish_csv_lines(result: AnalysisResult) -> Iterator[str]:
    """The CSV Swedish Excel opens: `;`, decimal comma, BOM, Swedish headers and names."""
    return files.swedish_csv(columns(result), labelled_records(result), comment=comment(result))


def sheet(result: AnalysisResult) -> files.Sheet:
    about_rows = [
        (
            str(ABOUT_LABELS.get(key, key)),
            ", ".join(map(str, value)) if isinstance(value, list) else str(value),
        )
        for key, value in about(result).items()
        if value not in (None, "", [])
    ]
    return files.Sheet(gettext("Analysis"), columns(result), labelled_records(result), about_rows)


def about(result: AnalysisResult) -> dict[str, Any]:
    """What the table answers, for the JSON envelope and the XLSX's second sheet."""
    request = result.request
    return {
        "programme": result.programme.key,
        "variable": result.variable.key,
        "variable_label": result.variable.label,
        "stage": None if request.compare else (request.stage or result.variable.stages[0]),
        "compare": list(request.compare) if request.compare else None,
        "by": list(request.by),
        "age_groups": ",".join(b.label for b in request.age_bins),
        "from": request.date_from.isoformat() if request.date_from else None,
        "to": request.date_to.isoformat() if request.date_to else None,
        "programme_versions": list(request.versions),
        "min_cell": result.min_cell,
        "caveat": result.caveat,
        "notes": result.notes,
    }


def json_document(result: AnalysisResult) -> dict[str, Any]:
    names = header(result)
    return {
        **about(result),
        "columns": names,
        "rows": [dict(zip(names, r, strict=True)) for r in records(result)],
    }


def json_text(result: AnalysisResult) -> str:
    return json.dumps(json_document(result), ensure_ascii=False, indent=2)


def write_xlsx(result: AnalysisResult, target: IO[bytes] | str) -> None:
    files.write_xlsx(target, [sheet(result)], about_title=gettext("About"))


def xlsx_bytes(result: AnalysisResult) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(result, buffer)
    return buffer.getvalue()
