"""Action plans and their items: every write (web, API, demo) goes through here.

Who may do what:
- create, edit, add items, follow up, close: `handle_quality` on the plan's unit;
- change an item's status and result: `handle_quality` on the unit, or the item's responsible
  person (they do the work), for their own items only and while a membership of theirs still
  covers the unit;
- a source (deviation, complaint, lex Sarah report) can only be linked by someone who can see
  it, so a plan never becomes a window onto a finding one may not read.

Plans are org data, but each write records a change entry so the unit's auditors see it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from insyn.accounts.models import User
from insyn.core.audit import record_change, snapshot
from insyn.core.concurrency import bump_version, check_version, lock_row
from insyn.core.roles import Action
from insyn.core.scoping import path_in_scope
from insyn.core.services import ensure_in_scope
from insyn.organisations.models import OrgUnit
from insyn.quality.models import (
    ActionItem,
    ActionPlan,
    Complaint,
    ControlRound,
    Deviation,
    LexSarahReport,
    Risk,
)
from insyn.quality.workflow import Transition, Workflow

PlanSource = Deviation | Complaint | LexSarahReport | ControlRound | Risk

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    Actor = User | AnonymousUser | None

S = ActionItem.Status
P = ActionPlan.Status

# planned → ongoing → done / cancelled. "Done" is also allowed straight from planned (a small
# task finished before anyone marked it started); nothing leaves done or cancelled.
ITEM_FLOW = Workflow(
    gettext_lazy("the action item"),
    {
        "start": Transition((S.PLANNED,), S.ONGOING, pgettext_lazy("action item step", "Start")),
        "complete": Transition((S.PLANNED, S.ONGOING), S.DONE, gettext_lazy("Mark as done")),
        "cancel": Transition((S.PLANNED, S.ONGOING), S.CANCELLED, gettext_lazy("Cancel")),
    },
    dict(S.choices),
)

# open → followed up → closed; a plan with nothing left to do may also be closed unchecked.
PLAN_FLOW = Workflow(
    gettext_lazy("the action plan"),
    {
        "follow_up": Transition((P.OPEN,), P.FOLLOWED_UP, gettext_lazy("Follow up")),
        "close": Transition((P.OPEN, P.FOLLOWED_UP), P.CLOSED, gettext_lazy("Close")),
    },
    dict(P.choices),
)

PLAN_FIELDS = ("title", "problem", "goal", "owner", "follow_up_on")
ITEM_FIELDS = ("activity", "responsible", "due_on")


def _blank(value: str | None) -> bool:
    return not (value or "").strip()


def source_visible(user: Actor, source: PlanSource) -> bool:
    """May `user` read this source? Deviations, complaints, control rounds and risks:
    view_quality on their unit;
    a lex Sarah report: its officers (handle) or the quality leads (view) of its unit."""
    if user is None:
        return True
    path = source.unit.path
    if isinstance(source, LexSarahReport):
        return path_in_scope(user, Action.HANDLE_LEX_SARAH, path) or path_in_scope(
            user, Action.VIEW_LEX_SARAH, path
        )
    return path_in_scope(user, Action.VIEW_QUALITY, path)


def _check_owner(owner: User | None, unit: OrgUnit) -> User:
    municipality = unit.municipality or unit
    if owner is None or not owner.is_active:
        raise ValidationError({"owner": [_("Choose an active user as owner.")]})
    if not owner.memberships.filter(
        org_unit__path__startswith=municipality.path, org_unit__active=True
    ).exists():
        raise ValidationError(
            {"owner": [_("The owner must work in %(m)s.") % {"m": municipality.name}]}
        )
    return owner


def _check_responsible(user: User | None, plan: ActionPlan) -> User:
    if user is None or not user.is_active:
        raise ValidationError({"responsible": [_("Choose an active user as responsible.")]})
    user.__dict__.pop("_insyn_granted_paths", None)
    if not path_in_scope(user, Action.VIEW_ORG, plan.unit.path):
        raise ValidationError(
            {"responsible": [_("The responsible person must work in the plan's unit.")]}
        )
    return user


def _check_open(plan: ActionPlan) -> None:
    if plan.status == P.CLOSED:
        raise ValidationError(_("The action plan is closed; nothing in it can change."))


@transaction.atomic
def action_plan_create(
    *,
    actor: Actor,
    title: str,
    problem: str,
    owner: User | None,
    unit: OrgUnit | None = None,
    goal: str = "",
    follow_up_on: dt.date | None = None,
    deviation: Deviation | None = None,
    lex_sarah_report: LexSarahReport | None = None,
    complaint: Complaint | None = None,
    control_round: ControlRound | None = None,
    risk: Risk | None = None,
    created_at: dt.datetime | None = None,
) -> ActionPlan:
    """A new open plan. Its unit defaults to the source's unit. The system (actor None: an
    import of earlier plans, the demo) may give the time the plan was decided; a person's
    plan is decided now."""
    if actor is not None and created_at is not None:
        raise ValueError("only the system (actor=None) gives the time a plan was decided")
    sources = [
        s for s in (deviation, lex_sarah_report, complaint, control_round, risk) if s is not None
    ]
    if len(sources) > 1:
        raise ValidationError(_("An action plan has at most one source."))
    source = sources[0] if sources else None
    if source is not None and not source_visible(actor, source):
        # the same answer as for a source that does not exist
        raise ValidationError({"source": [_("Unknown source.")]})
    if unit is None and source is not None:
        unit = source.unit
    if unit is None:
        raise ValidationError({"unit": [_("Choose a unit.")]})
    ensure_in_scope(actor, Action.HANDLE_QUALITY, unit.path)
    errors: dict[str, list[str]] = {}
    if _blank(title):
        errors["title"] = [_("Name the improvement area.")]
    if _blank(problem):
        errors["problem"] = [_("Describe the problem or improvement area.")]
    if errors:
        raise ValidationError(errors)
    owner = _check_owner(owner, unit)
    plan = ActionPlan.objects.create(
        municipality=unit.municipality or unit,
        unit=unit,
        title=title.strip(),
        problem=problem.strip(),
        goal=(goal or "").strip(),
        owner=owner,
        follow_up_on=follow_up_on,
        deviation=deviation,
        lex_sarah_report=lex_sarah_report,
        complaint=complaint,
        control_round=control_round,
        risk=risk,
        created_by=actor if isinstance(actor, User) else owner,
    )
    if created_at is not None:  # auto_now_add set it to now on insert
        ActionPlan.objects.filter(pk=plan.pk).update(created_at=created_at)
        plan.created_at = created_at
    record_change(actor=actor, action="create", obj=plan)
    return plan


@transaction.atomic
def action_plan_update(
    *,
    actor: Actor,
    plan: ActionPlan,
    expected_version: int | None = None,
    **changes: Any,
) -> ActionPlan:
    """Change title, problem, goal, owner or follow-up date (not the unit or the source)."""
    unknown = set(changes) - set(PLAN_FIELDS)
    if unknown:
        raise ValidationError(_("These cannot be changed: %(f)s.") % {"f": ", ".join(unknown)})
    lock_row(plan)
    ensure_in_scope(actor, Action.HANDLE_QUALITY, plan.unit.path)
    check_version(plan, expected_version)
    _check_open(plan)
    errors: dict[str, list[str]] = {}
    for name in ("title", "problem"):
        if name in changes and _blank(changes[name]):
            errors[name] = [_("This field is required.")]
    if errors:
        raise ValidationError(errors)
    if "owner" in changes:
        _check_owner(changes["owner"], plan.unit)
    before = snapshot(plan)
    changed = []
    for name, value in changes.items():
        if isinstance(value, str):
            value = value.strip()
        if getattr(plan, name) != value:
            setattr(plan, name, value)
            changed.append(name)
    if not changed:
        return plan
    plan.save(update_fields=[*changed, "updated_at", *bump_version(plan)])
    record_change(actor=actor, action="update", obj=plan, before=before)
    return plan


@transaction.atomic
def action_item_add(
    *,
    actor: Actor,
    plan: ActionPlan,
    activity: str,
    responsible: User | None,
    due_on: dt.date | None,
    backdated: bool = False,
) -> ActionItem:
    """A planned item. `due_on` may not lie in the past, except for the system (actor None:
    import, demo) with `backdated=True`, which records work planned earlier."""
    lock_row(plan)
    ensure_in_scope(actor, Action.HANDLE_QUALITY, plan.unit.path)
    _check_open(plan)
    errors: dict[str, list[str]] = {}
    if _blank(activity):
        errors["activity"] = [_("Describe the activity.")]
    if due_on is None:
        errors["due_on"] = [_("Give a due date.")]
    elif due_on < timezone.localdate() and not (backdated and actor is None):
        errors["due_on"] = [_("The due date cannot be in the past.")]
    if errors:
        raise ValidationError(errors)
    responsible = _check_responsible(responsible, plan)
    assert due_on is not None
    item = ActionItem.objects.create(
        plan=plan, activity=activity.strip(), responsible=responsible, due_on=due_on
    )
    record_change(actor=actor, action="create", obj=item)
    return item


@transaction.atomic
def action_item_update(
    *,
    actor: Actor,
    item: ActionItem,
    expected_version: int | None = None,
    **changes: Any,
) -> ActionItem:
    """Change activity, responsible person or due date of an open item (plan handlers only).
    A new due date may not be in the past; an unchanged one may (the item is overdue)."""
    unknown = set(changes) - set(ITEM_FIELDS)
    if unknown:
        raise ValidationError(_("These cannot be changed: %(f)s.") % {"f": ", ".join(unknown)})
    lock_row(item)
    plan = item.plan
    ensure_in_scope(actor, Action.HANDLE_QUALITY, plan.unit.path)
    check_version(item, expected_version)
    _check_open(plan)
    if item.status not in ActionItem.OPEN_STATUSES:
        raise ValidationError(_("A done or cancelled item cannot be edited."))
    errors: dict[str, list[str]] = {}
    if "activity" in changes and _blank(changes["activity"]):
        errors["activity"] = [_("Describe the activity.")]
    if "due_on" in changes:
        due_on = changes["due_on"]
        if due_on is None:
            errors["due_on"] = [_("Give a due date.")]
        elif due_on != item.due_on and due_on < timezone.localdate():
            errors["due_on"] = [_("The due date cannot be in the past.")]
    if errors:
        raise ValidationError(errors)
    if "responsible" in changes and changes["responsible"] != item.responsible:
        _check_responsible(changes["responsible"], plan)
    before = snapshot(item)
    changed = []
    for name, value in changes.items():
        if isinstance(value, str):
            value = value.strip()
        if getattr(item, name) != value:
            setattr(item, name, value)
            changed.append(name)
    if not changed:
        return item
    item.save(update_fields=[*changed, "updated_at", *bump_version(item)])
    record_change(actor=actor, action="update", obj=item, before=before)
    return item


def may_work_on(user: Actor, item: ActionItem) -> bool:
    """Handlers of the unit, or the item's own responsible person while they work there."""
    if user is None:
        return True
    path = item.plan.unit.path
    if path_in_scope(user, Action.HANDLE_QUALITY, path):
        return True
    return item.responsible_id == user.pk and path_in_scope(user, Action.VIEW_ORG, path)


