"""The annual cycle: every write (web, API, demo, CLI) goes through here.

Who may do what:
- activities (create, change, install the default cycle) and generating the year's tasks:
  `handle_quality` on the activity's unit;
- a task's status, note and done date: `handle_quality` on the unit, or the task's
  responsible person (they do the work);
- the calendar feed's token: its own user.

Generation is idempotent: a task is one occurrence of an activity in one month of one year, so
running it again creates nothing, keeps statuses and notes, and moving an activity's day
later does not duplicate the month's task.
"""

from __future__ import annotations

import calendar
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from insyn.accounts.models import User
from insyn.core.audit import record_change, snapshot
from insyn.core.concurrency import bump_version, check_version, lock_row
from insyn.core.roles import Action
from insyn.core.scoping import path_in_scope
from insyn.core.services import ensure_in_scope
from insyn.organisations.models import OrgUnit
from insyn.quality.models import CalendarFeed, CycleActivity, CycleTask
from insyn.quality.workflow import Transition, Workflow

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    Actor = User | AnonymousUser | None

DEFAULT_CYCLE = Path(__file__).resolve().parent.parent / "fixtures" / "cycle" / "default.yaml"
F = CycleActivity.Frequency
S = CycleTask.Status
MIN_YEAR, MAX_YEAR = 2000, 2100

# planned → ongoing → done / cancelled; done may be straight from planned; a done or cancelled
# task can be reopened (a report sent back by the committee).
TASK_FLOW = Workflow(
    gettext_lazy("the task"),
    {
        "start": Transition((S.PLANNED,), S.ONGOING, pgettext_lazy("cycle task step", "Start")),
        "complete": Transition((S.PLANNED, S.ONGOING), S.DONE, gettext_lazy("Mark as done")),
        "cancel": Transition((S.PLANNED, S.ONGOING), S.CANCELLED, gettext_lazy("Cancel")),
        "reopen": Transition((S.DONE, S.CANCELLED), S.ONGOING, gettext_lazy("Reopen")),
    },
    dict(S.choices),
)

ACTIVITY_FIELDS = (
    "code",
    "title",
    "description",
    "reported_to",
    "frequency",
    "month",
    "day",
    "first_year",
    "method",
    "responsible_role",
    "responsible",
    "linked",
    "active",
    "sort_order",
)


# --- dates -------------------------------------------------------------------------------------


def clamped(year: int, month: int, day: int) -> dt.date:
    """`day` of `month`, or the month's last day when it is shorter (31 → 28/29 in February)."""
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def occurrence_months(activity: CycleActivity, year: int) -> list[int]:
    """The months of `year` in which the activity has a task."""
    month = activity.month or 1
    if activity.frequency == F.MONTHLY:
        return list(range(1, 13))
    if activity.frequency == F.QUARTERLY:
        return [month + 3 * q for q in range(4)]
    if activity.frequency == F.BIENNIAL:
        first = activity.first_year
        return [month] if first is not None and (year - first) % 2 == 0 else []
    return [month]


def due_dates(activity: CycleActivity, year: int) -> list[dt.date]:
    return [clamped(year, m, activity.day) for m in occurrence_months(activity, year)]


def check_year(year: Any) -> int:
    if not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError(
            {"year": [_("Give a year between %(a)s and %(b)s.") % {"a": MIN_YEAR, "b": MAX_YEAR}]}
        )
    return year


def _duplicate_code() -> str:
    return _("The municipality already has an activity with this code.")


# --- activities --------------------------------------------------------------------------------


def _validate(data: dict[str, Any]) -> None:
    """The whole activity's rules, every message at once, before anything is written."""
    errors: dict[str, list[str]] = {}
    frequency, month, day = data.get("frequency"), data.get("month"), data.get("day")
    if not (data.get("title") or "").strip():
        errors["title"] = [_("Name the activity.")]
    if not data.get("code") or slugify(str(data["code"])) != data["code"]:
        errors["code"] = [_("Give a code of lower-case letters, digits and hyphens.")]
    if frequency not in F.values:
        errors["frequency"] = [_("Choose how often the activity recurs.")]
    elif frequency == F.QUARTERLY:
        if month is None or not 1 <= month <= 3:
            errors["month"] = [_("Give the month within the quarter: 1, 2 or 3.")]
    elif frequency in (F.YEARLY, F.BIENNIAL):
        if month is None or not 1 <= month <= 12:
            errors["month"] = [_("Give a month between 1 and 12.")]
    elif month is not None and not 1 <= month <= 12:
        errors["month"] = [_("Give a month between 1 and 12.")]
    if not isinstance(day, int) or not 1 <= day <= 31:
        errors["day"] = [_("Give a day of the month between 1 and 31.")]
    first_year = data.get("first_year")
    if frequency == F.BIENNIAL and first_year is None:
        errors["first_year"] = [
            _("Give the first year of an every-other-year activity (it recurs every second year).")
        ]
    elif first_year is not None and not MIN_YEAR <= first_year <= MAX_YEAR:
        errors["first_year"] = [
            _("Give a year between %(a)s and %(b)s.") % {"a": MIN_YEAR, "b": MAX_YEAR}
        ]
    if data.get("reported_to", "") not in ("", *CycleActivity.ReportedTo.values):
        errors["reported_to"] = [_("Choose who the activity is reported to.")]
    if data.get("linked", "") not in CycleActivity.Linked.values:
        errors["linked"] = [_("Choose what the activity is linked to.")]
    if errors:
        raise ValidationError(errors)


