"""Reading deviations: who sees which.

A deviation is visible to its reporter (their own reports) and to `view_quality` holders of
its unit's subtree; one linked to a client is individual data, so a handler also needs
`view_individual` on the unit. Everything else answers like a missing report (404).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from insyn.core.roles import Action
from insyn.core.scoping import granted_paths, paths_q
from insyn.quality.models import Deviation

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from insyn.accounts.models import User

    UserT = User | AnonymousUser

NOTHING = Q(pk__in=[])


def _paths(user: UserT, action: Action) -> Q:
    paths = granted_paths(user, action)
    return paths_q("unit__path", paths) if paths else NOTHING


def _handler_q(user: UserT, action: Action) -> Q:
    """Deviations of the subtree where `user` may `action`; client-linked ones only where
    the user may also read individuals."""
    return _paths(user, action) & (Q(client__isnull=True) | _paths(user, Action.VIEW_INDIVIDUAL))


def base() -> QuerySet[Deviation]:
    return Deviation.objects.select_related(
        "unit", "category", "reported_by", "client", "case", "received_by", "closed_by"
    )


def visible(user: UserT) -> QuerySet[Deviation]:
    """Every deviation `user` may read: their own reports and those they may oversee."""
    if not user.is_authenticated:
        return Deviation.objects.none()
    return base().filter(Q(reported_by=user) | _handler_q(user, Action.VIEW_QUALITY))


def handled(user: UserT) -> QuerySet[Deviation]:
    """The deviations of the handler's list (not their own reports as such)."""
    if not user.is_authenticated:
        return Deviation.objects.none()
    return base().filter(_handler_q(user, Action.VIEW_QUALITY))


def mine(user: UserT) -> QuerySet[Deviation]:
    if not user.is_authenticated:
        return Deviation.objects.none()
    return base().filter(reported_by=user)


def filtered(
    qs: QuerySet[Deviation],
    *,
    state: str = "",
    category: Any = None,
    unit: Any = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[Deviation]:
    """The list's filters: state, category, unit (with its subtree), period of occurrence."""
    if state:
        qs = qs.filter(state=state)
    if category is not None:
        qs = qs.filter(category=category)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if date_from is not None:
        qs = qs.filter(occurred_on__gte=date_from)
    if date_to is not None:
        qs = qs.filter(occurred_on__lte=date_to)
    return qs
