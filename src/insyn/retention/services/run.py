"""The retention job: what is due (the plan, shown by a dry run) and its removal (a run).

`retention_plan()` reads only. `retention_run()` applies the municipality's active rules: for
each kind, the due records are reduced or removed (reduce.py), records under a legal hold and
records kept by an exception are left as they are, and one `RetentionRun` plus one change
entry record the counts per kind, never the data. A dry run writes the same log (marked dry)
and changes nothing else. Stored indicator values, frozen reports and published aggregates are
separate rows that the job never touches.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from insyn.clients.models import Case
from insyn.core.audit import record_change
from insyn.organisations.models import OrgUnit
from insyn.retention.kinds import SPECS, Sorted, cutoff, sort_due
from insyn.retention.models import Kind, LegalHold, Reduction, RetentionRule, RetentionRun
from insyn.retention.reduce import REDUCERS
from insyn.retention.services import audit_trail

CHUNK = 500


@dataclass
class KindPlan:
    """One kind's part of a plan: primary keys only (no personal data)."""

    rule: RetentionRule
    last_event_day: dt.date
    due: list[int] = field(default_factory=list)
    held: list[int] = field(default_factory=list)
    excepted: list[int] = field(default_factory=list)
    due_count: int = 0  # audit entries are counted, not listed
    held_count: int = 0

    @property
    def kind(self) -> str:
        return self.rule.kind


def held_client_ids(municipality: OrgUnit) -> set[int]:
    """Clients under an active legal hold, directly or through one of their cases."""
    holds = LegalHold.objects.filter(municipality=municipality, lifted_at__isnull=True)
    ids = {c for c in holds.values_list("client_id", flat=True) if c is not None}
    case_ids = [c for c in holds.values_list("case_id", flat=True) if c is not None]
    ids |= set(Case.objects.filter(pk__in=case_ids).values_list("client_id", flat=True))
    return ids


def retention_plan(*, municipality: OrgUnit, today: dt.date | None = None) -> list[KindPlan]:
    """What the municipality's active rules make due today, kind by kind."""
    today = today or timezone.localdate()
    held = held_client_ids(municipality)
    plans: list[KindPlan] = []
    rules = RetentionRule.objects.filter(municipality=municipality, active=True).order_by("kind")
    for rule in rules:
        last = cutoff(today, rule.period, rule.unit)
        plan = KindPlan(rule=rule, last_event_day=last)
        if rule.kind == Kind.AUDIT:
            plan.due_count, plan.held_count = audit_trail.count_due(
                last=last, org_path=municipality.path, held_clients=held
            )
        else:
            spec = SPECS[rule.kind]
            rows = spec.due(municipality, rule.event, last)
            if not spec.removes_rows:
                done = Reduction.objects.filter(kind=rule.kind).values("object_id")
                rows = rows.exclude(pk__in=done)
            split: Sorted = sort_due(spec, rows, held_clients=held, birth_days=rule.birth_days())
            plan.due, plan.held, plan.excepted = split.due, split.held, split.excepted
            plan.due_count, plan.held_count = len(split.due), len(split.held)
        plans.append(plan)
    return plans


def _apply(plan: KindPlan, run: RetentionRun, municipality: OrgUnit) -> int:
    if plan.kind == Kind.AUDIT:
        return audit_trail.purge_due(
            last=plan.last_event_day,
            org_path=municipality.path,
            held_clients=held_client_ids(municipality),
            reason=f"retention run {run.pk}: {plan.rule}",
        )
    reducer = REDUCERS[plan.kind]
    for start in range(0, len(plan.due), CHUNK):
        ids = plan.due[start : start + CHUNK]
        reducer(ids)
        if not SPECS[plan.kind].removes_rows:
            Reduction.objects.bulk_create(
                [Reduction(kind=plan.kind, object_id=pk, run=run) for pk in ids]
            )
    return len(plan.due)


@transaction.atomic
def retention_run(
    *,
    actor: Any,
    municipality: OrgUnit,
    dry_run: bool,
    today: dt.date | None = None,
    include_audit: bool = True,
) -> tuple[RetentionRun, list[KindPlan]]:
    """Apply (or, dry, only list) the municipality's rules; returns the log row and the plan.

    `include_audit=False` (the web's run) leaves audit entries to the operator's nightly job.
    """
    plans = retention_plan(municipality=municipality, today=today)
    if not include_audit:
        plans = [p for p in plans if p.kind != Kind.AUDIT]
    run = RetentionRun.objects.create(
        municipality=municipality,
        dry_run=dry_run,
        started_at=timezone.now(),
        actor=actor if actor is not None and actor.is_authenticated else None,
    )
    counts: dict[str, int] = {}
    for plan in plans:
        counts[plan.kind] = plan.due_count if dry_run else _apply(plan, run, municipality)
    run.counts = counts
    run.held = {p.kind: p.held_count for p in plans if p.held_count}
    run.excepted = {p.kind: len(p.excepted) for p in plans if p.excepted}
    run.finished_at = timezone.now()
    run.save(update_fields=["counts", "held", "excepted", "finished_at"])
    record_change(
        actor=actor,
        action="retention_dry_run" if dry_run else "retention_run",
        obj=run,
        after={"counts": run.counts, "held": run.held, "excepted": run.excepted},
    )
    return run, plans


def municipalities_with_rules(code: str = "") -> list[OrgUnit]:
    """The municipalities the nightly job visits (one, by code, or every one with a rule)."""
    ids = RetentionRule.objects.filter(active=True).values("municipality_id")
    rows = OrgUnit.objects.filter(Q(pk__in=ids))
    if code:
        rows = OrgUnit.objects.filter(code=code, kind=OrgUnit.Kind.MUNICIPALITY)
    return list(rows.order_by("code"))
