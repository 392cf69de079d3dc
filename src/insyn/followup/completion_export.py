"""The completion tables as one file (insyn.core.exports): a row per unit, then a row per
responsible case worker, with due / done / not done / open and the completion share (whole per
cent for people, a fraction for programs), and the period on the About sheet."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from django.utils.translation import pgettext_lazy

from insyn.core import exports as files
from insyn.followup.selectors import CompletionRow

COLUMNS = [
    files.Column("level", pgettext_lazy("completion export", "Table")),
    files.Column("name", pgettext_lazy("completion export", "Unit or case worker")),
    files.Column("due", pgettext_lazy("completion export", "Were due"), "count"),
    files.Column("done", pgettext_lazy("completion export", "Done"), "count"),
    files.Column("missed", pgettext_lazy("completion export", "Not done (non-response)"), "count"),
    files.Column("open", pgettext_lazy("completion export", "Still open"), "count"),
    files.Column("completion", pgettext_lazy("completion export", "Completion"), "share"),
]
LEVELS = {
    "unit": pgettext_lazy("completion export", "Per unit"),
    "worker": pgettext_lazy("completion export", "Per case worker"),
}


def records(
    by_unit: Sequence[CompletionRow], by_worker: Sequence[CompletionRow]
) -> Iterator[list[Any]]:
    for level, rows in (("unit", by_unit), ("worker", by_worker)):
        for r in rows:
            yield [
                files.Labelled(level, LEVELS[level]),
                r.label,
                r.due,
                r.done,
                r.missed,
                r.open,
                r.rate,
            ]


def sheet(
    by_unit: Sequence[CompletionRow],
    by_worker: Sequence[CompletionRow],
    date_from: dt.date,
    date_to: dt.date,
) -> files.Sheet:
    period = f"{date_from.isoformat()} – {date_to.isoformat()}"
    about = [(str(pgettext_lazy("completion export", "Due in the period")), period)]
    return files.Sheet(
        str(pgettext_lazy("completion export", "Completion")),
        COLUMNS,
        records(by_unit, by_worker),
        about,
    )
