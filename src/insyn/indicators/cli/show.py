"""`insyn indicators list` and `insyn indicators show KEY --municipality CODE --compare …`.

`show` prints one comparison as CSV (semicolon-separated for Swedish Excel, decimal comma) or
JSON, with the period and the source line of every figure. The command line has no signed-in
user: it shows the values of Kolada areas (Kolada's, or the demo's synthetic ones — labelled
so); with `--user NAME` the municipality's own computed and manual figures are used as that
user may see them (restricted and suppressed as on the pages)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.core.management.base import CommandError

from insyn.indicators.comparison_export import as_dict, csv_text
from insyn.indicators.models import Indicator, IndicatorValue
from insyn.indicators.selectors.comparison import ComparisonError, compare
from insyn.indicators.selectors.comparison import municipality as area


def add_parsers(sub: Any) -> None:
    ls = sub.add_parser("list", help="The indicator catalogue: key, title, source.")
    ls.add_argument("--all", action="store_true", help="Also KPIs the catalogue does not name.")
    show = sub.add_parser("show", help="One indicator compared with a group (CSV or JSON).")
    show.add_argument("key", help="Indicator key or Kolada KPI id (e.g. U31462).")
    show.add_argument("--municipality", required=True, help="Kolada municipality id, e.g. 0780.")
    show.add_argument(
        "--compare",
        default="similar",
        help="similar | skr | county | riket | group:<key> (default: similar).",
    )
    show.add_argument("--year", type=int, help="Year (default: the latest with values).")
    show.add_argument("--sex", default="T", choices=["T", "K", "M"])
    show.add_argument("--format", default="csv", choices=["csv", "json"])
    show.add_argument("--user", help="Use this user's view of the municipality's own figures.")


def handle_list(command: Any, options: dict[str, Any]) -> None:
    rows = Indicator.objects.filter(active=True)
    if not options.get("all"):
        rows = rows.filter(in_catalogue=True)
    for ind in rows:
        source = f"kolada:{ind.kolada_kpi}" if ind.kolada_kpi else ind.source
        command.stdout.write(f"{ind.key}\t{ind.title}\t{source}")


def _indicator(key: str) -> Indicator:
    found = Indicator.objects.filter(key=key).first() or (
        Indicator.objects.filter(kolada_kpi=key).first()
    )
    if found is None:
        raise CommandError(f"Okänd indikator: {key} (se `insyn indicators list`).")
    return found


def _user(name: str | None) -> Any:
    if not name:
        return None
    from insyn.accounts.models import User

    user = User.objects.filter(username=name, is_active=True).first()
    if user is None:
        raise CommandError(f"Okänd användare: {name}.")
    return user


def latest_year(indicator: Indicator, municipality: str) -> int:
    years = IndicatorValue.objects.filter(indicator=indicator, municipality_id=municipality)
    year = years.order_by("-year").values_list("year", flat=True).first()
    if year is None:
        raise CommandError(
            f"Det finns inga värden för {indicator.key} och {municipality}: ange --year."
        )
    return year


def handle_show(command: Any, options: dict[str, Any]) -> None:
    indicator = _indicator(options["key"])
    municipality = options["municipality"]
    try:
        area(municipality)
        year = options.get("year") or latest_year(indicator, municipality)
        comparison = compare(
            _user(options.get("user")),
            indicator,
            municipality,
            year=year,
            against=options["compare"],
            sex=options["sex"],
        )
    except ComparisonError as exc:
        raise CommandError(str(exc)) from exc
    if options["format"] == "json":
        command.stdout.write(json.dumps(as_dict(comparison), ensure_ascii=False, indent=2))
    else:
        command.stdout.write(csv_text(comparison), ending="")


HANDLERS: dict[str, Callable[[Any, dict[str, Any]], None]] = {
    "list": handle_list,
    "show": handle_show,
}
