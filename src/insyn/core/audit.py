"""Writing the audit trail. Services call `record_change` (bulk writers `record_changes`) inside
their transaction; views, API endpoints and exports call `record_access` for every read of an
individual's data.

An audited object may define `audit_client_id()` (the client whose data it is) and
`audit_org_paths()` (every place in the org tree whose auditors may see the entry; a client is
seen through each of its cases) or `audit_org_path()` (one place); otherwise its
`scope_path()` is used. An entry about nothing in the tree (a system-wide thing, an empty
list) carries the actor's organisation instead, so that organisation's auditors see it.
`AUDIT_EXCLUDE` names fields never copied into a change entry (secrets, encrypted identity
numbers).

Denied attempts (an object that exists but is outside the user's scope, answered 404 like a
missing one) are recorded by `record_denied`, at most one entry per actor and object type a
minute; the entry counts the attempts folded into it.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
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
# A listener may come with a bulk form, called once with all the entries of a batch.
Listener = Callable[[ChangeEntry], None]
BulkListener = Callable[[Sequence[ChangeEntry]], None]
_change_listeners: list[tuple[Listener, BulkListener | None]] = []
# Inside `changes_batched()`: the entries whose listeners wait for the end of the batch.
_batched: ContextVar[list[ChangeEntry] | None] = ContextVar("insyn_audit_batched", default=None)


def add_change_listener(listener: Listener, *, bulk: BulkListener | None = None) -> None:
    if all(known is not listener for known, _bulk in _change_listeners):
        _change_listeners.append((listener, bulk))


def _notify(entries: Sequence[ChangeEntry], *, batch: bool = False) -> None:
    batched = _batched.get()
    if batched is not None:
        batched.extend(entries)
        return
    for listener, bulk in _change_listeners:
        if bulk is not None and (batch or len(entries) > 1):
            bulk(entries)
        else:
            for entry in entries:
                listener(entry)


@contextmanager
def changes_batched() -> Iterator[None]:
    """Within the block, change listeners wait: at its end they run once for every entry
    recorded in it (an import bumps each analysis data version once, not once per row). Use it
    inside the writing transaction; leaving the block by an exception runs none (the
    transaction is rolled back anyway)."""
    if _batched.get() is not None:  # nested: the outer batch notifies
        yield
        return
    entries: list[ChangeEntry] = []
    token = _batched.set(entries)
    try:
        yield
    finally:
        _batched.reset(token)
    if entries:
        _notify(entries, batch=True)


def object_type(obj: models.Model | type[models.Model]) -> str:
    return obj._meta.label_lower


def _client_id(obj: models.Model) -> int | None:
    fn = getattr(obj, "audit_client_id", None)
    if fn is not None:
        value = fn()
        return int(value) if value is not None else None
    return None


def org_paths(obj: models.Model) -> list[str]:
    """The org paths whose auditors may see an entry about `obj` (first: its own place)."""
    fn = getattr(obj, "audit_org_paths", None)
    if fn is not None:
        return _unique(str(p) for p in fn() if p)
    fn = getattr(obj, "audit_org_path", None)
    if fn is None:
        fn = getattr(obj, "scope_path", None)
    if fn is None:
        return []
    try:
        path = fn()
    except (AttributeError, ObjectDoesNotExist):
        return []
    return [str(path)] if path else []


def _plain_scoped(cls: type[models.Model]) -> str:
    """The `scope_path_lookup` of a model whose audit place is just its scope path (no
    `audit_org_path(s)` of its own), else ""."""
    from insyn.core.scoping import ScopedModel

    if (
        issubclass(cls, ScopedModel)
        and cls.scope_path_lookup
        and cls.scope_path is ScopedModel.scope_path
        and not hasattr(cls, "audit_org_paths")
        and not hasattr(cls, "audit_org_path")
    ):
        return cls.scope_path_lookup
    return ""


def bulk_org_paths(objects: list[models.Model]) -> list[list[str]]:
    """`org_paths` of each object, one query per model instead of one per object: a page of
    50 occasions asked for its org paths 50 times. A model resolves its own page with a
    classmethod `audit_org_paths_bulk(objects) -> {pk: paths}`; a plain scoped model by one
    query over its `scope_path_lookup`; anything else one by one."""
    by_type: dict[type[models.Model], list[models.Model]] = {}
    for obj in objects:
        by_type.setdefault(type(obj), []).append(obj)
    found: dict[tuple[type[models.Model], Any], list[str]] = {}
    for cls, group in by_type.items():
        if len(group) < 2:
            continue
        bulk = getattr(cls, "audit_org_paths_bulk", None)
        if bulk is not None:
            for pk, paths in bulk(group).items():
                found[(cls, pk)] = _unique(str(p) for p in paths if p)
        elif lookup := _plain_scoped(cls):
            pks = [obj.pk for obj in group]
            rows = cls._base_manager.filter(pk__in=pks).values_list("pk", lookup)
            for pk, path in rows:
                found[(cls, pk)] = [str(path)] if path else []
    return [
        found[(type(obj), obj.pk)] if (type(obj), obj.pk) in found else org_paths(obj)
        for obj in objects
    ]


def _unique(paths: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(paths))


def actor_org_path(actor: User | AnonymousUser | None) -> str:
    fn = getattr(actor, "audit_org_path", None)
    if fn is None or not actor or not actor.is_authenticated:
        return ""
    return str(fn() or "")


def path_fields(
    paths: Iterable[str], actor: User | AnonymousUser | None, *, with_actor: bool = False
) -> dict[str, str]:
    """`org_path` (the object's own place) and `org_paths` ("|p1|p2|", everyone who audits
    it). Without an object path the actor's organisation audits the entry."""
    paths = _unique(p for p in paths if p)
    own = paths[0] if paths else ""
    if with_actor or not paths:
        paths = _unique([*paths, actor_org_path(actor)])
        paths = [p for p in paths if p]
    return {"org_path": own[:255], "org_paths": f"|{'|'.join(paths)}|" if paths else ""}


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
    also_paths: Iterable[str] = (),
) -> ChangeEntry:
    """Record a write; `after` defaults to the object's snapshot (None for deletions).

    `also_paths`: places whose auditors must see this write besides the object's own (a moved
    case's old unit sees that it left)."""
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
        **path_fields([*org_paths(obj), *also_paths], actor),
        before=dict(before) if before is not None else None,
        after=dict(after) if after is not None else None,
    )
    context.current().changes_recorded += 1
    context.forget_memo()
    _notify([entry])
    return entry