@transaction.atomic
def action_item_transition(
    *,
    actor: Actor,
    item: ActionItem,
    action: str,
    result: str = "",
    done_on: dt.date | None = None,
    expected_version: int | None = None,
) -> ActionItem:
    """Move an item along ITEM_FLOW. Done needs a result and a date not in the future
    (default today); cancelled needs the reason, in `result`."""
    lock_row(item)
    plan = item.plan
    if not may_work_on(actor, item):
        ensure_in_scope(actor, Action.HANDLE_QUALITY, plan.unit.path)  # raises the 404
    check_version(item, expected_version)
    _check_open(plan)
    target = ITEM_FLOW.check(item.status, action)
    before = snapshot(item)
    fields = ["status"]
    if target == S.DONE:
        if _blank(result):
            raise ValidationError({"result": [_("Say what was done and what came of it.")]})
        done_on = done_on or timezone.localdate()
        if done_on > timezone.localdate():
            raise ValidationError({"done_on": [_("The date done cannot be in the future.")]})
        item.result, item.done_on = result.strip(), done_on
        fields += ["result", "done_on"]
    elif target == S.CANCELLED:
        if _blank(result):
            raise ValidationError({"result": [_("Give the reason for cancelling.")]})
        item.result = result.strip()
        fields.append("result")
    elif not _blank(result):
        item.result = result.strip()
        fields.append("result")
    item.status = target
    item.save(update_fields=[*fields, "updated_at", *bump_version(item)])
    record_change(actor=actor, action=action, obj=item, before=before)
    return item


