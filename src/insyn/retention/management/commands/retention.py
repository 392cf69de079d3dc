"""`insyn retention run|rules|defaults|hold`: the retention job and its rules from the command line.

    insyn retention run [--dry-run] [--municipality CODE] [--ids]   # nightly, from cron
    insyn retention rules [--municipality CODE]
    insyn retention defaults --municipality CODE        # install the shipped rules it lacks
    insyn retention hold --municipality CODE (--client REF | --case REF) --reason TEXT
    insyn retention hold --lift ID

A run prints counts per kind (removed or reduced, kept under a legal hold, kept by an
exception), never data; `--ids` adds the records' primary keys (a dry run's list). The
operator's run also removes audit entries past their own period, through the sanctioned hatch.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from insyn.clients.models import Case, Client
from insyn.organisations.models import OrgUnit
from insyn.retention.models import LegalHold, RetentionRule
from insyn.retention.services import rules as rule_services
from insyn.retention.services.run import municipalities_with_rules, retention_run


class Command(BaseCommand):
    help = "Retention (gallring): run the job, list rules, install defaults, place legal holds."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="Reduce or remove what is due (or list it: --dry-run).")
        run.add_argument("--dry-run", action="store_true", help="list what is due, change nothing")
        run.add_argument("--municipality", default="", help="the municipality's code, e.g. 0780")
        run.add_argument("--ids", action="store_true", help="print the due records' ids too")
        rules = sub.add_parser("rules", help="List the rules.")
        rules.add_argument("--municipality", default="")
        defaults = sub.add_parser(
            "defaults", help="Install the shipped rules a municipality lacks."
        )
        defaults.add_argument("--municipality", required=True)
        hold = sub.add_parser("hold", help="Place or lift a legal hold.")
        hold.add_argument("--municipality", default="")
        hold.add_argument("--client", default="", help="the client's reference")
        hold.add_argument("--case", default="", help="the case's reference")
        hold.add_argument("--reason", default="")
        hold.add_argument("--lift", type=int, help="lift the hold with this id")

    def _municipality(self, code: str) -> OrgUnit:
        found = OrgUnit.objects.filter(code=code, kind=OrgUnit.Kind.MUNICIPALITY).first()
        if found is None:
            raise CommandError(f"no municipality with code {code!r}")
        return found

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            getattr(self, f"do_{action}")(options)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc

    def do_run(self, options: dict[str, Any]) -> None:
        code = options["municipality"]
        if code:
            self._municipality(code)
        dry = options["dry_run"]
        municipalities = municipalities_with_rules(code)
        if not municipalities:
            self.stdout.write("No municipality has a retention rule: nothing to do.")
        for municipality in municipalities:
            run, plans = retention_run(actor=None, municipality=municipality, dry_run=dry)
            head = "Dry run" if dry else "Run"
            self.stdout.write(f"{head} {run.pk} for {municipality.code} {municipality.name}:")
            for plan in plans:
                done = run.counts.get(plan.kind, 0)
                verb = "due" if dry else "done"
                line = (
                    f"  {plan.kind}: {verb} {done}, held {plan.held_count}, "
                    f"excepted {len(plan.excepted)} (events on or before {plan.last_event_day})"
                )
                self.stdout.write(line)
                if options["ids"] and plan.due:
                    self.stdout.write("    ids: " + " ".join(str(i) for i in plan.due))
                if options["ids"] and plan.held:
                    self.stdout.write("    held ids: " + " ".join(str(i) for i in plan.held))

    def do_rules(self, options: dict[str, Any]) -> None:
        rows = RetentionRule.objects.select_related("municipality").order_by(
            "municipality__code", "kind"
        )
        if options["municipality"]:
            rows = rows.filter(municipality=self._municipality(options["municipality"]))
        for rule in rows:
            days = f", keep born on {rule.keep_birth_days}" if rule.keep_birth_days else ""
            state = "" if rule.active else " (inactive)"
            self.stdout.write(
                f"{rule.municipality.code} {rule.kind}: {rule.period} {rule.unit} "
                f"after {rule.event}{days}{state}"
            )

    def do_defaults(self, options: dict[str, Any]) -> None:
        municipality = self._municipality(options["municipality"])
        added = rule_services.rules_install_defaults(actor=None, municipality=municipality)
        self.stdout.write(f"{len(added)} rule(s) installed for {municipality.name}.")

    def do_hold(self, options: dict[str, Any]) -> None:
        if options["lift"]:
            hold = LegalHold.objects.filter(pk=options["lift"], lifted_at__isnull=True).first()
            if hold is None:
                raise CommandError(f"no active legal hold {options['lift']}")
            rule_services.hold_lift(actor=None, hold=hold)
            self.stdout.write(f"Legal hold {hold.pk} lifted.")
            return
        municipality = self._municipality(options["municipality"])
        client = case = None
        if options["client"]:
            client = Client.objects.filter(
                municipality=municipality, client_ref=options["client"]
            ).first()
            if client is None:
                raise CommandError("no such client in the municipality")
        if options["case"]:
            case = Case.objects.filter(municipality=municipality, case_ref=options["case"]).first()
            if case is None:
                raise CommandError("no such case in the municipality")
        hold = rule_services.hold_place(
            actor=None, reason=options["reason"], client=client, case=case
        )
        self.stdout.write(f"Legal hold {hold.pk} placed.")
