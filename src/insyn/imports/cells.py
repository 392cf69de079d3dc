"""Reading cells of the import files into values, each problem reported at its file, row and
column; and the catalogue and reference lookups the validation uses."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from insyn.clients.models import Provider
from insyn.clients.validators import clean_ref
from insyn.core.validation import parse_int
from insyn.imports.formats import Row, Table
from insyn.imports.report import Report
from insyn.organisations.models import OrgUnit

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Cells:
    """Parses one table's cells, reporting each problem at its file, row and column."""

    def __init__(self, report: Report, table: Table) -> None:
        self.report = report
        self.label = table.label
        self.bad_rows: set[int] = set()

    def error(self, row: Row, column: str, message: str) -> None:
        self.bad_rows.add(row.number)
        self.report.add(self.label, row.number, column, message)

    def text(self, row: Row, column: str, *, required: bool = False) -> str:
        value = row[column]
        if required and not value:
            self.error(row, column, _("A value is required."))
        return value

    def ref(self, row: Row, column: str, *, required: bool = True) -> str:
        try:
            return clean_ref(row[column], column, required=required)
        except ValidationError as exc:
            for message in exc.messages:
                self.error(row, column, message)
            return ""

    def date(self, row: Row, column: str, *, required: bool = False) -> dt.date | None:
        value = row[column]
        if not value:
            if required:
                self.error(row, column, _("A date is required."))
            return None
        try:
            if not ISO_DATE.match(value):
                raise ValueError(value)
            return dt.date.fromisoformat(value)
        except ValueError:
            self.error(row, column, _("%(value)s is not a date (YYYY-MM-DD).") % {"value": value})
            return None

    def count(self, row: Row, column: str) -> int | None:
        value = row[column].replace(" ", "")
        if not value:
            return None
        number = parse_int(value, maximum=2**31 - 1)
        if number is None:
            self.error(row, column, _("Enter a whole number, 0 or more."))
        return number

    def number(self, row: Row, column: str) -> float | None:
        value = row[column].replace(" ", "").replace(",", ".")
        if not value:
            return None
        try:
            return float(Decimal(value))
        except InvalidOperation:
            self.error(row, column, _("Enter a number."))
            return None

    def code(
        self,
        row: Row,
        column: str,
        lookup: dict[str, Any],
        *,
        required: bool = False,
    ) -> Any:
        value = row[column]
        if not value:
            if required:
                self.error(row, column, _("A code is required."))
            return None
        found = lookup.get(value) or lookup.get(value.lower())
        if found is None:
            self.error(row, column, _("Unknown code %(code)s.") % {"code": value})
        return found

    def choice(self, row: Row, column: str, allowed: list[str]) -> str:
        """One of `allowed`, compared without regard to case; "" when empty."""
        value = row[column]
        for option in allowed:
            if value.lower() == option.lower():
                return option
        if value:
            self.error(
                row,
                column,
                _("%(value)s is not allowed; use %(allowed)s.")
                % {"value": value, "allowed": ", ".join(allowed)},
            )
        return ""


def catalogue_codes(model: type[models.Model]) -> dict[str, Any]:
    rows = list(model._default_manager.all())
    table: dict[str, Any] = {}
    for obj in rows:
        code = str(obj.code)  # type: ignore[attr-defined]
        table[code] = obj
        table.setdefault(code.lower(), obj)
    return table


def provider_keys(municipality: OrgUnit) -> dict[str, Provider]:
    """Providers by code, and external ones also by organisation number."""
    table = catalogue_codes(Provider)
    for p in Provider.objects.filter(kind=Provider.Kind.EXTERNAL).exclude(org_number=""):
        table[p.org_number] = p
        table[p.org_number.replace("-", "")] = p
    return table


def unit_codes(municipality: OrgUnit) -> dict[str, Any]:
    units: dict[str, Any] = {}
    below = OrgUnit.objects.filter(path__startswith=municipality.path).exclude(pk=municipality.pk)
    for unit in below:
        units[unit.code] = None if unit.code in units else unit  # None: ambiguous
    return units


def existing_refs(model: type[models.Model], field_name: str, municipality: OrgUnit) -> set[str]:
    return set(
        model._default_manager.filter(municipality=municipality).values_list(field_name, flat=True)
    )


def report_duplicates(
    cells: Cells, rows: list[Row], column: str, key: Callable[[Row], str]
) -> None:
    seen: dict[str, int] = {}
    for row in rows:
        k = key(row)
        if not k:
            continue
        if k in seen:
            cells.error(row, column, _("Given twice (first in row %(n)s).") % {"n": seen[k]})
        else:
            seen[k] = row.number
