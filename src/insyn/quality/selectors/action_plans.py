"""Reads of action plans and items. A plan is visible to `view_quality` in its unit's subtree,
and to each item's responsible person (who must open the plan to do their part) while a
membership of theirs covers the unit."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from insyn.core.roles import Action
from insyn.core.scoping import granted_paths, path_in_scope, paths_q
from insyn.quality.digest import DigestLine
from insyn.quality.models import ActionItem, ActionPlan

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from insyn.accounts.models import User

SOON_DAYS = 7  # "due soon": within this many days (reminders and the start page)


def action_plans_visible(user: User | AnonymousUser | None) -> QuerySet[ActionPlan]:
    """Every plan `user` may read (the one door for pages and API)."""
    base = ActionPlan.objects.select_related("unit", "owner")
    viewer = granted_paths(user, Action.VIEW_QUALITY)
    worker = granted_paths(user, Action.VIEW_ORG)
    if user is None or not user.is_authenticated or not (viewer or worker):
        return base.none()
    q = paths_q("unit__path", viewer) if viewer else Q(pk__in=[])
    if worker:
        mine = ActionItem.objects.filter(plan=OuterRef("pk"), responsible=user)
        q |= Exists(mine) & paths_q("unit__path", worker)
    return base.filter(q)


def action_items_visible(user: User | AnonymousUser | None) -> QuerySet[ActionItem]:
    return ActionItem.objects.select_related("plan__unit", "responsible").filter(
        plan__in=action_plans_visible(user)
    )


def action_plans_filtered(
    user: User | AnonymousUser | None,
    *,
    status: str = "",
    unit: Any = None,
    source: str = "",
    overdue: bool = False,
    today: dt.date | None = None,
) -> QuerySet[ActionPlan]:
    """The list page's and API's filters: status, unit (its subtree), source kind, overdue."""
    qs = action_plans_visible(user)
    if status:
        qs = qs.filter(status=status)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if source == "none":
        qs = qs.filter(deviation=None, complaint=None, lex_sarah_report=None)
    elif source in ("deviation", "complaint", "lex_sarah_report"):
        qs = qs.filter(**{f"{source}__isnull": False})
    if overdue:
        today = today or timezone.localdate()
        late = ActionItem.objects.filter(
            plan=OuterRef("pk"), status__in=ActionItem.OPEN_STATUSES, due_on__lt=today
        )
        qs = qs.filter(Exists(late))
    return qs


def my_due_items(user: User, today: dt.date, days: int = SOON_DAYS) -> QuerySet[ActionItem]:
    """Open items `user` is responsible for, overdue or due within `days` (start page)."""
    horizon = today + dt.timedelta(days=days)
    return (
        action_items_visible(user)
        .filter(
            responsible=user,
            status__in=ActionItem.OPEN_STATUSES,
            due_on__lte=horizon,
            plan__status=ActionPlan.Status.OPEN,
        )
        .order_by("due_on", "id")
    )


def digest_action_items(today: dt.date) -> dict[User, list[DigestLine]]:
    """The "action_items" digest section: open items due within SOON_DAYS or overdue, for
    their responsible person; plans whose follow-up date has come, for their owner. Only
    for active users who can still open the plan (a link they cannot follow helps no one)."""
    from django.urls import reverse

    horizon = today + dt.timedelta(days=SOON_DAYS)
    lines: dict[User, list[DigestLine]] = {}
    items = (
        ActionItem.objects.filter(
            status__in=ActionItem.OPEN_STATUSES,
            due_on__lte=horizon,
            plan__status=ActionPlan.Status.OPEN,
            responsible__is_active=True,
        )
        .select_related("plan__unit", "responsible")
        .order_by("due_on", "id")
    )
    for item in items:
        user = item.responsible
        if not path_in_scope(user, Action.VIEW_ORG, item.plan.unit.path):
            continue
        overdue = item.due_on < today
        text = (
            _("Overdue: %(activity)s (%(plan)s)") if overdue else _("Due: %(activity)s (%(plan)s)")
        ) % {"activity": _short(item.activity), "plan": _short(item.plan.title)}
        lines.setdefault(user, []).append(
            DigestLine(
                section="action_items",
                text=text,
                due_on=item.due_on,
                overdue=overdue,
                path=reverse("quality:action_plan", args=[item.plan_id]) + f"#item-{item.pk}",
            )
        )
    plans = ActionPlan.objects.filter(
        status=ActionPlan.Status.OPEN,
        follow_up_on__lte=today,
        followed_up_on__isnull=True,
        owner__is_active=True,
    ).select_related("unit", "owner")
    for plan in plans:
        owner = plan.owner
        if not path_in_scope(owner, Action.VIEW_QUALITY, plan.unit.path):
            continue
        lines.setdefault(owner, []).append(
            DigestLine(
                section="action_items",
                text=_("Time to follow up: %(plan)s") % {"plan": _short(plan.title)},
                due_on=plan.follow_up_on,
                overdue=bool(plan.follow_up_on and plan.follow_up_on < today),
                path=reverse("quality:action_plan", args=[plan.pk]),
            )
        )
    return lines


def _short(text: str, length: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"
