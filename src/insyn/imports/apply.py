"""Second pass of an import: write the checked records through the same services as the web.

New clients and cases are written in chunks by their bulk services (`apply_bulk`). Every other
row runs in a savepoint, so one failing row is reported (file, row, column) and the others are
still tried, which gives a complete report; the caller rolls the whole transaction back when
anything failed. A row counts as changed when its service recorded a change entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from insyn.clients import services as clients
from insyn.clients.models import Case, Client, Intervention
from insyn.core.models import ChangeEntry
from insyn.core.roles import Action
from insyn.followup import services as followup
from insyn.followup.models import Enrollment, Goal, Occasion
from insyn.imports.apply_bulk import apply_cases, apply_clients
from insyn.imports.apply_casework import COLUMN_OF as CASEWORK_COLUMNS
from insyn.imports.apply_casework import apply_appeal, apply_investigation
from insyn.imports.formats import Row
from insyn.imports.records import (
    CaseRec,
    ClientRec,
    GoalRec,
    InterventionRec,
    OccasionRec,
    Plan,
)
from insyn.imports.report import Report

if TYPE_CHECKING:
    from insyn.clients.services.common import ActorT

T = TypeVar("T")
M = TypeVar("M", bound=Model)
Progress = Callable[[str, int, int], None]

# Service field names that are called something else in the files.
COLUMN_OF = {
    "clients": {},
    "cases": {"unit": "unit_code", "case_worker": ""},
    "interventions": {"executed_on": "started_on", "decision": "", "comment": ""},
    "measurements": {
        "done_on": "occurred_on",
        "on": "occurred_on",
        "reason": "non_response_reason",
        "note": "",
    },
    "goals": {"set_on": "", "enrollment": ""},
    **CASEWORK_COLUMNS,
}


class Outcome:
    CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


def _by_ref(qs: QuerySet[M], field: str, refs: set[str]) -> dict[str, M]:
    """Existing rows by reference, fetched in chunks of 500 references."""
    ordered, found = sorted(refs), {}
    for start in range(0, len(ordered), 500):
        for obj in qs.filter(**{f"{field}__in": ordered[start : start + 500]}):
            found[getattr(obj, field)] = obj
    return found


def _last_change_id() -> int:
    return ChangeEntry.objects.aggregate(m=Max("id"))["m"] or 0


class Applier:
    def __init__(
        self, plan: Plan, actor: ActorT, report: Report, progress: Progress | None = None
    ) -> None:
        self.plan = plan
        self.municipality = plan.municipality
        self.actor = actor
        self.report = report
        self.progress = progress
        self.clients: dict[str, Client] = {}
        self.cases: dict[str, Case] = {}
        self.interventions: dict[str, Intervention] = {}
        # Cases already in insyn that the files close (or close on another day): closed after
        # their interventions, investigations and appeals are written (see _close_cases).
        self.closings: list[tuple[CaseRec, Case, str]] = []
        self.preloaded = False

    # --- plumbing ---------------------------------------------------------------------------

    def attempt(
        self,
        sheet: str,
        row: Row,
        fn: Callable[[], tuple[T, str]],
        rows_by_key: Mapping[str, Row] | None = None,
        count: bool = True,
    ) -> T | None:
        """Run one row's writes in a savepoint; report a failure at its row and column.
        With `count` off the row is not counted again (a second step of a counted row)."""
        label = self.plan.labels.get(sheet, sheet)
        try:
            with transaction.atomic():
                result, outcome = fn()
        except ValidationError as exc:
            self._report(sheet, label, row, exc, rows_by_key or {})
            return None
        except Http404:
            self.report.add(label, row.number, "", _("Outside the units you may change."))
            return None
        if count:
            counts = self.report.count(sheet)
            setattr(counts, outcome, getattr(counts, outcome) + 1)
        return result

    def _report(
        self, sheet: str, label: str, row: Row, exc: ValidationError, rows_by_key: Mapping[str, Row]
    ) -> None:
        items = exc.message_dict.items() if hasattr(exc, "error_dict") else [("", exc.messages)]
        for key, messages in items:
            target, column = row, COLUMN_OF[sheet].get(key, key)
            if key in rows_by_key:
                target, column = rows_by_key[key], "value"
            if column == "__all__":
                column = ""
            for message in messages:
                self.report.add(label, target.number, column, message)

    def tick(self, sheet: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(sheet, done, total)

    def changed_since(self, mark: int, created: bool = False) -> str:
        if created:
            return Outcome.CREATED
        return Outcome.UPDATED if _last_change_id() > mark else Outcome.UNCHANGED

    def missing(self, sheet: str, row: Row, column: str, message: str) -> None:
        self.report.add(self.plan.labels.get(sheet, sheet), row.number, column, message)

    # --- lookups: this import's rows first, then the database --------------------------------

    def preload(self) -> None:
        """Fetch, in a few queries, the existing records the files refer to."""
        plan = self.plan
        client_refs = {c.ref for c in plan.clients} | {c.client_ref for c in plan.cases}
        case_refs = (
            {c.ref for c in plan.cases}
            | {i.case_ref for i in plan.interventions}
            | {i.case_ref for i in plan.investigations}
        )
        intervention_refs = (
            {i.ref for i in plan.interventions}
            | {a.intervention_ref for a in plan.appeals}
            | {o.intervention_ref for o in plan.occasions}
            | {g.intervention_ref for g in plan.goals}
        )
        clients = Client.objects.filter(municipality=self.municipality).select_related("unit")
        if self.actor is not None:
            clients = clients.restrict(self.actor, Action.VIEW_INDIVIDUAL)
        cases = Case.objects.filter(municipality=self.municipality).select_related("unit", "client")
        interventions = Intervention.objects.filter(municipality=self.municipality).select_related(
            "case__unit", "case__client", "decision"
        )
        self.clients.update(_by_ref(clients, "client_ref", client_refs))
        self.cases.update(_by_ref(cases, "case_ref", case_refs))
        self.interventions.update(_by_ref(interventions, "intervention_ref", intervention_refs))
        self.preloaded = True

    def client(self, ref: str) -> Client | None:
        if ref not in self.clients and not self.preloaded:
            qs = Client.objects.filter(municipality=self.municipality)
            if self.actor is not None:
                qs = qs.restrict(self.actor, Action.VIEW_INDIVIDUAL)
            found = qs.filter(client_ref=ref).select_related("unit").first()
            if found is None:
                return None
            self.clients[ref] = found
        return self.clients.get(ref)

    def case(self, ref: str) -> Case | None:
        if ref not in self.cases and not self.preloaded:
            found = (
                Case.objects.filter(municipality=self.municipality, case_ref=ref)
                .select_related("unit", "client")
                .first()
            )
            if found is None:
                return None
            self.cases[ref] = found
        return self.cases.get(ref)

    def intervention(self, ref: str) -> Intervention | None:
        if ref not in self.interventions and not self.preloaded:
            found = (
                Intervention.objects.filter(municipality=self.municipality, intervention_ref=ref)
                .select_related("case__unit", "case__client", "decision")
                .first()
            )
            if found is None:
                return None
            self.interventions[ref] = found
        return self.interventions.get(ref)

    # --- sheets -----------------------------------------------------------------------------

    def run(self) -> None:
        self.preload()
        apply_clients(self, self.plan.clients)
        apply_cases(self, self.plan.cases)
        steps: list[tuple[str, list[Any], Callable[[Any], tuple[Any, str]]]] = [
            ("interventions", self.plan.interventions, self._intervention),
            ("investigations", self.plan.investigations, partial(apply_investigation, self)),
            ("appeals", self.plan.appeals, partial(apply_appeal, self)),
            ("measurements", self.plan.occasions, self._occasion),
            ("goals", self.plan.goals, self._goal),
        ]
        for sheet, records, write in steps:
            for n, rec in enumerate(records, 1):
                if isinstance(rec, OccasionRec):
                    self.attempt(sheet, rec.rows[0], partial(write, rec), rec.rows_by_key)
                else:
                    self.attempt(sheet, rec.row, partial(write, rec))
                self.tick(sheet, n, len(records))
            if sheet == "appeals":
                self._close_cases()

    def _first_unit(self, client_ref: str) -> Any:
        for rec in self.plan.cases:
            if rec.client_ref == client_ref:
                return rec.unit
        return self.municipality

    def _client(self, rec: ClientRec) -> tuple[Client, str]:
        existing = self.clients.get(rec.ref)
        if existing is None and self.actor is not None:  # a client the user cannot see
            existing = Client.objects.filter(
                municipality=self.municipality, client_ref=rec.ref
            ).first()
        mark = _last_change_id()
        if existing is None:
            try:
                client = clients.client_register(
                    actor=self.actor,
                    unit=self._first_unit(rec.ref),
                    personnummer=rec.personnummer,
                    birth_date=rec.birth_date,
                    sex=rec.sex,
                    client_ref=rec.ref,
                )
            except clients.DuplicateClient as dup:
                message = _("This person is already registered as another client.")
                if self.actor is None:
                    message = _("This person is already registered as client %(ref)s.") % {
                        "ref": dup.client.client_ref
                    }
                raise ValidationError({"personnummer": [message]}) from dup
            self.clients[rec.ref] = client
            return client, Outcome.CREATED
        client = clients.client_update(
            actor=self.actor,
            client=existing,
            client_ref=rec.ref,
            personnummer=rec.personnummer,
            birth_date=rec.birth_date,
            sex=rec.sex,
        )
        self.clients[rec.ref] = client
        return client, self.changed_since(mark)

    def _case(self, rec: CaseRec) -> tuple[Case, str]:
        client = self.client(rec.client_ref)
        if client is None:
            in_files = any(c.ref == rec.client_ref for c in self.plan.clients)
            message = (
                _("The client was not imported.")
                if in_files
                else _("No client with this reference in your units.")
            )
            raise ValidationError({"client_ref": [message]})
        existing = self.case(rec.ref)
        mark = _last_change_id()
        if existing is None:
            case = clients.case_open(
                actor=self.actor,
                client=client,
                unit=rec.unit,
                opened_on=rec.opened_on,
                source=rec.source,
                reason=rec.reason,
                case_ref=rec.ref,
                closed_on=rec.closed_on,
                assign_actor=False,
            )
            self.cases[rec.ref] = case
            return case, Outcome.CREATED
        if existing.client_id != client.pk:
            raise ValidationError({"client_ref": [_("The case belongs to another client.")]})
        close_later = rec.closed_on is not None and rec.closed_on != existing.closed_on
        clients.case_update(
            actor=self.actor,
            case=existing,
            unit=rec.unit,
            opened_on=rec.opened_on,
            source=rec.source,
            reason=rec.reason,
            case_worker=existing.case_worker,
            closed_on=existing.closed_on if close_later else rec.closed_on,
        )
        outcome = self.changed_since(mark)
        if close_later:
            self.closings.append((rec, existing, outcome))
        return existing, outcome

    def _close_cases(self) -> None:
        """Close the existing cases the files close. A case cannot close while an
        intervention in it still runs, so a file that ends an intervention and closes its case
        is applied in that order: the closing waits until the interventions (and the
        investigations and appeals) are written, and is reported on the case's row."""
        for rec, case, first in self.closings:
            closed = self.attempt(
                "cases", rec.row, partial(self._close_case, rec, case), count=False
            )
            if closed is not None and first == Outcome.UNCHANGED:
                counts = self.report.count("cases")
                counts.unchanged -= 1
                counts.updated += 1

    def _close_case(self, rec: CaseRec, case: Case) -> tuple[Case, str]:
        clients.case_update(
            actor=self.actor,
            case=case,
            unit=case.unit,
            opened_on=case.opened_on,
            source=case.source,
            reason=case.reason,
            case_worker=case.case_worker,
            closed_on=rec.closed_on,
        )
        return case, Outcome.UPDATED

    def _intervention(self, rec: InterventionRec) -> tuple[Intervention, str]:
        case = self.case(rec.case_ref)
        if case is None:
            raise ValidationError({"case_ref": [_("The case was not imported.")]})
        existing = self.intervention(rec.ref)
        if existing is not None and existing.case_id != case.pk:
            raise ValidationError({"case_ref": [_("The intervention belongs to another case.")]})
        mark = _last_change_id()
        decision = existing.decision if existing is not None else None
        if rec.legal_basis is not None and rec.decided_on is not None:
            executed_on = max(rec.started_on, rec.decided_on) if rec.started_on else None
            if decision is None:
                decision = clients.decision_record(
                    actor=self.actor,
                    case=case,
                    intervention_type=rec.intervention_type,
                    legal_basis=rec.legal_basis,
                    decided_on=rec.decided_on,
                    executed_on=executed_on,
                    **rec.execution,
                )
            else:
                clients.decision_update(
                    actor=self.actor,
                    decision=decision,
                    intervention_type=rec.intervention_type,
                    legal_basis=rec.legal_basis,
                    decided_on=rec.decided_on,
                    executed_on=executed_on,
                    comment=decision.comment,
                    **rec.execution,
                )
        fields: dict[str, Any] = {
            "intervention_type": rec.intervention_type,
            "decision": decision,
            "provider": rec.provider,
            "started_on": rec.started_on,
            "ended_on": rec.ended_on,
            "end_reason": rec.end_reason,
            **rec.sessions,
        }
        if existing is None:
            intervention = clients.intervention_record(
                actor=self.actor, case=case, intervention_ref=rec.ref, **fields
            )
            self.interventions[rec.ref] = intervention
            return intervention, Outcome.CREATED
        clients.intervention_update(
            actor=self.actor, intervention=existing, comment=existing.comment, **fields
        )
        return existing, self.changed_since(mark)

    def _enrollment(self, programme: Any, intervention_ref: str) -> Enrollment:
        intervention = self.intervention(intervention_ref)
        if intervention is None:
            raise ValidationError({"intervention_ref": [_("The intervention was not imported.")]})
        return followup.enrollment_ensure(
            actor=self.actor,
            programme=programme,
            intervention=intervention,
            method=Enrollment.Method.IMPORT,
        )

    def _occasion(self, rec: OccasionRec) -> tuple[Occasion, str]:
        enrollment = self._enrollment(rec.programme, rec.intervention_ref)
        occasion = enrollment.occasions.filter(stage__key=rec.stage.key).first()
        if occasion is None:
            raise ValidationError({"stage": [_("The client's programme has no such stage.")]})
        was_open = occasion.status in Occasion.OPEN_STATUSES
        mark = _last_change_id()
        assert rec.occurred_on is not None
        if rec.reason is not None:
            followup.occasion_mark_missed(
                actor=self.actor, occasion=occasion, reason=rec.reason, on=rec.occurred_on
            )
        else:
            followup.occasion_record(
                actor=self.actor, occasion=occasion, values=rec.values, done_on=rec.occurred_on
            )
        return occasion, self.changed_since(mark, created=was_open)

    def _goal(self, rec: GoalRec) -> tuple[Goal, str]:
        enrollment = self._enrollment(rec.programme, rec.intervention_ref)
        existing = Goal.objects.filter(enrollment=enrollment, goal_ref=rec.ref).first()
        mark = _last_change_id()
        goal = followup.goal_set(
            actor=self.actor,
            enrollment=enrollment,
            text=rec.text,
            variable=rec.variable,
            target=rec.target,
            baseline=rec.baseline,
            direction=rec.direction,
            set_on=existing.set_on if existing else self._goal_day(enrollment),
            goal_ref=rec.ref,
        )
        if rec.outcome:
            followup.goal_assess(
                actor=self.actor, goal=goal, outcome=rec.outcome, assessed_on=rec.assessed_on
            )
        return goal, self.changed_since(mark, created=existing is None)

    @staticmethod
    def _goal_day(enrollment: Enrollment) -> dt.date:
        """A new goal is dated by the occasion where goals are set, else the enrolment."""
        done = (
            enrollment.occasions.filter(stage__sets_goals=True, done_on__isnull=False)
            .values_list("done_on", flat=True)
            .first()
        )
        return done or enrollment.enrolled_on
