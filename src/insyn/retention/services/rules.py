"""Retention rules and legal holds: validated, scope-checked, each write with a change entry.

A rule is refused with a message (and nothing is saved) when its period is zero or negative,
its event does not fit its kind, or its birth days are not days of a month. The shipped
defaults (fixtures/default_rules.yaml) are installed through the same path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from insyn.clients.models import Case, Client
from insyn.core.audit import record_change, snapshot
from insyn.core.roles import Action
from insyn.core.scoping import path_in_scope
from insyn.organisations.models import OrgUnit
from insyn.retention.models import EVENTS, Kind, LegalHold, PeriodUnit, RetentionRule

DEFAULTS_FILE = Path(__file__).resolve().parent.parent / "fixtures" / "default_rules.yaml"
# Who may edit rules and place holds: whoever manages the municipality's organisation.
MANAGE = Action.MANAGE_ORG


def _check_scope(actor: Any, unit: OrgUnit, action: Action = MANAGE) -> None:
    """Inside the write: `actor` (None is the operator's CLI) may act at `unit`."""
    if actor is not None and not path_in_scope(actor, action, unit.path):
        raise Http404


def _parse_birth_days(text: str) -> str:
    days: list[int] = []
    for part in str(text or "").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or not 1 <= int(part) <= 31:
            raise ValidationError(
                {"keep_birth_days": _("Birth days are days of a month, 1–31, separated by commas.")}
            )
        days.append(int(part))
    return ",".join(str(d) for d in sorted(set(days)))


def _validated(kind: str, event: str, period: Any, unit: str, keep_birth_days: str) -> dict:
    errors: dict[str, str] = {}
    if kind not in Kind.values:
        errors["kind"] = _("Choose a kind of record.")
    elif not event:
        event = EVENTS[kind][0]
    elif event not in EVENTS[kind]:
        errors["event"] = _("This kind of record cannot be counted from that event.")
    try:
        period = int(period)
    except (TypeError, ValueError):
        errors["period"] = _("The retention period must be a whole number.")
    else:
        if period <= 0:
            errors["period"] = _(
                "The retention period must be greater than zero: a period of zero or less "
                "would remove data the day it is recorded."
            )
    if unit not in PeriodUnit.values:
        errors["unit"] = _("Choose days, months or years.")
    if errors:
        raise ValidationError(errors)
    return {
        "event": event,
        "period": period,
        "unit": unit,
        "keep_birth_days": _parse_birth_days(keep_birth_days),
    }


@transaction.atomic
def rule_save(
    *,
    actor: Any,
    municipality: OrgUnit,
    kind: str,
    period: Any,
    unit: str,
    event: str = "",
    keep_birth_days: str = "",
    active: bool = True,
    note: str = "",
) -> RetentionRule:
    """Create or replace the municipality's rule for `kind` (one rule per kind)."""
    _check_scope(actor, municipality)
    fields = _validated(kind, event, period, unit, keep_birth_days)
    fields.update(active=active, note=note[:300])
    rule = (
        RetentionRule.objects.select_for_update()
        .filter(municipality=municipality, kind=kind)
        .first()
    )
    if rule is None:
        rule = RetentionRule.objects.create(municipality=municipality, kind=kind, **fields)
        record_change(actor=actor, action="create", obj=rule)
        return rule
    before = snapshot(rule)
    for name, value in fields.items():
        setattr(rule, name, value)
    rule.save()
    record_change(actor=actor, action="update", obj=rule, before=before)
    return rule


@transaction.atomic
def rule_delete(*, actor: Any, rule: RetentionRule) -> None:
    _check_scope(actor, rule.municipality)
    record_change(actor=actor, action="delete", obj=rule, before=snapshot(rule))
    rule.delete()


def default_rules() -> list[dict[str, Any]]:
    """The shipped defaults, as rows of the data file."""
    data = yaml.safe_load(DEFAULTS_FILE.read_text(encoding="utf-8"))
    return list(data["rules"])


def rules_install_defaults(*, actor: Any, municipality: OrgUnit) -> list[RetentionRule]:
    """Give a municipality the shipped rules it has no rule of its own for."""
    have = set(
        RetentionRule.objects.filter(municipality=municipality).values_list("kind", flat=True)
    )
    return [
        rule_save(actor=actor, municipality=municipality, **row)
        for row in default_rules()
        if row["kind"] not in have
    ]


@transaction.atomic
def hold_place(
    *, actor: Any, reason: str, client: Client | None = None, case: Case | None = None
) -> LegalHold:
    """Keep a client's (or a case's, with its client's) data whatever the rules say."""
    if (client is None) == (case is None):
        raise ValidationError(_("A legal hold names either a client or a case."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the data must be kept.")})
    named: Any = client or case
    municipality = named.municipality
    # Whoever may change the person's data where it is kept may hold it.
    _check_scope(actor, named.unit, Action.CHANGE_INDIVIDUAL)
    hold = LegalHold.objects.create(
        municipality=municipality,
        client=client,
        case=case,
        reason=reason.strip()[:300],
        placed_by=actor if actor is not None and actor.is_authenticated else None,
    )
    record_change(actor=actor, action="create", obj=hold)
    return hold


@transaction.atomic
def hold_lift(*, actor: Any, hold: LegalHold) -> LegalHold:
    named: Any = hold.client or hold.case
    _check_scope(actor, named.unit, Action.CHANGE_INDIVIDUAL)
    before = snapshot(hold)
    hold.lifted_at = timezone.now()
    hold.save(update_fields=["lifted_at"])
    record_change(actor=actor, action="update", obj=hold, before=before)
    return hold
