"""What action plans add to the shared registries at start-up: the "Handlingsplaner" menu
entry, the start page's "Mina åtgärder" panel, the "action_items" digest section and the
quality reminder job that `insyn remind` runs."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insyn.core.roles import Action
from insyn.quality.selectors import action_plans as selectors

PANEL_ROWS = 8


def my_actions_panel(request: HttpRequest) -> dict[str, Any]:
    """ "Mina åtgärder": the user's own overdue and soon-due items. It shows only org data
    (activities and plan titles, no one's name), so the panel is not personal data."""
    today = timezone.localdate()
    qs = selectors.my_due_items(request.user, today)  # type: ignore[arg-type]
    items = list(qs[:PANEL_ROWS])
    if len(items) < PANEL_ROWS:  # all of them are here: count them without asking again
        total, overdue = len(items), sum(1 for i in items if i.due_on < today)
    else:
        n = qs.aggregate(total=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
        total, overdue = n["total"], n["overdue"]
    return {
        "ap_rows": [{"item": i, "overdue": i.due_on < today} for i in items],
        "ap_total": total,
        "ap_overdue": overdue,
    }


def register() -> None:
    """Navigation, the start-page panel, the digest section and the reminder job."""
    from insyn.core.navigation import HomePanel, NavItem, register_nav, register_panel
    from insyn.core.reminders import register_reminder_job
    from insyn.quality.digest import DigestSection, register_digest_section
    from insyn.quality.services.reminders import quality_reminder_job

    register_nav(
        NavItem(
            "action_plans",
            _("Action plans"),
            "quality:action_plans",
            Action.VIEW_QUALITY,
            40,
            placement="quality",
        )
    )
    register_panel(
        HomePanel(
            "quality_my_actions",
            "quality/action_plans/panel.html",
            Action.VIEW_ORG,
            order=110,
            context=my_actions_panel,
            personal_data=False,
        )
    )
    register_digest_section(
        DigestSection("action_items", _("Action plans"), selectors.digest_action_items, order=10)
    )
    register_reminder_job("quality", quality_reminder_job)
