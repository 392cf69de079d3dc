"""Enrolment (automatic by inclusion and sampling rules, or by hand) and occasion scheduling."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from insyn.clients.models import Case, Intervention
from insyn.core.audit import record_change, snapshot
from insyn.core.roles import Action
from insyn.core.scoping import path_in_scope
from insyn.core.services import ensure_in_scope
from insyn.followup.models import Enrollment, Occasion, Programme, Stage

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from insyn.accounts.models import User

Actor = "User | AnonymousUser | None"


def _ancestor_paths(path: str) -> list[str]:
    parts = [p for p in path.strip("/").split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def sampled(programme: Programme, intervention: Intervention) -> bool:
    """The sampling rule (urval); the intake date is the day the intervention started."""
    intake = intervention.started_on
    rule = programme.sampling
    if rule == Programme.Sampling.ALL:
        return True
    if rule == Programme.Sampling.BIRTH_DAYS:
        return intervention.case.client.birth_date.day in {int(d) for d in programme.sampling_days}
    if intake is None:
        return False
    if rule == Programme.Sampling.EVEN_WEEKS:
        return intake.isocalendar().week % 2 == 0
    if rule == Programme.Sampling.PERIOD:
        after_start = programme.sampling_from is None or intake >= programme.sampling_from
        before_end = programme.sampling_to is None or intake <= programme.sampling_to
        return after_start and before_end
    return False


def programme_matches(programme: Programme, intervention: Intervention) -> bool:
    """Inclusion (intervention type, unit below owner and listed units) and sampling."""
    unit_path = intervention.case.unit.path
    if not unit_path.startswith(programme.owner.path):
        return False
    unit_paths = [u.path for u in programme.units.all()]
    if unit_paths and not any(unit_path.startswith(p) for p in unit_paths):
        return False
    type_ids = {t.pk for t in programme.intervention_types.all()}
    if type_ids and intervention.intervention_type_id not in type_ids:
        return False
    return sampled(programme, intervention)


def latest_published(*, for_unit_path: str | None = None) -> list[Programme]:
    """The newest published version of each programme key (visible from a unit)."""
    qs = Programme.objects.filter(status=Programme.Status.PUBLISHED)
    if for_unit_path is not None:
        qs = qs.filter(owner__path__in=_ancestor_paths(for_unit_path))
    newest = qs.values("key").annotate(v=Max("version"))
    wanted = Q()
    for row in newest:
        wanted |= Q(key=row["key"], version=row["v"])
    if not newest:
        return []
    return list(
        qs.filter(wanted).select_related("owner").prefetch_related("units", "intervention_types")
    )


def matching_programmes(intervention: Intervention) -> list[Programme]:
    return [
        p
        for p in latest_published(for_unit_path=intervention.case.unit.path)
        if programme_matches(p, intervention)
    ]


def _anchor(stage: Stage, enrollment: Enrollment) -> dt.date | None:
    intervention = enrollment.intervention
    if stage.anchor == Stage.Anchor.ENROLLMENT or intervention is None:
        return enrollment.enrolled_on
    if stage.anchor == Stage.Anchor.INTERVENTION_START:
        return intervention.started_on
    if stage.anchor == Stage.Anchor.INTERVENTION_END:
        return intervention.ended_on
    if stage.anchor == Stage.Anchor.DECISION:
        return intervention.decision.decided_on if intervention.decision else None
    if stage.anchor == Stage.Anchor.CASE_OPENED:
        return intervention.case.opened_on
    return None


SCHEDULE_FIELDS = ["due_on", "window_start", "window_end", "status"]


def schedule_occasions(enrollment: Enrollment, today: dt.date | None = None) -> list[Occasion]:
    """Create an occasion per stage and (re)compute open occasions' dates from their anchors.

    Done and missed occasions keep their dates: the schedule changes only what has not happened.
    """
    today = today or timezone.localdate()
    existing = {o.stage_id: o for o in enrollment.occasions.all()}
    result = []
    for stage in enrollment.programme.stages.all():
        occasion = existing.get(stage.pk) or Occasion(enrollment=enrollment, stage=stage)
        if occasion.pk is None or occasion.status in Occasion.OPEN_STATUSES:
            before = (occasion.due_on, occasion.window_start, occasion.window_end, occasion.status)
            anchor = _anchor(stage, enrollment)
            if anchor is None:
                occasion.due_on = occasion.window_start = occasion.window_end = None
            else:
                occasion.due_on = anchor + dt.timedelta(days=stage.offset_days)
                occasion.window_start = occasion.due_on - dt.timedelta(
                    days=stage.window_before_days
                )
                occasion.window_end = occasion.due_on + dt.timedelta(days=stage.window_after_days)
            occasion.status = occasion.current_status(today)
            after = (occasion.due_on, occasion.window_start, occasion.window_end, occasion.status)
            if occasion.pk is None:
                occasion.save()
            elif before != after:
                occasion.version = F("version") + 1
                occasion.save(update_fields=[*SCHEDULE_FIELDS, "version", "updated_at"])
                occasion.refresh_from_db(fields=["version"])
        result.append(occasion)
    return result


@transaction.atomic
def enrollment_create(
    *,
    actor: User | AnonymousUser | None,
    programme: Programme,
    intervention: Intervention,
    method: str = Enrollment.Method.MANUAL,
    enrolled_on: dt.date | None = None,
    responsible: User | None = None,
) -> Enrollment:
    # Locked, so a concurrent move of the case cannot leave the new enrolment in the old unit.
    case = (
        Case.objects.select_for_update()
        .select_related("unit", "client")
        .get(pk=intervention.case_id)
    )
    ensure_in_scope(actor, Action.CHANGE_INDIVIDUAL, case.unit.path)
    if programme.status != Programme.Status.PUBLISHED:
        raise ValidationError(_("Only a published programme can enrol clients."))
    if not case.unit.path.startswith(programme.owner.path):
        raise ValidationError(_("The programme does not apply to this unit."))
    if Enrollment.objects.filter(programme__key=programme.key, intervention=intervention).exists():
        raise ValidationError(_("The intervention is already enrolled in this programme."))
    enrollment = Enrollment.objects.create(
        programme=programme,
        client=case.client,
        intervention=intervention,
        unit=case.unit,
        responsible=responsible or case.case_worker,
        method=method,
        enrolled_on=enrolled_on or intervention.started_on or timezone.localdate(),
    )
    schedule_occasions(enrollment)
    record_change(actor=actor, action="create", obj=enrollment)
    return enrollment


@transaction.atomic
def enrollment_ensure(
    *,
    actor: User | AnonymousUser | None,
    programme: Programme,
    intervention: Intervention,
    method: str = Enrollment.Method.IMPORT,
) -> Enrollment:
    """The intervention's enrolment in this programme key (any version), created if missing."""
    existing = Enrollment.objects.filter(
        programme__key=programme.key, intervention=intervention
    ).first()
    if existing is not None:
        ensure_in_scope(actor, Action.CHANGE_INDIVIDUAL, existing.unit.path)
        return existing
    return enrollment_create(
        actor=actor, programme=programme, intervention=intervention, method=method
    )


