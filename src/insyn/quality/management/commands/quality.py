"""`insyn quality <subcommand>`: quality management from the command line.

`stats --year Y --municipality CODE --format csv|json` prints the yearly figures the quality
report uses (insyn.quality.selectors.stats, the same computation as the dashboard and the API).
Other areas add their subcommands in insyn.quality.cli (one module per area).
"""

from __future__ import annotations

import csv
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from insyn.core.exports import excel_safe
from insyn.quality import cli
from insyn.quality.selectors import stats as year_stats

FORMATS = ("csv", "json")


class Command(BaseCommand):
    help = "Quality management: yearly statistics, non-executed decisions, internal control."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        st = sub.add_parser("stats", help="Yearly counts for the quality report.")
        st.add_argument("--year", required=True, help="Calendar year, e.g. 2025.")
        st.add_argument("--municipality", required=True, help="Municipality code, e.g. 0780.")
        st.add_argument("--format", default="csv", help="csv (default) or json.")
        for module in cli.modules():
            module.add_parsers(sub)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        for module in cli.modules():
            if action in module.HANDLERS:
                module.HANDLERS[action](self, options)
                return
        getattr(self, "do_" + action.replace("-", "_"))(options)

    def do_stats(self, options: dict[str, Any]) -> None:
        fmt = options["format"]
        if fmt not in FORMATS:
            raise CommandError(_("Unknown format %(f)s: use csv or json.") % {"f": fmt})
        try:
            year = year_stats.parse_year(options["year"])
        except year_stats.StatsError as exc:
            raise CommandError(str(exc)) from exc
        code = options["municipality"]
        try:
            municipality = year_stats.municipality_for(None, code)
        except year_stats.OutOfScope as exc:
            raise CommandError(
                _("There is no municipality with the code %(code)s.") % {"code": code}
            ) from exc
        result = year_stats.quality_year_stats(municipality=municipality, year=year)
        if fmt == "json":
            self.stdout.write(json.dumps(result.document(), ensure_ascii=False, indent=2))
            return
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(year_stats.HEADER)
        for row in result.records():
            writer.writerow(["" if v is None else excel_safe(v) for v in row])
