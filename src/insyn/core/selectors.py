"""Reads of the audit trail, restricted to the auditor's subtree."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from insyn.core.models import AccessEntry, ChangeEntry
from insyn.core.roles import Action

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from insyn.accounts.models import User


@dataclass
class AuditFilter:
    actor: str = ""
    client_id: int | None = None
    object_type: str = ""
    object_id: str = ""
    action: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def _filtered(qs: QuerySet, f: AuditFilter) -> QuerySet:
    if f.actor:
        qs = qs.filter(actor_label__iexact=f.actor)
    if f.client_id is not None:
        qs = qs.filter(client_id=f.client_id)
    if f.object_type:
        qs = qs.filter(object_type=f.object_type)
    if f.object_id:
        qs = qs.filter(object_id=f.object_id)
    if f.action:
        qs = qs.filter(action=f.action)
    tz = timezone.get_current_timezone()
    if f.date_from:
        qs = qs.filter(at__gte=dt.datetime.combine(f.date_from, dt.time.min, tzinfo=tz))
    if f.date_to:
        qs = qs.filter(
            at__lt=dt.datetime.combine(f.date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        )
    return qs


def access_entries(user: User | AnonymousUser, f: AuditFilter) -> QuerySet[AccessEntry]:
    """Who looked at what. Filter by client for "who looked at this client", by actor for
    "what did this user look at"."""
    return _filtered(AccessEntry.objects.restrict(user, Action.VIEW_AUDIT), f)


def change_entries(user: User | AnonymousUser, f: AuditFilter) -> QuerySet[ChangeEntry]:
    return _filtered(ChangeEntry.objects.restrict(user, Action.VIEW_AUDIT), f)
