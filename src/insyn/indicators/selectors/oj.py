"""Reads of the Open Comparisons workflow. A publication is visible to `view_quality` in its
unit's subtree (the one door for pages and API); its rows are read through it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from insyn.core.roles import Action
from insyn.indicators.models import OjPriority, OjPublication, OjResult

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from insyn.accounts.models import User


def publications_visible(user: User | AnonymousUser | None) -> QuerySet[OjPublication]:
    return OjPublication.objects.restrict(user, Action.VIEW_QUALITY).select_related(
        "unit", "municipality"
    )


def results(publication: OjPublication) -> QuerySet[OjResult]:
    return publication.results.select_related(
        "indicator", "quick", "quick__analysed_by", "priority", "deep", "deep__decided_by"
    )


def matrix(publication: OjPublication) -> list[OjPriority]:
    """The prioritisation matrix, ordered by priority (1 first; rows without one last), then
    by the indicator's place in the catalogue."""
    return list(
        OjPriority.objects.filter(result__publication=publication)
        .select_related("result__indicator")
        .order_by(
            F("priority").asc(nulls_last=True),
            "result__indicator__sort_order",
            "result__indicator__key",
        )
    )


@dataclass(frozen=True)
class A3Box:
    key: str
    title: str
    text: str


def a3_boxes(publication: OjPublication) -> list[A3Box]:
    """The A3 summary: current state → target state → causes → actions → follow-up →
    results. A box left empty in the summary is filled from the workflow's own rows (the deep
    analyses, the action plans, the follow-up date), so the page is never blank."""
    deep = [r.deep for r in results(publication) if hasattr(r, "deep")]
    proposals = list(publication.proposals.select_related("action_plan"))
    generated: dict[str, str] = {
        "current_state": "\n".join(f"{d.improvement_area}: {d.current_state}" for d in deep),
        "target_state": "\n".join(
            p.action_plan.goal for p in proposals if p.action_plan and p.action_plan.goal
        ),
        "causes": "\n".join(d.root_causes for d in deep),
        "actions": "\n".join(
            f"{p.title}" + (f" ({_('action plan')})" if p.action_plan_id else "") for p in proposals
        ),
        "follow_up": (
            _("Follow up on %(date)s.") % {"date": publication.follow_up_on.isoformat()}
            if publication.follow_up_on
            else ""
        ),
        "results": "",
    }
    titles = {
        "current_state": _("Current state"),
        "target_state": _("Target state"),
        "causes": _("Causes"),
        "actions": _("Actions"),
        "follow_up": _("Follow-up"),
        "results": _("Results"),
    }
    boxes = []
    for key, title in titles.items():
        own = str(getattr(publication, f"a3_{key}") or "").strip()
        boxes.append(A3Box(key, title, own or generated[key]))
    return boxes


def steps(publication: OjPublication) -> list[dict[str, Any]]:
    """Every step with its date and who decided, for the page and the A3."""
    from insyn.indicators.services.oj import OJ_FLOW, STEP_OF

    rows = []
    for action, prefix in STEP_OF.items():
        rows.append(
            {
                "action": action,
                "label": OJ_FLOW.transitions[action].label,
                "on": getattr(publication, f"{prefix}_on"),
                "by": getattr(publication, f"{prefix}_by"),
            }
        )
    return rows
