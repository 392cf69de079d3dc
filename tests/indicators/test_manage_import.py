"""Import of manual key figures: the documented example file imports completely (CSV and the
same rows as XLSX); a second run changes nothing; every problem is reported with its row and
column and nothing at all is written (all or nothing); a unit outside scope gets the very
message of an unknown code; Swedish decimal comma; duplicates; future years; keys that are
unknown or not manual; a dry run writes nothing."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import Workbook

from insyn.accounts.models import User
from insyn.core.models import ChangeEntry
from insyn.core.roles import Role
from insyn.indicators.models import Indicator, IndicatorValue
from insyn.indicators.services import manual_import
from insyn.indicators.services.manual_import import import_values, parse_number
from tests.conftest import Staff, Tree
from tests.factories import user_with_role
from tests.indicators import manage_factories as f

pytestmark = pytest.mark.usefixtures("english")

EXAMPLE = (
    Path(__file__).resolve().parents[2]
    / "docs"
    / "import-examples"
    / "indicators"
    / "manual-key-figures.csv"
)
HEADER = "indicator;unit;year;sex;value\n"


@pytest.fixture
def lead(tree: Tree) -> Any:
    """A quality lead over all of Växjö (the example names AOV and VUX)."""
    return user_with_role(Role.QUALITY_LEAD, tree.vaxjo, username="lead_vaxjo")


@pytest.fixture
def indicators(lead: User) -> Any:
    return {
        key: f.indicator(lead, key=key, unit=unit)
        for key, unit in (
            ("staff-turnover", "percent"),
            ("sick-leave", "percent"),
            ("cost-per-case", "kr"),
            # the keys the demo makes, which the documented example uses
            ("personalomsattning", "percent"),
            ("sjukfranvaro", "percent"),
            ("kostnad_per_utredning", "kr"),
        )
    }


def _csv(text: str) -> bytes:
    return (HEADER + text).encode("utf-8")


def _issues(result: manual_import.ImportResult) -> list[tuple[int | None, str, str]]:
    return [(i.row, i.column, i.message) for i in result.issues]


def _nothing_written() -> None:
    assert not IndicatorValue.objects.exists()
    assert not ChangeEntry.objects.filter(object_type="indicators.indicatorvalue").exists()


def test_the_documented_example_imports_completely(
    tree: Tree, lead: User, indicators: dict[str, Indicator]
) -> None:
    result = import_values(actor=lead, filename=EXAMPLE.name, data=EXAMPLE.read_bytes())
    assert result.ok and result.applied, _issues(result)
    got = {
        (v.indicator.key, v.org_unit.code if v.org_unit else "", v.year, v.sex): v.value
        for v in IndicatorValue.objects.select_related("indicator", "org_unit")
    }
    assert got == {
        ("personalomsattning", "AOV", 2021, "T"): 21.4,
        ("sjukfranvaro", "AOV", 2021, "K"): 9.1,
        ("sjukfranvaro", "AOV", 2021, "M"): 6.3,
        ("kostnad_per_utredning", "BOF", 2022, "T"): 44900.0,
    }
    assert all(v.entered_by == lead and v.entered_at for v in IndicatorValue.objects.all())
    assert ChangeEntry.objects.filter(object_type="indicators.indicatorvalue").count() == 4
    # again: nothing changes
    again = import_values(actor=lead, filename=EXAMPLE.name, data=EXAMPLE.read_bytes())
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert ChangeEntry.objects.filter(object_type="indicators.indicatorvalue").count() == 4


def test_xlsx_with_the_same_rows_and_an_update(
    tree: Tree, lead: User, indicators: dict[str, Indicator]
) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["Indicator", "Unit", "Year", "Sex", "Value"])
    ws.append(["staff-turnover", "AOV", 2024, "T", 12.8])
    ws.append(["cost-per-case", "VUX", 2024, None, "48 500,5"])
    buffer = io.BytesIO()
    wb.save(buffer)
    result = import_values(actor=lead, filename="figures.xlsx", data=buffer.getvalue())
    assert result.applied, _issues(result)
    assert IndicatorValue.objects.get(indicator__key="cost-per-case").value == 48500.5
    changed = _csv("staff-turnover;AOV;2024;T;13\n")
    second = import_values(actor=lead, filename="x.csv", data=changed)
    assert (second.created, second.updated) == (0, 1)
    assert IndicatorValue.objects.get(indicator__key="staff-turnover").value == 13.0


def test_dry_run_counts_and_writes_nothing(
    tree: Tree, lead: User, indicators: dict[str, Indicator]
) -> None:
    result = import_values(
        actor=lead, filename=EXAMPLE.name, data=EXAMPLE.read_bytes(), dry_run=True
    )
    assert result.ok and not result.applied and result.created == 4
    _nothing_written()


def test_one_bad_row_writes_nothing_and_names_row_and_column(
    tree: Tree, lead: User, indicators: dict[str, Indicator]
) -> None:
    future = timezone.localdate().year + 1
    data = _csv(
        "staff-turnover;AOV;2023;T;14,2\n"  # row 2: fine
        "sick-leave;AOV;2024;T;101\n"  # 3: percent over 100
        f"sick-leave;AOV;{future};T;5\n"  # 4: future
        "nonexistent;AOV;2024;T;5\n"  # 5: unknown key
        "U31462;AOV;2024;T;5\n"  # 6: not manual
        "staff-turnover;IFO;2024;T;5\n"  # 7: Kalmar's unit (outside scope)
        "staff-turnover;NOPE;2024;T;5\n"  # 8: no such unit
        "staff-turnover;AOV;2023;T;14,2\n"  # 9: duplicate of row 2
        "staff-turnover;AOV;2022;X;abc\n"  # 10: bad sex, bad number
        "staff-turnover;AOV;tjugo;T;1\n"  # 11: bad year
    )
    f.catalogue_indicator(key="U31462")
    result = import_values(actor=lead, filename="figures.csv", data=data)
    issues = _issues(result)
    assert not result.ok and not result.applied
    assert (3, "value", "A percentage must lie between 0 and 100.") in issues
    assert (4, "year", f"{future} is in the future: enter figures for past years.") in issues
    assert (5, "indicator", "Unknown indicator key nonexistent.") in issues
    assert any(
        r == 6 and c == "indicator" and "not an indicator entered by hand" in m
        for r, c, m in issues
    )
    assert (7, "unit", "Unknown unit code IFO.") in issues
    assert (8, "unit", "Unknown unit code NOPE.") in issues  # the same message as out of scope
    assert (
        9,
        "indicator",
        "The same indicator, unit, year and sex is given twice (first in row 2).",
    ) in issues
    assert (10, "sex", "X is not allowed; use T, K or M.") in issues
    assert (10, "value", "Enter a number.") in issues
    assert (11, "year", "Enter a year, e.g. 2025.") in issues
    assert "figures.csv, row 3, column value" in str(result.issues[0])
    _nothing_written()


def test_out_of_scope_unit_reads_like_an_unknown_one(
    tree: Tree, staff: Staff, indicators: dict[str, Indicator]
) -> None:
    # the unit manager of VUX writes for VUX, not for AOV above it nor Kalmar
    result = import_values(
        actor=staff.unit_manager, filename="a.csv", data=_csv("staff-turnover;AOV;2024;T;1\n")
    )
    assert _issues(result) == [(2, "unit", "Unknown unit code AOV.")]
    ok = import_values(
        actor=staff.unit_manager, filename="a.csv", data=_csv("staff-turnover;VUX;2024;T;1\n")
    )
    assert ok.applied


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", [(1, "", "The file is empty; a header row is needed.")]),
        (HEADER.encode(), [(None, "", "The file holds no rows.")]),
        (b"indicator;unit;year;value;colour\n", [(1, "colour", "Unknown column.")]),
        (b"indicator;year;sex;value\n", [(1, "unit", "The column is missing.")]),
        (b"\xff\xfe\x00bad", [(None, "", "The file is not UTF-8 encoded text.")]),
    ],
)
def test_files_in_the_wrong_shape(
    tree: Tree, lead: User, indicators: dict[str, Indicator], data: bytes, expected: list[Any]
) -> None:
    result = import_values(actor=lead, filename="a.csv", data=data)
    assert _issues(result) == expected
    _nothing_written()


def test_not_a_workbook(tree: Tree, lead: User) -> None:
    result = import_values(actor=lead, filename="a.xlsx", data=b"not a zip")
    assert _issues(result) == [(None, "", "The file is not an XLSX workbook.")]


def test_too_large(tree: Tree, lead: User) -> None:
    result = import_values(actor=lead, filename="a.csv", data=b"x" * (manual_import.MAX_BYTES + 1))
    assert _issues(result) == [(None, "", "The file is larger than 2 MB.")]


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("12,5", 12.5),
        ("12.5", 12.5),
        ("1 234,5", 1234.5),
        ("1\u00a0234", 1234.0),
        ("−3", -3.0),
        ("0", 0.0),
        ("abc", None),
        ("1,2,3", None),
        ("1.234,5", None),
        ("NaN", None),
        ("inf", None),
    ],
)
def test_numbers_as_written_in_sweden(text: str, number: float | None) -> None:
    assert parse_number(text) == number