@transaction.atomic
def enrollment_withdraw(
    *, actor: User | AnonymousUser | None, enrollment: Enrollment
) -> Enrollment:
    ensure_in_scope(actor, Action.CHANGE_INDIVIDUAL, enrollment.unit.path)
    before = snapshot(enrollment)
    enrollment.status = Enrollment.Status.WITHDRAWN
    enrollment.save(update_fields=["status", "updated_at"])
    record_change(actor=actor, action="withdraw", obj=enrollment, before=before)
    return enrollment


@transaction.atomic
def enrollment_assign(
    *, actor: User | AnonymousUser | None, enrollment: Enrollment, responsible: User | None
) -> Enrollment:
    """Make a case worker responsible for the follow-up (their work list and reminders)."""
    ensure_in_scope(actor, Action.CHANGE_INDIVIDUAL, enrollment.unit.path)
    if responsible is not None and not path_in_scope(
        responsible, Action.CHANGE_INDIVIDUAL, enrollment.unit.path
    ):
        raise responsible_refused()
    if enrollment.responsible_id == (responsible.pk if responsible else None):
        return enrollment
    before = snapshot(enrollment)
    enrollment.responsible = responsible
    enrollment.save(update_fields=["responsible", "updated_at"])
    record_change(actor=actor, action="assign", obj=enrollment, before=before)
    return enrollment


def responsible_refused() -> ValidationError:
    """The one answer for a responsible user outside the unit *and* for a user id that does
    not exist, so a caller cannot tell which accounts exist."""
    return ValidationError(
        {"responsible": [_("This person does not work with the unit's clients.")]}
    )


@transaction.atomic
def intervention_changed(
    *, actor: User | AnonymousUser | None, intervention: Intervention
) -> list[Enrollment]:
    """Call after an intervention is created or changed: reschedules its enrolments' open
    occasions (an end date fixes the 'after' stage) and, once it has started, enrols it in
    every matching published programme that enrols automatically. Returns new enrolments."""
    for enrollment in intervention.enrollments.select_related("programme"):
        if enrollment.status == Enrollment.Status.ACTIVE:
            schedule_occasions(enrollment)
    if intervention.started_on is None:
        return []
    created = []
    enrolled_keys = set(intervention.enrollments.values_list("programme__key", flat=True))
    for programme in matching_programmes(intervention):
        if programme.auto_enroll and programme.key not in enrolled_keys:
            created.append(
                enrollment_create(
                    actor=actor,
                    programme=programme,
                    intervention=intervention,
                    method=Enrollment.Method.AUTOMATIC,
                )
            )
    return created


@transaction.atomic
def occasions_refresh(today: dt.date | None = None) -> int:
    """Move open occasions along planned → due → overdue as their windows pass.

    One change entry per occasion moved (not one entry naming all ids): every occasion
    belongs to its own client and unit, and the audit trail is read per client and per unit
    ("who changed what about this client"), which an entry listing many ids could not answer.
    An occasion changes status at most a few times in its life, so the volume stays bounded.
    """
    today = today or timezone.localdate()
    rules = (
        (Occasion.Status.OVERDUE, Q(window_end__lt=today)),
        (Occasion.Status.DUE, Q(window_start__lte=today, window_end__gte=today)),
        (Occasion.Status.PLANNED, Q(window_start__gt=today) | Q(window_start__isnull=True)),
    )
    changed = 0
    for status, due in rules:
        moving = list(
            Occasion.objects.select_for_update()
            .select_related("enrollment__unit")
            .filter(due, status__in=Occasion.OPEN_STATUSES)
            .exclude(status=status)
            .order_by("pk")
        )
        if not moving:
            continue
        Occasion.objects.filter(pk__in=[o.pk for o in moving]).update(
            status=status, version=F("version") + 1
        )
        for occasion in moving:
            before = {"status": occasion.status}
            occasion.status = status
            record_change(
                actor=None, action="status", obj=occasion, before=before, after={"status": status}
            )
        changed += len(moving)
    return changed