def record_changes(
    *,
    actor: User | AnonymousUser | None,
    action: str,
    objects: Sequence[models.Model],
    batch_size: int = 500,
) -> list[ChangeEntry]:
    """`record_change` for many objects at once (an import): each object's snapshot as
    `after`, the same fields and org paths as one by one, written with one insert per
    `batch_size` entries and the org paths looked up per model, not per object."""
    ctx = context.current()
    common = {**_actor_fields(actor), "request_id": ctx.request_id, "action": action}
    entries = [
        ChangeEntry(
            **common,
            object_type=object_type(obj),
            object_id=str(obj.pk),
            client_id=_client_id(obj),
            **path_fields(paths, actor),
            before=None,
            after=snapshot(obj) if action != "delete" else None,
        )
        for obj, paths in zip(objects, bulk_org_paths(list(objects)), strict=True)
    ]
    if not entries:
        return []
    ChangeEntry.objects.bulk_create(entries, batch_size=batch_size)
    ctx.changes_recorded += len(entries)
    context.forget_memo()
    _notify(entries)
    return entries


def nothing_personal_shown() -> None:
    """A personal-data view says that this answer shows no one's data (so it records no
    access entry and the audit guard asks for none). Use it only where the page decides at
    run time whether personal data is on it, such as the start page's panels."""
    context.current().nothing_personal_shown = True


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
    paths: Iterable[str] = (),
) -> int:
    """Record a read: one entry per object shown, or one entry for an export or empty list.

    Returns the number of entries written; the audit guard counts them per request. For the
    single entry of an export or an empty list, `org_path`/`paths` say whose data it was.
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
    shown = list(objects)
    entries = [
        AccessEntry(
            **common,
            object_type=object_type(obj),
            object_id=str(obj.pk),
            client_id=_client_id(obj),
            **path_fields(paths_of, actor),
        )
        for obj, paths_of in zip(shown, bulk_org_paths(shown), strict=True)
    ]
    if not entries:
        if model is None:
            raise ValueError("record_access needs objects or a model")
        entries = [
            AccessEntry(
                **common,
                object_type=object_type(model),
                client_id=client_id,
                **path_fields([org_path, *paths], actor),
            )
        ]
    AccessEntry.objects.bulk_create(entries)
    ctx.accesses_recorded += len(entries)
    return len(entries)


DENIED_WINDOW = 60  # seconds: at most one denied entry per actor and object type in a window


def record_denied(
    *,
    actor: User | AnonymousUser | None,
    obj: models.Model,
    detail: Mapping[str, Any] | None = None,
) -> bool:
    """Someone asked for `obj`, which exists but is outside their scope (they got a 404).

    Visible to the auditors of the object's units and of the actor's organisation. Rate
    limited through the shared cache: the first attempt in a window writes an entry that
    counts the attempts folded since the previous one; the rest only count. Returns whether
    an entry was written.
    """
    otype = object_type(obj)
    who = actor.pk if actor is not None and actor.is_authenticated else context.current().ip_address
    key = f"insyn:audit-denied:{who}:{otype}"
    if not cache.add(key, 1, timeout=DENIED_WINDOW):
        try:
            cache.incr(f"{key}:folded")
        except ValueError:
            cache.set(f"{key}:folded", 1, timeout=None)
        return False
    folded = int(cache.get(f"{key}:folded") or 0)
    if folded:
        cache.delete(f"{key}:folded")
    ctx = context.current()
    AccessEntry.objects.create(
        **_actor_fields(actor),
        request_id=ctx.request_id,
        action=AccessEntry.Kind.DENIED,
        path=ctx.path[:500],
        ip_address=ctx.ip_address,
        object_type=otype,
        object_id=str(obj.pk),
        client_id=_client_id(obj),
        detail={**(detail or {}), "attempts": folded + 1, "folded_since_last": folded},
        **path_fields(org_paths(obj), actor, with_actor=True),
    )
    return True
