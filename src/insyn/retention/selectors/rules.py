"""Who sees which municipality's retention rules, runs and plans.

Seeing rules and dry runs takes VIEW_AUDIT (quality leads, administrators) somewhere in the
municipality; editing rules and running the job from the web takes MANAGE_ORG there
(administrators). Anyone else, and anyone from another municipality, finds nothing (404).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from insyn.core.roles import Action
from insyn.core.scoping import restrict
from insyn.organisations.models import OrgUnit
from insyn.retention.models import RetentionRule, RetentionRun

VIEW = Action.VIEW_AUDIT
MANAGE = Action.MANAGE_ORG


def municipalities(user: Any, action: Action = VIEW) -> QuerySet[OrgUnit]:
    """The municipalities where `user` holds `action` on the municipality or a unit in it."""
    units = restrict(user, action, OrgUnit.objects.all()).exclude(municipality__isnull=True)
    return OrgUnit.objects.filter(pk__in=units.values("municipality_id")).order_by("name")


def can_manage(user: Any, municipality: OrgUnit) -> bool:
    return municipalities(user, MANAGE).filter(pk=municipality.pk).exists()


def rules(user: Any, action: Action = VIEW) -> QuerySet[RetentionRule]:
    return RetentionRule.objects.filter(
        municipality__in=municipalities(user, action)
    ).select_related("municipality")


def runs(user: Any, limit: int = 20) -> list[RetentionRun]:
    rows = RetentionRun.objects.filter(municipality__in=municipalities(user)).select_related(
        "municipality", "actor"
    )
    return list(rows[:limit])
