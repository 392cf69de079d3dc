"""`insyn indicators compute`: compute and store insyn's own key figures.

    insyn indicators compute --year 2025 [--municipality 0780] [--indicator KEY …]
    insyn indicators compute --rolling 2026-11-29 [--municipality 0780]
    insyn indicators compute --year 2025 --rolling 2026-11-29      # both periods

Without --municipality every municipality that has cases is computed. A year not yet over,
a rolling period ending after today, an unknown municipality or an unknown indicator key
stops the command with a message (exit status 1) and nothing is written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.management.base import CommandError
from django.utils import timezone

from insyn.clients.models import Case
from insyn.indicators.periods import Period, rolling_period, year_period
from insyn.indicators.services.compute import (
    ComputeError,
    check_period,
    compute_indicators,
    computed_indicators,
)
from insyn.organisations.models import OrgUnit


def add_parsers(sub: Any) -> None:
    parser = sub.add_parser(
        "compute",
        help="Compute insyn's own key figures for a year and/or a rolling twelve months.",
    )
    parser.add_argument("--year", type=int, help="A calendar year that is over, e.g. 2025.")
    parser.add_argument(
        "--rolling",
        help="The last day (YYYY-MM-DD) of a rolling twelve-month period, at the latest today.",
    )
    parser.add_argument("--municipality", help="Municipality code, e.g. 0780 (default: all).")
    parser.add_argument(
        "--indicator",
        action="append",
        dest="indicators",
        metavar="KEY",
        help="An indicator key (repeat, or separate by commas); default: every computed one.",
    )


def _periods(options: dict[str, Any]) -> list[Period]:
    today = timezone.localdate()
    periods = []
    year = options.get("year")
    if year is not None:
        if year > today.year:
            raise CommandError(f"The year {year} is in the future.")
        if year < 1990:
            raise CommandError(f"The year {year} is out of range.")
        periods.append(year_period(year))
    raw = options.get("rolling")
    if raw:
        try:
            end = dt.date.fromisoformat(raw)
        except ValueError as exc:
            raise CommandError(f"--rolling wants a date as YYYY-MM-DD, not {raw!r}.") from exc
        periods.append(rolling_period(end))
    if not periods:
        raise CommandError("Give --year YEAR and/or --rolling YYYY-MM-DD.")
    return periods


def _municipalities(code: str | None) -> list[OrgUnit]:
    rows = OrgUnit.objects.filter(kind=OrgUnit.Kind.MUNICIPALITY)
    if code:
        found = list(rows.filter(code=code))
        if not found:
            raise CommandError(f"No municipality with the code {code}.")
        return found
    with_cases = Case.objects.values_list("municipality_id", flat=True).distinct()
    return list(rows.filter(pk__in=with_cases).order_by("code"))


def _keys(raw: list[str] | None) -> list[str] | None:
    if not raw:
        return None
    return [k.strip() for item in raw for k in item.split(",") if k.strip()]


def handle_compute(command: Any, options: dict[str, Any]) -> None:
    periods = _periods(options)
    municipalities = _municipalities(options.get("municipality"))
    keys = _keys(options.get("indicators"))
    try:  # everything checked before the first write
        for period in periods:
            check_period(period, timezone.localdate())
        computed_indicators(keys)
    except ComputeError as exc:
        raise CommandError(str(exc)) from exc
    if not municipalities:
        command.stdout.write("No municipality has cases: nothing to compute.")
        return
    for municipality in municipalities:
        for period in periods:
            try:
                summary = compute_indicators(municipality=municipality, period=period, keys=keys)
            except ComputeError as exc:
                raise CommandError(str(exc)) from exc
            command.stdout.write(summary.line())
    command.stdout.write(
        "Stored as computed values (Beräknat av insyn från kommunens egna uppföljningsdata); "
        "pages and exports show them suppressed."
    )


HANDLERS: dict[str, Callable[[Any, dict[str, Any]], None]] = {"compute": handle_compute}
