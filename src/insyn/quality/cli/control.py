"""`insyn quality control draw --round ID [--seed N]` (draw a planned round's sample, as the
system) and `insyn quality control checks --municipality CODE --from DATE --to DATE` (the data
rules over every case of the municipality active in the period: counts per rule, no names)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone

from insyn.clients.models import Case
from insyn.organisations.models import OrgUnit
from insyn.quality.models import ControlRound, ReviewCriterion
from insyn.quality.selectors import control_rules
from insyn.quality.services import control as services


def add_parsers(sub: Any) -> None:
    control = sub.add_parser("control", help="Internal control: draw a round, run data checks.")
    inner = control.add_subparsers(dest="control_action", required=True)
    draw = inner.add_parser("draw", help="Draw the sample of a planned control round.")
    draw.add_argument("--round", required=True, type=int, help="Control round id.")
    draw.add_argument("--seed", type=int, help="Seed (default: the round's stored seed).")
    checks = inner.add_parser("checks", help="Data rules over every case (no sample).")
    checks.add_argument("--municipality", required=True, help="Municipality code, e.g. 0780.")
    checks.add_argument("--from", dest="date_from", required=True, help="YYYY-MM-DD")
    checks.add_argument("--to", dest="date_to", required=True, help="YYYY-MM-DD")


def _date(value: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{name}: give a date as YYYY-MM-DD, not {value!r}.") from None


def _draw(command: BaseCommand, options: dict[str, Any]) -> None:
    round_ = ControlRound.objects.filter(pk=options["round"]).first()
    if round_ is None:
        raise CommandError(f"No control round with id {options['round']}.")
    try:
        result = services.control_round_draw(actor=None, round_=round_, seed=options.get("seed"))
    except ValidationError as exc:
        raise CommandError(" ".join(exc.messages)) from exc
    command.stdout.write(
        f"Drew {result.drawn} of {result.population} cases with seed {round_.seed}."
    )
    for text in result.messages:
        command.stdout.write(text)


def _checks(command: BaseCommand, options: dict[str, Any]) -> None:
    municipality = OrgUnit.objects.filter(
        code=options["municipality"], kind=OrgUnit.Kind.MUNICIPALITY
    ).first()
    if municipality is None:
        raise CommandError(f"No municipality with code {options['municipality']}.")
    start = _date(options["date_from"], "--from")
    end = _date(options["date_to"], "--to")
    if end < start:
        raise CommandError("--to is before --from.")
    cases = (
        Case.objects.filter(unit__path__startswith=municipality.path, opened_on__lte=end)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=start))
        .order_by("pk")
    )
    rows = control_rules.run_checks(cases, ReviewCriterion.DataRule.values, timezone.localdate())
    command.stdout.write(f"rule,yes,no,partly,na  ({len(rows)} cases, {start} – {end})")
    for rule in ReviewCriterion.DataRule.values:
        n = Counter(results[rule].answer for _, results in rows)
        command.stdout.write(f"{rule},{n['yes']},{n['no']},{n['partly']},{n['na']}")


def _control(command: BaseCommand, options: dict[str, Any]) -> None:
    {"draw": _draw, "checks": _checks}[options["control_action"]](command, options)


HANDLERS: dict[str, Callable[[BaseCommand, dict[str, Any]], None]] = {"control": _control}
