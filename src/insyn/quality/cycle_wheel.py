"""Geometry of the year drawn as a wheel (årshjul): twelve month sectors clockwise from the
top, each task a marker on its month. Who the activity is reported to is the ring (committee
outermost, then management, staff, citizens, nobody named in the middle); status is the
marker's colour, and an overdue task is a square, so colour is never the only sign. The page
also lists the same tasks as a table (the accessible alternative); this module only computes
numbers, the template draws them."""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.utils.dates import MONTHS

from insyn.quality.models import CycleActivity, CycleTask

SIZE = 440
CENTRE = SIZE / 2
OUTER = 205.0
LABEL_RING = 186.0
INNER = 60.0
RINGS: dict[str, float] = {
    CycleActivity.ReportedTo.COMMITTEE: 160.0,
    CycleActivity.ReportedTo.MANAGEMENT: 138.0,
    CycleActivity.ReportedTo.STAFF: 116.0,
    CycleActivity.ReportedTo.CITIZENS: 94.0,
    "": 74.0,
}
COLOURS: dict[str, str] = {
    CycleTask.Status.PLANNED: "#ffffff",
    CycleTask.Status.ONGOING: "#f2b705",
    CycleTask.Status.DONE: "#2e7d32",
    CycleTask.Status.CANCELLED: "#9e9e9e",
    "overdue": "#c62828",
}
MARKER = 6.5


@dataclass(frozen=True)
class Sector:
    month: int
    name: str
    path: str
    label_x: float
    label_y: float
    current: bool


@dataclass(frozen=True)
class Marker:
    task: CycleTask
    x: float
    y: float
    fill: str
    overdue: bool
    ring: float

    @property
    def rx(self) -> float:
        return round(self.x - MARKER, 2)

    @property
    def ry(self) -> float:
        return round(self.y - MARKER, 2)


def _point(radius: float, degrees: float) -> tuple[float, float]:
    rad = math.radians(degrees)
    return round(CENTRE + radius * math.cos(rad), 2), round(CENTRE + radius * math.sin(rad), 2)


def _start(month: int) -> float:
    """Degrees (0 = east, clockwise on screen) where `month` begins; January at the top."""
    return -90.0 + 30.0 * (month - 1)


def sectors(today: dt.date, year: int) -> list[Sector]:
    out = []
    for month in range(1, 13):
        a0, a1 = _start(month), _start(month) + 30.0
        (ix0, iy0), (ox0, oy0) = _point(INNER, a0), _point(OUTER, a0)
        (ox1, oy1), (ix1, iy1) = _point(OUTER, a1), _point(INNER, a1)
        path = (
            f"M{ix0},{iy0} L{ox0},{oy0} A{OUTER},{OUTER} 0 0 1 {ox1},{oy1} "
            f"L{ix1},{iy1} A{INNER},{INNER} 0 0 0 {ix0},{iy0} Z"
        )
        lx, ly = _point(LABEL_RING, a0 + 15.0)
        out.append(
            Sector(
                month=month,
                name=str(MONTHS[month]),
                path=path,
                label_x=lx,
                label_y=ly,
                current=(today.year == year and today.month == month),
            )
        )
    return out


def markers(tasks: list[CycleTask], today: dt.date) -> list[Marker]:
    """One marker per task: in its month's sector, on its ring, the tasks sharing a month and
    ring spread evenly over the sector in date order so none hides another."""
    groups: dict[tuple[int, str], list[CycleTask]] = defaultdict(list)
    for task in sorted(tasks, key=lambda t: (t.due_on, t.pk)):
        reported = task.activity.reported_to if task.activity.reported_to in RINGS else ""
        groups[(task.due_on.month, reported)].append(task)
    out = []
    for (month, reported), group in groups.items():
        ring = RINGS[reported]
        n = len(group)
        for i, task in enumerate(group):
            if n == 1:
                days = calendar.monthrange(task.due_on.year, month)[1]
                share = (task.due_on.day - 0.5) / days
            else:
                share = (i + 0.5) / n
            x, y = _point(ring, _start(month) + 30.0 * share)
            overdue = task.status in CycleTask.OPEN_STATUSES and task.due_on < today
            out.append(
                Marker(
                    task=task,
                    x=x,
                    y=y,
                    fill=COLOURS["overdue"] if overdue else COLOURS[task.status],
                    overdue=overdue,
                    ring=ring,
                )
            )
    return out


def wheel(tasks: list[CycleTask], today: dt.date, year: int) -> dict[str, Any]:
    """The template context of the wheel."""
    by_month: dict[int, list[CycleTask]] = {m: [] for m in range(1, 13)}
    for task in tasks:
        by_month[task.due_on.month].append(task)
    return {
        "size": SIZE,
        "centre": CENTRE,
        "inner": INNER,
        "outer": OUTER,
        "sectors": sectors(today, year),
        "markers": markers(tasks, today),
        "rings": [
            {"radius": r, "label": dict(CycleActivity.ReportedTo.choices).get(k, "")}
            for k, r in RINGS.items()
        ],
        "colours": COLOURS,
        "marker_size": MARKER,
        "by_month": [
            {"month": m, "name": str(MONTHS[m]), "tasks": by_month[m]} for m in range(1, 13)
        ],
    }