@transaction.atomic
def action_item_note(
    *,
    actor: Actor,
    item: ActionItem,
    result: str,
    expected_version: int | None = None,
) -> ActionItem:
    """Write progress into the result of an open item (handler or its responsible person)."""
    lock_row(item)
    if not may_work_on(actor, item):
        ensure_in_scope(actor, Action.HANDLE_QUALITY, item.plan.unit.path)
    check_version(item, expected_version)
    _check_open(item.plan)
    if item.status not in ActionItem.OPEN_STATUSES:
        raise ValidationError(_("A done or cancelled item cannot be edited."))
    result = (result or "").strip()
    if result == item.result:
        return item
    before = snapshot(item)
    item.result = result
    item.save(update_fields=["result", "updated_at", *bump_version(item)])
    record_change(actor=actor, action="update", obj=item, before=before)
    return item


@transaction.atomic
def action_plan_follow_up(
    *,
    actor: Actor,
    plan: ActionPlan,
    followed_up_on: dt.date | None,
    outcome: str,
    outcome_text: str,
    expected_version: int | None = None,
) -> ActionPlan:
    """Record whether the plan worked. Only when every item is done or cancelled."""
    lock_row(plan)
    ensure_in_scope(actor, Action.HANDLE_QUALITY, plan.unit.path)
    check_version(plan, expected_version)
    PLAN_FLOW.check(plan.status, "follow_up")
    if plan.items.filter(status__in=ActionItem.OPEN_STATUSES).exists():
        raise ValidationError(
            _("Follow the plan up when every item is done or cancelled."), code="items_open"
        )
    errors: dict[str, list[str]] = {}
    if followed_up_on is None:
        errors["followed_up_on"] = [_("Give the date of the follow-up.")]
    elif followed_up_on > timezone.localdate():
        errors["followed_up_on"] = [_("The follow-up date cannot be in the future.")]
    if outcome not in ActionPlan.Outcome.values:
        errors["outcome"] = [_("Choose whether it worked.")]
    if _blank(outcome_text):
        errors["outcome_text"] = [_("Describe what the follow-up found.")]
    if errors:
        raise ValidationError(errors)
    before = snapshot(plan)
    plan.followed_up_on, plan.outcome = followed_up_on, outcome
    plan.outcome_text, plan.status = outcome_text.strip(), P.FOLLOWED_UP
    plan.save(
        update_fields=[
            "followed_up_on",
            "outcome",
            "outcome_text",
            "status",
            "updated_at",
            *bump_version(plan),
        ]
    )
    record_change(actor=actor, action="follow_up", obj=plan, before=before)
    return plan


@transaction.atomic
def action_plan_close(
    *, actor: Actor, plan: ActionPlan, expected_version: int | None = None
) -> ActionPlan:
    """Close the plan; nothing in it changes afterwards. Not while items are open."""
    lock_row(plan)
    ensure_in_scope(actor, Action.HANDLE_QUALITY, plan.unit.path)
    check_version(plan, expected_version)
    PLAN_FLOW.check(plan.status, "close")
    if plan.items.filter(status__in=ActionItem.OPEN_STATUSES).exists():
        raise ValidationError(
            _("Close the plan when every item is done or cancelled."), code="items_open"
        )
    before = snapshot(plan)
    plan.status = P.CLOSED
    plan.save(update_fields=["status", "updated_at", *bump_version(plan)])
    record_change(actor=actor, action="close", obj=plan, before=before)
    return plan