def _check_responsible(user: User | None, unit: OrgUnit) -> None:
    if user is None:
        return
    user.__dict__.pop("_insyn_granted_paths", None)
    if not user.is_active or not path_in_scope(user, Action.VIEW_ORG, unit.path):
        raise ValidationError(
            {"responsible": [_("The responsible person must work in the activity's unit.")]}
        )


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    for key in ("title", "description", "method", "responsible_role", "code"):
        if isinstance(data.get(key), str):
            data[key] = data[key].strip()
    data.setdefault("day", 28)
    data["reported_to"] = data.get("reported_to") or ""
    data["linked"] = data.get("linked") or ""
    if data.get("frequency") == F.MONTHLY:
        data["month"] = None
    if data.get("frequency") != F.BIENNIAL:
        data["first_year"] = None
    return data


@transaction.atomic
def activity_create(*, actor: Actor, unit: OrgUnit, **data: Any) -> CycleActivity:
    unknown = set(data) - set(ACTIVITY_FIELDS)
    if unknown:
        raise ValidationError(_("These cannot be set: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    ensure_in_scope(actor, Action.HANDLE_QUALITY, unit.path)
    data = _clean(dict(data))
    _validate(data)
    municipality = unit.municipality or unit
    if CycleActivity.objects.filter(municipality=municipality, code=data["code"]).exists():
        raise ValidationError({"code": [_duplicate_code()]})
    _check_responsible(data.get("responsible"), unit)
    activity = CycleActivity.objects.create(municipality=municipality, unit=unit, **data)
    record_change(actor=actor, action="create", obj=activity)
    return activity


@transaction.atomic
def activity_update(
    *, actor: Actor, activity: CycleActivity, expected_version: int | None = None, **changes: Any
) -> CycleActivity:
    """Change the activity (not its unit). Tasks already generated keep their dates."""
    unknown = set(changes) - set(ACTIVITY_FIELDS)
    if unknown:
        raise ValidationError(
            _("These cannot be changed: %(f)s.") % {"f": ", ".join(sorted(unknown))}
        )
    lock_row(activity)
    ensure_in_scope(actor, Action.HANDLE_QUALITY, activity.unit.path)
    check_version(activity, expected_version)
    data = {f: getattr(activity, f) for f in ACTIVITY_FIELDS}
    data.update(changes)
    data = _clean(data)
    _validate(data)
    if (
        data["code"] != activity.code
        and CycleActivity.objects.filter(municipality=activity.municipality, code=data["code"])
        .exclude(pk=activity.pk)
        .exists()
    ):
        raise ValidationError({"code": [_duplicate_code()]})
    if data.get("responsible") != activity.responsible:
        _check_responsible(data.get("responsible"), activity.unit)
    changed = [f for f in ACTIVITY_FIELDS if getattr(activity, f) != data[f]]
    if not changed:
        return activity
    before = snapshot(activity)
    for f in changed:
        setattr(activity, f, data[f])
    activity.save(update_fields=[*changed, *bump_version(activity)])
    record_change(actor=actor, action="update", obj=activity, before=before)
    return activity


def default_cycle() -> list[dict[str, Any]]:
    """The shipped default cycle (fixtures/cycle/default.yaml) as a list of activities."""
    rows = yaml.safe_load(DEFAULT_CYCLE.read_text(encoding="utf-8")) or []
    return [dict(r) for r in rows]


@transaction.atomic
def install_default(*, actor: Actor, unit: OrgUnit) -> tuple[int, int]:
    """Install the default cycle on `unit` (usually the social services administration).
    Idempotent by code within the municipality: (created, already there)."""
    ensure_in_scope(actor, Action.HANDLE_QUALITY, unit.path)
    municipality = unit.municipality or unit
    existing = set(
        CycleActivity.objects.filter(municipality=municipality).values_list("code", flat=True)
    )
    created = 0
    for row in default_cycle():
        if row["code"] in existing:
            continue
        activity_create(actor=actor, unit=unit, **row)
        created += 1
    return created, len(existing & {r["code"] for r in default_cycle()})


# --- tasks -------------------------------------------------------------------------------------


@transaction.atomic
def generate_tasks(*, actor: Actor, year: Any, unit: OrgUnit | None = None) -> tuple[int, int]:
    """The dated tasks of `year` for every active activity the actor may handle (within
    `unit`'s subtree when given). Returns (created, already there); nothing is changed."""
    year = check_year(year)
    activities = CycleActivity.objects.filter(active=True).select_related("unit")
    if unit is not None:
        ensure_in_scope(actor, Action.HANDLE_QUALITY, unit.path)
        activities = activities.filter(unit__path__startswith=unit.path)
    if actor is not None:
        activities = activities.restrict(actor, Action.HANDLE_QUALITY)
    created = existing = 0
    for activity in activities:
        taken = {
            d.month
            for d in CycleTask.objects.filter(activity=activity, year=year).values_list(
                "due_on", flat=True
            )
        }
        for due_on in due_dates(activity, year):
            if due_on.month in taken:
                existing += 1
                continue
            task = CycleTask.objects.create(
                activity=activity, year=year, due_on=due_on, responsible=activity.responsible
            )
            record_change(actor=actor, action="generate", obj=task)
            created += 1
    return created, existing


def may_work_on(user: Actor, task: CycleTask) -> bool:
    """The handler of the unit, or the task's responsible person (while still active)."""
    if user is None:
        return True
    if not user.is_authenticated:
        return False
    if path_in_scope(user, Action.HANDLE_QUALITY, task.activity.unit.path):
        return True
    return task.responsible_id == user.pk and bool(user.is_active)


def _check_may_work_on(actor: Actor, task: CycleTask) -> None:
    if not may_work_on(actor, task):
        ensure_in_scope(actor, Action.HANDLE_QUALITY, task.activity.unit.path)


@transaction.atomic
def task_transition(
    *,
    actor: Actor,
    task: CycleTask,
    action: str,
    note: str | None = None,
    done_on: dt.date | None = None,
    expected_version: int | None = None,
) -> CycleTask:
    """Move the task along TASK_FLOW; "complete" records the done date (today by default,
    never in the future)."""
    lock_row(task)
    _check_may_work_on(actor, task)
    check_version(task, expected_version)
    target = TASK_FLOW.check(task.status, action)
    before = snapshot(task)
    fields = ["status"]
    if target == S.DONE:
        done_on = done_on or timezone.localdate()
        if done_on > timezone.localdate():
            raise ValidationError({"done_on": [_("The date done cannot be in the future.")]})
        task.done_on = done_on
        fields.append("done_on")
    elif task.done_on is not None:
        task.done_on = None
        fields.append("done_on")
    if note is not None and note.strip() != task.note:
        task.note = note.strip()
        fields.append("note")
    task.status = target
    task.save(update_fields=[*fields, "updated_at", *bump_version(task)])
    record_change(actor=actor, action=action, obj=task, before=before)
    return task


@transaction.atomic
def task_update(
    *,
    actor: Actor,
    task: CycleTask,
    expected_version: int | None = None,
    **changes: Any,
) -> CycleTask:
    """Note and done date: the handler or the responsible person; responsible person and due
    date: the handler only."""
    allowed = {"note", "done_on", "responsible", "due_on"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(
            _("These cannot be changed: %(f)s.") % {"f": ", ".join(sorted(unknown))}
        )
    lock_row(task)
    _check_may_work_on(actor, task)
    if {"responsible", "due_on"} & set(changes):
        ensure_in_scope(actor, Action.HANDLE_QUALITY, task.activity.unit.path)
    check_version(task, expected_version)
    errors: dict[str, list[str]] = {}
    if "note" in changes:
        changes["note"] = (changes["note"] or "").strip()
    if "done_on" in changes:
        done_on = changes["done_on"]
        if done_on is not None and task.status != S.DONE:
            errors["done_on"] = [_("Only a done task has a date done.")]
        elif done_on is not None and done_on > timezone.localdate():
            errors["done_on"] = [_("The date done cannot be in the future.")]
        elif done_on is None and task.status == S.DONE:
            errors["done_on"] = [_("A done task needs the date it was done.")]
    if "due_on" in changes:
        due_on = changes["due_on"]
        if due_on is None or due_on.year != task.year:
            errors["due_on"] = [
                _("The due date must be in the task's year (%(y)s).") % {"y": task.year}
            ]
    if "responsible" in changes:
        try:
            _check_responsible(changes["responsible"], task.activity.unit)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    changed = [f for f, v in changes.items() if getattr(task, f) != v]
    if not changed:
        return task
    before = snapshot(task)
    for f in changed:
        setattr(task, f, changes[f])
    task.save(update_fields=[*changed, "updated_at", *bump_version(task)])
    record_change(actor=actor, action="update", obj=task, before=before)
    return task


# --- the calendar feed -------------------------------------------------------------------------


def feed_for(user: User) -> CalendarFeed:
    """The user's feed, made on first use (the token is secret; it is not in the audit)."""
    feed, created = CalendarFeed.objects.get_or_create(user=user)
    if created:
        record_change(actor=user, action="create", obj=feed, after={"user_id": user.pk})
    return feed


@transaction.atomic
def feed_renew(*, actor: User) -> CalendarFeed:
    """A new secret token: the old address stops working at once."""
    from insyn.quality.models.cycle import _feed_token

    feed = feed_for(actor)
    feed.token = _feed_token()
    feed.save(update_fields=["token"])
    record_change(actor=actor, action="renew", obj=feed, after={"user_id": actor.pk})
    return feed
