"""Reads of the audit trail, restricted to the auditor's subtree, and what each entry shows.

An auditor sees who did what to which object and when. What the object is and whose it is (a
client reference, the changed values, a search typed on a client page) is shown only where the
auditor may read that object (`audit_values.may_see_values`); the caller records those reads
(`audit_values.record_values_read`). The page and the CSV export both take their rows from
here, so the rule is written once.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.db.models import QuerySet
from django.utils import timezone

from insyn.core.audit_display import (
    action_name,
    field_changes,
    name_entries,
    readable_client_refs,
)
from insyn.core.audit_values import may_see_values, value_action
from insyn.core.models import AccessEntry, ChangeEntry
from insyn.core.roles import Action

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from insyn.accounts.models import User

    UserT = User | AnonymousUser

# In the CSV where the reader may not see a change's values (the page says it in words).
VALUES_HIDDEN = "(hidden)"


@dataclass
class AuditFilter:
    actor: str = ""
    client_id: int | None = None
    # A client reference ("K-000001"), resolved among the clients the auditor may read.
    client_ref: str = ""
    object_type: str = ""
    object_id: str = ""
    action: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def client_ids_for_ref(user: UserT, ref: str) -> list[int]:
    """The readable clients with this reference: none for an auditor who may not read them,
    exactly as for a reference that does not exist."""
    return sorted(readable_client_refs(user, ref=ref)) if ref.strip() else []


def _filtered(qs: QuerySet, f: AuditFilter, user: UserT) -> QuerySet:
    if f.actor:
        qs = qs.filter(actor_label__iexact=f.actor)
    if f.client_id is not None:
        qs = qs.filter(client_id=f.client_id)
    if f.client_ref.strip():
        qs = qs.filter(client_id__in=client_ids_for_ref(user, f.client_ref))
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


def access_entries(user: UserT, f: AuditFilter) -> QuerySet[AccessEntry]:
    """Who looked at what. Filter by client for "who looked at this client", by actor for
    "what did this user look at"."""
    return _filtered(AccessEntry.objects.restrict(user, Action.VIEW_AUDIT), f, user)


def change_entries(user: UserT, f: AuditFilter) -> QuerySet[ChangeEntry]:
    return _filtered(ChangeEntry.objects.restrict(user, Action.VIEW_AUDIT), f, user)


def _personal(entry: AccessEntry | ChangeEntry) -> bool:
    return value_action(entry.object_type, entry.client_id) is not None


def _without_query(path: str) -> str:
    return urlsplit(path).path if path else ""


def describe(
    user: UserT, entries: Sequence[AccessEntry | ChangeEntry]
) -> list[AccessEntry | ChangeEntry]:
    """Annotate a page of entries with what this auditor is shown, and return the entries
    whose personal data was shown (the caller records those reads).

    Every entry gets `action_name` and `object_name`. A change entry gets `values_visible`
    and `changes` (labelled before/after rows, empty when hidden); an access entry gets
    `shown_path` and `shown_detail` (the query string and detail, say a search typed on the
    client list, only where the object may be read)."""
    readable = {e.pk for e in entries if may_see_values(user, e)}
    names, objects = name_entries(user, entries, readable, value_action=value_action)
    shown: list[AccessEntry | ChangeEntry] = []
    for e in entries:
        visible = e.pk in readable
        e.values_visible = visible  # type: ignore[union-attr]
        e.object_name = names.get(e.pk, e.object_type)  # type: ignore[union-attr]
        if isinstance(e, ChangeEntry):
            e.action_name = action_name(e.action)  # type: ignore[attr-defined]
            e.changes = field_changes(e, objects.get(e.pk)) if visible else []  # type: ignore[attr-defined]
        else:
            e.action_name = e.get_action_display()  # type: ignore[attr-defined]
            e.shown_path = e.path if visible else _without_query(e.path)  # type: ignore[attr-defined]
            e.shown_detail = _detail(e) if _detail_shown(e, visible) else ""  # type: ignore[attr-defined]
        if visible and _personal(e):
            shown.append(e)
    return shown


def _chunks(qs: QuerySet, size: int = 500) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for entry in qs.iterator(chunk_size=size):
        batch.append(entry)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def values_shown(user: UserT, qs: QuerySet[ChangeEntry]) -> Iterator[list[ChangeEntry]]:
    """Batches of the change entries whose values this reader may see, so an export can
    record those reads before the file streams."""
    fields = ("id", "object_type", "object_id", "client_id", "org_path", "org_paths")
    for batch in _chunks(qs.select_related(None).only(*fields), 1000):
        readable = [e for e in batch if may_see_values(user, e) and _personal(e)]
        if readable:
            yield readable


CHANGE_HEADER = [
    "time",
    "user",
    "request",
    "action",
    "event",
    "object_type",
    "object_id",
    "object",
    "client_id",
    "changes",
    "before",
    "after",
]
ACCESS_HEADER = [
    "time",
    "user",
    "request",
    "action",
    "object_type",
    "object_id",
    "client_id",
    "purpose",
    "address",
    "detail",
]


def _detail(e: AccessEntry) -> str:
    return json.dumps(e.detail, ensure_ascii=False, sort_keys=True) if e.detail else ""


def _detail_shown(e: AccessEntry, visible: bool) -> bool:
    """A denied attempt's detail counts the actor's attempts (nothing about the object), so
    every auditor sees it; other details only where the object may be read."""
    return visible or e.action == AccessEntry.Kind.DENIED


def _changes_text(e: ChangeEntry) -> str:
    return "; ".join(f"{c.label}: {c.before} → {c.after}" for c in e.changes)  # type: ignore[attr-defined]


def csv_rows(user: UserT, qs: QuerySet) -> tuple[list[str], Iterable[list[Any]]]:
    """Header and rows of the audit CSV, by the page's rule: a change's values (and the
    object's name) only where the reader may read the object, else `(hidden)`; an access
    entry's query string and detail likewise. Entries are described in batches as the file
    streams; the value reads must already be recorded (`values_shown`)."""
    if qs.model is ChangeEntry:

        def changes() -> Iterator[list[Any]]:
            for batch in _chunks(qs):
                describe(user, batch)
                for e in batch:
                    visible = e.values_visible
                    yield [
                        e.at.isoformat(),
                        e.actor_label,
                        e.request_id,
                        e.action,
                        e.action_name,
                        e.object_type,
                        e.object_id,
                        e.object_name,
                        e.client_id,
                        _changes_text(e) if visible else VALUES_HIDDEN,
                        e.before if visible else VALUES_HIDDEN,
                        e.after if visible else VALUES_HIDDEN,
                    ]

        return CHANGE_HEADER, changes()

    def reads() -> Iterator[list[Any]]:
        for batch in _chunks(qs):
            for e in batch:
                visible = may_see_values(user, e) or not _personal(e)
                detail = _detail(e)
                yield [
                    e.at.isoformat(),
                    e.actor_label,
                    e.request_id,
                    e.action,
                    e.object_type,
                    e.object_id,
                    e.client_id,
                    e.purpose,
                    e.path if visible else _without_query(e.path),
                    detail if _detail_shown(e, visible) else (VALUES_HIDDEN if detail else ""),
                ]

    return ACCESS_HEADER, reads()
