"""Reading deviations: who sees which.

A deviation is visible to its reporter (their own reports) and to `view_quality` holders of
its unit's subtree; one linked to a client is individual data, so a handler also needs
`view_individual` on the unit. Everything else answers like a missing report (404).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from insyn.core.roles import Action, Role
from insyn.core.scoping import granted_paths, paths_q
from insyn.organisations.models import OrgUnit
from insyn.quality.digest import DigestLine
from insyn.quality.models import Deviation

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from insyn.accounts.models import User

    UserT = User | AnonymousUser

NOTHING = Q(pk__in=[])
DPA_DEADLINE = dt.timedelta(hours=72)


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


def dpa_deadline(deviation: Deviation) -> dt.datetime | None:
    """When the data protection authority must have been notified (GDPR art. 33: 72 hours
    from discovery), for a personal-data incident."""
    if not deviation.personal_data_incident or deviation.discovered_at is None:
        return None
    return deviation.discovered_at + DPA_DEADLINE


def dpa_overdue(deviation: Deviation, now: dt.datetime | None = None) -> bool:
    """Still neither notified nor decided not to notify, and the 72 hours have passed."""
    deadline = dpa_deadline(deviation)
    if deadline is None or deviation.dpa_notified_at or deviation.dpa_not_notified_reason:
        return False
    return (now or timezone.now()) > deadline


def unit_managers(unit: OrgUnit) -> list[User]:
    """Unit managers of the unit or of a unit above it within its municipality."""
    from insyn.accounts.models import User

    municipality_depth = unit.municipality.depth if unit.municipality is not None else 0
    ids = [u.pk for u in unit.ancestors().filter(depth__gte=municipality_depth)] + [unit.pk]
    return list(
        User.objects.filter(
            is_active=True,
            memberships__role=Role.UNIT_MANAGER,
            memberships__org_unit_id__in=ids,
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def digest_lines(today: dt.date) -> dict[User, list[DigestLine]]:
    """The daily quality digest's deviation section, for the unit managers: reports not yet
    received, and personal-data incidents whose notification is still undecided (with the
    72-hour deadline). Reference and category only: no client, no description."""
    lines: dict[User, list[DigestLine]] = {}
    waiting = base().filter(
        Q(state=Deviation.State.REPORTED)
        | Q(personal_data_incident=True, dpa_notified_at__isnull=True, dpa_not_notified_reason="")
    )
    now = timezone.now()
    for d in waiting.order_by("reported_at"):
        path = reverse("quality:deviation_detail", args=[d.pk])
        found = []
        if d.state == Deviation.State.REPORTED:
            text = _("%(ref)s (%(category)s) is waiting to be received") % {
                "ref": d.reference,
                "category": d.category.label,
            }
            found.append(DigestLine("deviations", text, None, False, path))
        deadline = dpa_deadline(d)
        if deadline is not None and not (d.dpa_notified_at or d.dpa_not_notified_reason):
            text = _("%(ref)s: decide on notifying the data protection authority") % {
                "ref": d.reference
            }
            due = timezone.localdate(deadline)
            found.append(DigestLine("deviations", text, due, dpa_overdue(d, now), path))
        for manager in unit_managers(d.unit):
            lines.setdefault(manager, []).extend(found)
    return lines
