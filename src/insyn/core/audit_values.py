"""Who may see the values in a change entry (docs/permissions.md: administrators do not read
clients' data — not through the audit trail either).

An auditor sees who did what to which object and when. The before/after values are shown only
to someone who may read that object where it lives: the action registered for its type (e.g.
lex Sarah reports: `view_lex_sarah`), else `view_individual` for personal-data models and for any
entry about a client. Showing them is itself a read, recorded like any other (`record_values_read`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.apps import apps

from insyn.core import context
from insyn.core.models import AccessEntry, ChangeEntry
from insyn.core.redaction import safe_path
from insyn.core.roles import Action
from insyn.core.scoping import path_in_scope

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from insyn.accounts.models import User

_VALUE_ACTIONS: dict[str, Action] = {}
VALUES_HIDDEN_NOTE = "Values hidden: you may not read this object's data."


def register_value_action(object_type: str, action: Action) -> None:
    """Apps name the action that reads their objects' values, e.g. ("quality.lexsarahreport",
    Action.VIEW_LEX_SARAH)."""
    _VALUE_ACTIONS[object_type] = action


def value_action(object_type: str, client_id: int | None) -> Action | None:
    """The action needed to see the values of entries about `object_type`; None: anyone who
    may read the entry (org data such as units and memberships)."""
    if object_type in _VALUE_ACTIONS:
        return _VALUE_ACTIONS[object_type]
    if client_id is not None:
        return Action.VIEW_INDIVIDUAL
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return Action.VIEW_INDIVIDUAL  # unknown: the careful side
    return Action.VIEW_INDIVIDUAL if getattr(model, "PERSONAL_DATA", False) else None


def may_see_values(user: User | AnonymousUser, entry: ChangeEntry | AccessEntry) -> bool:
    """Whether this auditor may see what the entry's object is and holds: the object's value
    action where the object lived when the entry was written."""
    action = value_action(entry.object_type, entry.client_id)
    if action is None:
        return True
    return bool(entry.org_path) and path_in_scope(user, action, entry.org_path)


def record_values_read(
    actor: User | AnonymousUser, entries: Iterable[ChangeEntry | AccessEntry]
) -> int:
    """One access entry per change entry whose personal values were shown (and per object
    named in the reads log), carrying its object and paths, so the object's auditors see who
    read it through the audit trail."""
    ctx = context.current()
    seen: set[tuple[str, str, int | None]] = set()
    unique: list[ChangeEntry | AccessEntry] = []
    for e in entries:
        if isinstance(e, AccessEntry):
            key = (e.object_type, e.object_id, e.client_id)
            if key in seen:
                continue
            seen.add(key)
        unique.append(e)
    rows = [
        AccessEntry(
            actor=actor if actor.is_authenticated else None,
            actor_label=actor.get_username() if actor.is_authenticated else "",
            request_id=ctx.request_id,
            action="view",
            purpose="audit",
            path=safe_path(ctx.path)[:500],
            ip_address=ctx.ip_address,
            object_type=e.object_type,
            object_id=e.object_id,
            client_id=e.client_id,
            org_path=e.org_path,
            org_paths=e.org_paths,
            detail={
                "via": "audit_trail",
                ("change_entry" if isinstance(e, ChangeEntry) else "access_entry"): e.pk,
            },
        )
        for e in unique
        if value_action(e.object_type, e.client_id) is not None
    ]
    AccessEntry.objects.bulk_create(rows)
    ctx.accesses_recorded += len(rows)
    return len(rows)
