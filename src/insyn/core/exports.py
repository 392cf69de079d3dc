"""Files that Excel opens are safe from formula injection (ARCHITECTURE rule 8)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def excel_safe(value: Any) -> Any:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe.

    Numbers stay numbers: only strings are touched, so "-5" typed as text is escaped but the
    integer -5 is not.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_rows(
    header: Sequence[str], rows: Iterable[Sequence[Any]], *, delimiter: str = ","
) -> Iterator[str]:
    """Stream CSV lines (for StreamingHttpResponse), every cell formula-safe. `delimiter=";"`
    for files Swedish Excel splits into columns (with numbers in decimal comma)."""
    writer = csv.writer(_Echo(), delimiter=delimiter)
    yield "\ufeff"  # BOM, so Excel opens UTF-8 with å, ä, ö intact
    yield writer.writerow([excel_safe(h) for h in header])
    for row in rows:
        yield writer.writerow(["" if v is None else excel_safe(v) for v in row])
