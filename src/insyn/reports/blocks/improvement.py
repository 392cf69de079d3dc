"""The improvement loop and the annual cycle in the report: action plans (what was decided,
what was done, what it gave) and the annual cycle's activities of the year.

Both read through the quality app's own doors (`action_plans_filtered`, `tasks_filtered`), so
the report holds what the building user may read in the report's units. A plan's source is
named by its kind only, and of the plan's texts only the title and the follow-up's finding are
printed: the problem description and the items' activity and result texts are free text that
is often copied from a deviation or complaint and can name a client (docs/reports.md)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from insyn.quality.models import ActionItem, ActionPlan, CycleActivity, CycleTask
from insyn.quality.selectors.action_plans import action_items_visible, action_plans_filtered
from insyn.quality.selectors.cycle import tasks_filtered
from insyn.reports.blocks import BuildContext, figures, register
from insyn.reports.document import Block, Cell, Message, Table
from insyn.reports.spec import text

SHOW = ("done", "open", "all")


def source_kind(plan: ActionPlan) -> str:
    """What the plan came from, by kind only (never the source's reference or text)."""
    if plan.deviation_id:
        return _("Deviation")
    if plan.complaint_id:
        return _("Complaint")
    if plan.lex_sarah_report_id:
        return _("Lex Sarah report")
    if plan.risk_id:
        return _("Risk")
    if plan.control_round_id:
        return _("Internal control")
    return _("Own initiative")


def _plans(ctx: BuildContext, show: str) -> list[ActionPlan]:
    """`done`: plans with an item done in the year or followed up in it (measures taken).
    `open`: plans decided by the year's end and not followed up by then (development areas
    for next year); a plan closed without a follow-up date has no date to place it and
    counts as no longer open. `all`: both."""
    first, last = dt.date(ctx.year, 1, 1), dt.date(ctx.year, 12, 31)
    qs = action_plans_filtered(ctx.user, unit=ctx.unit)
    done = Q(followed_up_on__year=ctx.year) | Q(
        items__status=ActionItem.Status.DONE, items__done_on__gte=first, items__done_on__lte=last
    )
    still_open = (
        Q(created_at__date__lte=last)
        & (Q(followed_up_on__isnull=True) | Q(followed_up_on__gt=last))
        & ~Q(status=ActionPlan.Status.CLOSED, followed_up_on__isnull=True)
    )
    wanted = {"done": done, "open": still_open, "all": done | still_open}[show]
    return list(qs.filter(wanted).distinct().order_by("created_at", "id"))


def _item_counts(
    ctx: BuildContext, plans: list[ActionPlan], last: dt.date
) -> dict[int, tuple[int, int, Any]]:
    """Per plan: (items done by the year's end, items not cancelled, next open due date)."""
    counts: dict[int, list[Any]] = defaultdict(lambda: [0, 0, None])
    items = action_items_visible(ctx.user).filter(plan__in=plans)
    for plan_id, status, done_on, due_on in items.values_list(
        "plan_id", "status", "done_on", "due_on"
    ):
        row = counts[plan_id]
        if status == ActionItem.Status.CANCELLED:
            continue
        row[1] += 1
        if status == ActionItem.Status.DONE and done_on and done_on <= last:
            row[0] += 1
        elif row[2] is None or due_on < row[2]:
            row[2] = due_on
    return {k: (v[0], v[1], v[2]) for k, v in counts.items()}


@register("action_plans")
def action_plans(ctx: BuildContext, spec: dict[str, Any]) -> Block:
    title = text(spec.get("title"), ctx.language)
    show = str(spec.get("show") or "all")
    if show not in SHOW:
        return Block(
            spec["id"],
            "action_plans",
            title,
            [Message(_("Unknown choice show: %(show)s (done, open or all).") % {"show": show})],
        )
    last = dt.date(ctx.year, 12, 31)
    plans = _plans(ctx, show)
    if not plans:
        empty = {
            "done": _("No action plan had measures done or was followed up in %(year)s."),
            "open": _("No action plan was open at the end of %(year)s."),
            "all": _("No action plan concerns %(year)s."),
        }[show]
        return Block(spec["id"], "action_plans", title, [Message(empty % {"year": ctx.year})])
    counts = _item_counts(ctx, plans, last)
    rows = []
    for plan in plans:
        done, total, next_due = counts.get(plan.pk, (0, 0, None))
        row = [
            Cell(plan.title, header=True),
            Cell(source_kind(plan)),
            Cell(timezone.localtime(plan.created_at).date().isoformat()),
            Cell(_("%(done)s of %(total)s") % {"done": done, "total": total}, done),
            Cell(str(plan.get_status_display())),
        ]
        if show == "open":
            row.append(Cell(next_due.isoformat() if next_due else "–"))
            row.append(Cell(plan.follow_up_on.isoformat() if plan.follow_up_on else "–"))
        else:
            outcome = str(plan.get_outcome_display()) if plan.outcome else "–"
            row.append(Cell(outcome))
            row.append(Cell(plan.outcome_text or "–"))
        rows.append(row)
    columns = [
        _("Improvement area"),
        _("Came from"),
        _("Decided"),
        _("Items done by %(date)s") % {"date": last.isoformat()},
        _("Status"),
    ]
    if show == "open":
        columns += [_("Next item due"), _("Follow up on")]
    else:
        columns += [_("Outcome"), _("What the follow-up found")]
    caption = {
        "done": _("Measures taken in %(year)s"),
        "open": _("Action plans open at the end of %(year)s"),
        "all": _("Action plans %(year)s"),
    }[show] % {"year": ctx.year}
    source = _("insyn's own data: action plans")
    table = Table(
        caption=caption,
        columns=columns,
        rows=rows,
        source=source,
        period=f"{ctx.year}-01-01 – {last.isoformat()}",
        notes=[_("Cancelled items are not counted.")],
    )
    return Block(spec["id"], "action_plans", title, [table], [source])


@register("annual_cycle")
def annual_cycle(ctx: BuildContext, spec: dict[str, Any]) -> Block:
    """Per activity of the year's cycle: tasks planned, done, done on time, reported to whom."""
    title = text(spec.get("title"), ctx.language)
    tasks = list(tasks_filtered(ctx.user, year=ctx.year, unit=ctx.unit).select_related("activity"))
    if not tasks:
        return Block(
            spec["id"],
            "annual_cycle",
            title,
            [Message(_("The annual cycle has no tasks in %(year)s.") % {"year": ctx.year})],
        )
    per: dict[int, list[CycleTask]] = defaultdict(list)
    activities: dict[int, CycleActivity] = {}
    for task in tasks:
        per[task.activity_id].append(task)
        activities[task.activity_id] = task.activity
    rows = []
    totals = [0, 0, 0]
    ordered = sorted(activities.values(), key=lambda a: (a.sort_order, a.title, a.pk))
    for activity in ordered:
        mine = [t for t in per[activity.pk] if t.status != CycleTask.Status.CANCELLED]
        done = [t for t in mine if t.status == CycleTask.Status.DONE]
        on_time = [t for t in done if t.done_on and t.done_on <= t.due_on]
        counts = [len(mine), len(done), len(on_time)]
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
        reported = str(activity.get_reported_to_display()) if activity.reported_to else "–"
        rows.append(
            [
                Cell(activity.title, header=True),
                Cell(reported),
                *[Cell(figures.number(n), n) for n in counts],
            ]
        )
    rows.append(
        [Cell(_("Total"), header=True), Cell(""), *[Cell(figures.number(n), n) for n in totals]]
    )
    source = _("insyn's own data: the annual cycle")
    table = Table(
        caption=_("The annual cycle %(year)s") % {"year": ctx.year},
        columns=[
            _("Activity"),
            _("Reported to"),
            _("Tasks planned"),
            _("Tasks done"),
            _("Done on time"),
        ],
        rows=rows,
        source=source,
        period=f"{ctx.year}-01-01 – {ctx.year}-12-31",
        notes=[_("Cancelled tasks are not counted.")],
    )
    return Block(spec["id"], "annual_cycle", title, [table], [source])
