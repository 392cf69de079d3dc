"""Reads for the analysis pages, restricted to what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from insyn.analytics.models import AgeGrouping, SavedAnalysis
from insyn.core import context
from insyn.core.roles import Action
from insyn.followup.models import Programme
from insyn.organisations.models import OrgUnit


def programmes_for(user: Any, action: Action = Action.VIEW_AGGREGATE) -> list[tuple[str, str]]:
    """(key, name of the newest version) of every programme the user's scope uses; read once
    per request (the page, its menu panel and its choice each ask)."""

    def compute() -> list[tuple[str, str]]:
        seen: dict[str, str] = {}
        for key, name in (
            Programme.objects.restrict(user, action)
            .order_by("key", "-version")
            .values_list("key", "name")
        ):
            seen.setdefault(key, name)
        return sorted(seen.items(), key=lambda kv: kv[1].lower())

    who = getattr(user, "pk", None)
    return list(context.memoised(("analytics.programmes_for", who, str(action)), compute))


def units_for(user: Any, action: Action = Action.VIEW_AGGREGATE) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.restrict(user, action).filter(active=True).order_by("path")


def saved_for(user: Any) -> QuerySet[SavedAnalysis]:
    return SavedAnalysis.objects.visible_to(user).select_related("owner")


def age_groupings() -> QuerySet[AgeGrouping]:
    return AgeGrouping.objects.filter(active=True)
