"""Writing the audit trail. Services call `record_change` inside their transaction; views, API
endpoints and exports call `record_access` for every read of an individual's data.

An audited object may define `audit_client_id()` (the client whose data it is) and
`audit_org_path()` (where it lives in the org tree); `AUDIT_EXCLUDE` names fields never copied
into a change entry (secrets, encrypted identity numbers).
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.db import models

from insyn.core import context
from insyn.core.models import AccessEntry, ChangeEntry
from insyn.core.redaction import safe_path

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from insyn.accounts.models import User

ALWAYS_EXCLUDED = {"password", "person_key", "personnummer_encrypted", "token_hash", "secret"}

# Called with every change entry, inside the writing transaction. Used to invalidate derived
# data (the analytics data version), so no write path can forget to; registered in ready().
_change_listeners: list[Callable[[ChangeEntry], None]] = []


def add_change_listener(listener: Callable[[ChangeEntry], None]) -> None:
    if listener not in _change_listeners:
        _change_listeners.append(listener)


def object_type(obj: models.Model | type[models.Model]) -> str:
    return obj._meta.label_lower


def _client_id(obj: models.Model) -> int | None:
    fn = getattr(obj, "audit_client_id", None)
    if fn is not None:
        value = fn()
        return int(value) if value is not None else None
    return None


def _org_path(obj: models.Model) -> str:
    fn = getattr(obj, "audit_org_path", None)
    if fn is not None:
        return str(fn() or "")
    fn = getattr(obj, "scope_path", None)
    if fn is not None and getattr(obj, "scope_path_lookup", None):
        try:
            return str(fn())
        except AttributeError:
            return ""
    return ""


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def snapshot(obj: models.Model) -> dict[str, Any]:
    """Concrete field values (foreign keys as ids), minus anything secret."""
    excluded = ALWAYS_EXCLUDED | set(getattr(obj, "AUDIT_EXCLUDE", ()))
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in excluded or field.attname in excluded or getattr(field, "auto_now", False):
            continue
        data[field.attname] = _plain(getattr(obj, field.attname))
    return data


def _actor_fields(actor: User | AnonymousUser | None) -> dict[str, Any]:
    if actor is None or not actor.is_authenticated:
        return {"actor": None, "actor_label": ""}
    return {"actor": actor, "actor_label": actor.get_username()}


def record_change(
    *,
    actor: User | AnonymousUser | None,
    action: str,
    obj: models.Model,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> ChangeEntry:
    """Record a write; `after` defaults to the object's snapshot (None for deletions)."""
    if after is None and action != "delete":
        after = snapshot(obj)
    if before is not None and after is not None:
        changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
        before = {k: v for k, v in before.items() if k in changed}
        after = {k: v for k, v in after.items() if k in changed}
    entry = ChangeEntry.objects.create(
        **_actor_fields(actor),
        request_id=context.current().request_id,
        action=action,
        object_type=object_type(obj),
        object_id=str(obj.pk),
        client_id=_client_id(obj),
        org_path=_org_path(obj),
        before=dict(before) if before is not None else None,
        after=dict(after) if after is not None else None,
    )
    for listener in _change_listeners:
        listener(entry)
    return entry


def record_access(
    *,
    actor: User | AnonymousUser | None,
    action: str,
    objects: Iterable[models.Model] = (),
    model: type[models.Model] | None = None,
    purpose: str = "",
    detail: Mapping[str, Any] | None = None,
    client_id: int | None = None,
    org_path: str = "",
) -> int:
    """Record a read: one entry per object shown, or one entry for an export or empty list.

    Returns the number of entries written; the audit guard counts them per request.
    """
    ctx = context.current()
    common = {
        **_actor_fields(actor),
        "request_id": ctx.request_id,
        "action": action,
        "purpose": purpose[:200],
        "path": safe_path(ctx.path)[:500],
        "ip_address": ctx.ip_address,
        "detail": dict(detail or {}),
    }
    entries = [
        AccessEntry(
            **common,
            object_type=object_type(obj),
            object_id=str(obj.pk),
            client_id=_client_id(obj),
            org_path=_org_path(obj),
        )
        for obj in objects
    ]
    if not entries:
        if model is None:
            raise ValueError("record_access needs objects or a model")
        entries = [
            AccessEntry(
                **common, object_type=object_type(model), client_id=client_id, org_path=org_path
            )
        ]
    AccessEntry.objects.bulk_create(entries)
    ctx.accesses_recorded += len(entries)
    return len(entries)
