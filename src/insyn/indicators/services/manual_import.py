"""Import of manual key figures from one CSV or XLSX file: columns `indicator` (key), `unit`
(org-unit code), `year`, `sex` (T, K or M; empty means T) and `value` (Swedish decimal comma
accepted). Documented in docs/indicators.md; the example is in docs/import-examples/indicators/
(a folder of its own: the imports app reads every CSV directly in docs/import-examples/).

All or nothing: every row is read and checked first, and each problem is reported at its file,
row and column in the house style of the imports app (`insyn.imports.report.Issue`). Only a
file without problems is written, in one transaction, through the manual-value services (so
every row gets its change entry). A row for a value that exists updates it; the same value
again is left unchanged. A unit outside the user's scope gets the very message an unknown code
gets."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from insyn.core.validation import has_control_characters, parse_int
from insyn.imports.report import Issue
from insyn.indicators.models import Indicator, IndicatorValue
from insyn.indicators.periods import YEAR, year_period
from insyn.indicators.selectors import manage as selectors
from insyn.indicators.services import manual
from insyn.organisations.models import OrgUnit

if TYPE_CHECKING:
    from insyn.indicators.services.manual import Actor

COLUMNS = ("indicator", "unit", "year", "sex", "value")
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 10_000
MAX_CELL = 200


@dataclass
class Planned:
    row: int
    indicator: Indicator
    unit: OrgUnit
    year: int
    sex: str
    value: float
    existing: IndicatorValue | None = None
    change: str = ""  # create / update / unchanged, fixed when checked (before any write)

    def __post_init__(self) -> None:
        if self.existing is None:
            self.change = "create"
        else:
            self.change = "unchanged" if self.existing.value == self.value else "update"


@dataclass
class ImportResult:
    file: str
    planned: list[Planned] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.issues

    def count(self, change: str) -> int:
        return sum(1 for p in self.planned if p.change == change)

    @property
    def created(self) -> int:
        return self.count("create")

    @property
    def updated(self) -> int:
        return self.count("update")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _lines(result: ImportResult, filename: str, data: bytes) -> list[list[str]] | None:
    if len(data) > MAX_BYTES:
        result.issues.append(
            Issue(result.file, None, "", _("The file is larger than %(mb)s MB.") % {"mb": 2})
        )
        return None
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for a file that is not a workbook
            result.issues.append(
                Issue(result.file, None, "", _("The file is not an XLSX workbook."))
            )
            return None
        try:
            sheet = workbook.worksheets[0]
            return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        finally:
            workbook.close()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.issues.append(Issue(result.file, None, "", _("The file is not UTF-8 encoded text.")))
        return None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") and ";" in first else ","
    try:
        return [
            [c.strip() for c in row]
            for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        ]
    except csv.Error:
        result.issues.append(Issue(result.file, None, "", _("The file cannot be read as CSV.")))
        return None


def _header(result: ImportResult, header: list[str]) -> dict[int, str] | None:
    names = [h.strip().lower() for h in header]
    ok = True
    for name in names:
        if name and name not in COLUMNS:
            result.issues.append(Issue(result.file, 1, name, _("Unknown column.")))
            ok = False
    for name in COLUMNS:
        if name not in names:
            if name == "sex":
                continue
            result.issues.append(Issue(result.file, 1, name, _("The column is missing.")))
            ok = False
    for name in sorted({n for n in names if n and names.count(n) > 1}):
        result.issues.append(Issue(result.file, 1, name, _("The column appears twice.")))
        ok = False
    return {i: n for i, n in enumerate(names) if n} if ok else None


def parse_number(text: str) -> float | None:
    """A number as people write it in Sweden or in English: `12,5`, `12.5`, `1 234,5`."""
    cleaned = text.replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    cleaned = cleaned.replace("\u2212", "-")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        return None
    return float(number) if number.is_finite() else None


class _Rows:
    def __init__(self, result: ImportResult, actor: Actor) -> None:
        self.result = result
        self.actor = actor
        self.indicators = {i.key.lower(): i for i in Indicator.objects.all()}
        self.seen: dict[tuple[int, int, int, str], int] = {}
        self.this_year = timezone.localdate().year

    def error(self, row: int, column: str, message: str) -> None:
        self.result.issues.append(Issue(self.result.file, row, column, message))

    def indicator(self, n: int, text: str) -> Indicator | None:
        if not text:
            self.error(n, "indicator", _("A value is required."))
            return None
        found = self.indicators.get(text.lower())
        if found is None:
            self.error(n, "indicator", _("Unknown indicator key %(key)s.") % {"key": text})
        elif found.source != Indicator.Source.MANUAL or not found.active:
            self.error(
                n,
                "indicator",
                _("%(key)s is not an indicator entered by hand; its values cannot be imported.")
                % {"key": text},
            )
            return None
        return found

    def unit(self, n: int, text: str) -> OrgUnit | None:
        if not text:
            self.error(n, "unit", _("A value is required."))
            return None
        found = selectors.unit_by_code(self.actor, text)
        if found is None:  # unknown, ambiguous or outside scope: one answer
            self.error(n, "unit", _("Unknown unit code %(code)s.") % {"code": text})
        return found

    def year(self, n: int, text: str) -> int | None:
        year = parse_int(text) if text else None
        if year is None or year < manual.FIRST_YEAR:
            self.error(n, "year", _("Enter a year, e.g. 2025."))
            return None
        if year > self.this_year:
            self.error(
                n,
                "year",
                _("%(year)s is in the future: enter figures for past years.") % {"year": year},
            )
            return None
        return year

    def sex(self, n: int, text: str) -> str | None:
        value = (text or "T").upper()
        if value not in IndicatorValue.Sex.values:
            self.error(n, "sex", _("%(value)s is not allowed; use T, K or M.") % {"value": text})
            return None
        return value

    def value(self, n: int, text: str, indicator: Indicator | None) -> float | None:
        if not text:
            self.error(n, "value", _("A value is required."))
            return None
        number = parse_number(text)
        if number is None:
            self.error(n, "value", _("Enter a number."))
            return None
        if indicator is not None:
            errors: dict[str, list[str]] = {}
            manual.check_value(indicator, number, errors)
            for message in errors.get("value", []):
                self.error(n, "value", message)
            if errors:
                return None
        return number

    def check(self, n: int, cells: dict[str, str]) -> None:
        indicator = self.indicator(n, cells.get("indicator", ""))
        unit = self.unit(n, cells.get("unit", ""))
        year = self.year(n, cells.get("year", ""))
        sex = self.sex(n, cells.get("sex", ""))
        value = self.value(n, cells.get("value", ""), indicator)
        if indicator is None or unit is None or year is None or sex is None or value is None:
            return
        key = (indicator.pk, unit.pk, year, sex)
        if key in self.seen:
            self.error(
                n,
                "indicator",
                _("The same indicator, unit, year and sex is given twice (first in row %(n)s).")
                % {"n": self.seen[key]},
            )
            return
        self.seen[key] = n
        existing = IndicatorValue.objects.filter(
            indicator=indicator,
            org_unit=unit,
            period_kind=YEAR,
            period_end=year_period(year).end,
            sex=sex,
            source=IndicatorValue.Source.MANUAL,
        ).first()
        self.result.planned.append(Planned(n, indicator, unit, year, sex, value, existing))


def validate(*, actor: Actor, filename: str, data: bytes) -> ImportResult:
    """Read and check every row; write nothing."""
    result = ImportResult(file=Path(filename).name or "import")
    lines = _lines(result, filename, data)
    if lines is None:
        return result
    if not lines:
        result.issues.append(
            Issue(result.file, 1, "", _("The file is empty; a header row is needed."))
        )
        return result
    positions = _header(result, lines[0])
    if positions is None:
        return result
    rows = _Rows(result, actor)
    count = 0
    for n, line in enumerate(lines[1:], start=2):
        if not any(line):
            continue
        count += 1
        if count > MAX_ROWS:
            result.issues.append(Issue(result.file, n, "", _("Too many rows in one file.")))
            break
        if len(line) > len(lines[0]) and any(line[len(lines[0]) :]):
            rows.error(n, "", _("The row has more cells than the header."))
            continue
        bad = [c for c in line if len(c) > MAX_CELL or has_control_characters(c)]
        if bad:
            rows.error(n, "", _("A cell is too long or contains control characters."))
            continue
        rows.check(n, {name: line[i] if i < len(line) else "" for i, name in positions.items()})
    if count == 0 and result.ok:
        result.issues.append(Issue(result.file, None, "", _("The file holds no rows.")))
    return result


@transaction.atomic
def import_values(
    *, actor: Actor, filename: str, data: bytes, dry_run: bool = False
) -> ImportResult:
    """Validate, then (unless `dry_run` or there is a problem) write every row."""
    result = validate(actor=actor, filename=filename, data=data)
    if dry_run or not result.ok:
        return result
    for p in result.planned:
        if p.existing is None:
            manual.manual_value_create(
                actor=actor,
                indicator=p.indicator,
                org_unit=p.unit,
                year=p.year,
                sex=p.sex,
                value=p.value,
            )
        elif p.change == "update":
            manual.manual_value_update(actor=actor, row=p.existing, value=p.value)
    result.applied = True
    return result
