"""The validation report: what each sheet would create, update or leave unchanged, and every
problem with its file, row and column.

Messages never carry a personal identity number: anything that looks like one is masked, so
a report can be shown, stored and printed safely whatever a cell contained.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

_NUMBER_LIKE = re.compile(r"(?<!\d)(?:\d{2})?\d{6}[-+ ]?\d{4}(?!\d)")


# Sheets whose records are not their rows: the measurements sheet is applied occasion by
# occasion (all rows of one programme, intervention and stage are one occasion).
OCCASION_SHEETS = frozenset({"measurements"})


def progress_text(sheet: str, done: int, total: int) -> str:
    """The progress line, the same in the CLI and on the web page, counting what the apply
    step really counts: rows, or occasions for the measurements sheet."""
    numbers = {"sheet": sheet, "done": done, "total": total}
    if sheet in OCCASION_SHEETS:
        return _("Sheet %(sheet)s: %(done)s of %(total)s occasions.") % numbers
    return _("Sheet %(sheet)s: %(done)s of %(total)s rows.") % numbers


def problems_text(count: int) -> str:
    return ngettext(
        "%(n)s problem found; nothing was imported.",
        "%(n)s problems found; nothing was imported.",
        count,
    ) % {"n": count}


def scrub(text: str) -> str:
    """Mask anything shaped like a personnummer (10 or 12 digits, optional separator)."""
    return _NUMBER_LIKE.sub("[…]", str(text))


@dataclass
class Issue:
    file: str
    row: int | None
    column: str
    message: str

    def __post_init__(self) -> None:
        self.message = scrub(self.message)

    def where(self) -> str:
        parts = [self.file] if self.file else []
        if self.row is not None:
            parts.append(_("row %(n)s") % {"n": self.row})
        if self.column:
            parts.append(_("column %(c)s") % {"c": self.column})
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: {self.message}" if where else self.message


@dataclass
class SheetCount:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class Report:
    files: list[str] = field(default_factory=list)
    counts: dict[str, SheetCount] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    dry_run: bool = False
    applied: bool = False

    MAX_ISSUES = 1000

    @property
    def ok(self) -> bool:
        return not self.issues

    def add(self, file: str, row: int | None, column: str, message: str) -> None:
        if len(self.issues) < self.MAX_ISSUES:
            self.issues.append(Issue(file, row, column, message))

    def count(self, sheet: str) -> SheetCount:
        return self.counts.setdefault(sheet, SheetCount())

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "counts": {k: asdict(v) for k, v in self.counts.items()},
            "issues": [asdict(i) for i in self.issues],
            "dry_run": self.dry_run,
            "applied": self.applied,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        return cls(
            files=list(data.get("files", [])),
            counts={k: SheetCount(**v) for k, v in data.get("counts", {}).items()},
            issues=[Issue(**i) for i in data.get("issues", [])],
            dry_run=bool(data.get("dry_run")),
            applied=bool(data.get("applied")),
        )

    def summary_lines(self) -> list[str]:
        lines = []
        for sheet, c in self.counts.items():
            numbers = {"sheet": sheet, "rows": c.rows, "c": c.created, "u": c.updated}
            numbers["n"] = c.unchanged
            if sheet in OCCASION_SHEETS:
                text = _(
                    "%(sheet)s: %(rows)s rows; occasions: %(c)s new, %(u)s changed, %(n)s unchanged"
                )
            else:
                text = _("%(sheet)s: %(rows)s rows, %(c)s new, %(u)s changed, %(n)s unchanged")
            lines.append(text % numbers)
        return lines
