"""How an audit entry reads to a person: Swedish action names, objects named the way a colleague
would name them ("Mättillfälle Före, K-000001"), changed fields labelled and side by side.

Why it lives here and asks the models: the audit trail is core's, but only the apps know what
their objects are called. A model may define `audit_name()` (its name without the client, e.g.
the stage of an occasion; `AUDIT_NAME_RELATED` lists what to select with it) and
`audit_value_labels()` (labels for values keyed by something other than a field, e.g. an
occasion's measurement variables); field labels are the model's `verbose_name`s. Client
references come from the clients app through `register_client_refs`, which answers only with
clients the user may read (restrict), so core never imports a higher app.

Nothing here decides who may see what: callers pass only the entries whose values the reader
may see (`audit_values.may_see_values`); every other entry is named by its type and number.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import models
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import pgettext, pgettext_lazy

from insyn.core.concurrency import Versioned

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.utils.functional import _StrPromise

    from insyn.accounts.models import User
    from insyn.core.models import AccessEntry, ChangeEntry

    UserT = User | AnonymousUser
    Entry = AccessEntry | ChangeEntry

# The verbs of the change log, in the reader's language (unknown codes are shown as they are).
ACTION_NAMES: dict[str, _StrPromise] = {
    "create": pgettext_lazy("audit action", "Created"),
    "update": pgettext_lazy("audit action", "Changed"),
    "delete": pgettext_lazy("audit action", "Deleted"),
    "move": pgettext_lazy("audit action", "Moved to another unit"),
    "record": pgettext_lazy("audit action", "Recorded values"),
    "mark_missed": pgettext_lazy("audit action", "Recorded non-response"),
    "mark_done": pgettext_lazy("audit action", "Marked as done"),
    "non_response": pgettext_lazy("audit action", "Recorded non-response"),
    "reopen": pgettext_lazy("audit action", "Reopened"),
    "status": pgettext_lazy("audit action", "Status updated"),
    "withdraw": pgettext_lazy("audit action", "Withdrawn"),
    "close": pgettext_lazy("audit action", "Closed"),
    "complete": pgettext_lazy("audit action", "Completed"),
    "cancel": pgettext_lazy("audit action", "Cancelled"),
    "assign": pgettext_lazy("audit action", "Assigned"),
    "answer": pgettext_lazy("audit action", "Answered"),
    "save_draft": pgettext_lazy("audit action", "Draft saved"),
    "revoke": pgettext_lazy("audit action", "Revoked"),
    "renew": pgettext_lazy("audit action", "Renewed"),
    "publish": pgettext_lazy("audit action", "Published"),
    "retire": pgettext_lazy("audit action", "Retired"),
    "import": pgettext_lazy("audit action", "Imported"),
    "purge": pgettext_lazy("audit action", "Removed by retention"),
    "receive": pgettext_lazy("audit action", "Received"),
    "review": pgettext_lazy("audit action", "Reviewed"),
    "assess": pgettext_lazy("audit action", "Assessed"),
    "decide": pgettext_lazy("audit action", "Decided"),
    "print": pgettext_lazy("audit action", "Printed"),
    "generate": pgettext_lazy("audit action", "Generated"),
    "set_variables": pgettext_lazy("audit action", "Variables chosen"),
    "renew_api_token": pgettext_lazy("audit action", "API token created"),
    "revoke_api_token": pgettext_lazy("audit action", "API token revoked"),
    "start_second_factor": pgettext_lazy("audit action", "Two-factor set-up started"),
    "confirm_second_factor": pgettext_lazy("audit action", "Two-factor authentication turned on"),
    "reset_second_factor": pgettext_lazy("audit action", "Two-factor authentication reset"),
}

EMPTY = "–"

# (user, ids, ref) -> {client id: client reference} for the clients the user may read among
# `ids`, or with exactly the reference `ref`. Filled by the clients app at start-up.
ClientRefs = Callable[["UserT", Iterable[int] | None, str | None], dict[int, str]]
_client_refs: list[ClientRefs] = []


def register_client_refs(lookup: ClientRefs) -> None:
    if lookup not in _client_refs:
        _client_refs.append(lookup)


def readable_client_refs(
    user: UserT, ids: Iterable[int] | None = None, ref: str | None = None
) -> dict[int, str]:
    """Client references of readable clients only: an unreadable client gets no name, and a
    reference outside the user's scope finds nothing (not a hint that it exists)."""
    found: dict[int, str] = {}
    for lookup in _client_refs:
        found.update(lookup(user, ids, ref))
    return found


def action_name(code: str) -> str:
    name = ACTION_NAMES.get(code)
    return str(name) if name is not None else code


def model_for(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def type_name(object_type: str) -> str:
    model = model_for(object_type)
    return capfirst(str(model._meta.verbose_name)) if model is not None else object_type


def _numbered(entry: Entry) -> str:
    name = type_name(entry.object_type)
    return f"{name} #{entry.object_id}" if entry.object_id else name


def _objects(
    model: type[models.Model], ids: set[str], manager: Any | None = None
) -> dict[str, models.Model]:
    qs = manager if manager is not None else model._default_manager.all()
    related = getattr(model, "AUDIT_NAME_RELATED", ())
    if related:
        qs = qs.select_related(*related)
    valid = [i for i in ids if i.isdigit()] if isinstance(model._meta.pk, models.AutoField) else ids
    return {str(o.pk): o for o in qs.filter(pk__in=list(valid))}


def _own_name(obj: models.Model, *, personal: bool) -> str:
    hook = getattr(obj, "audit_name", None)
    if hook is not None:
        return str(hook())
    verbose = capfirst(str(obj._meta.verbose_name))
    return verbose if personal else f"{verbose} {obj}"


def name_entries(
    user: UserT,
    entries: Sequence[Entry],
    readable: set[int],
    *,
    value_action: Callable[[str, int | None], Any],
) -> tuple[dict[int, str], dict[int, models.Model]]:
    """{entry pk: the object's name} and {entry pk: the object} for entries whose object
    could be read. `readable` holds the pks of entries whose values the user may see: only
    those are named with what the object is and whose it is; org data (no value action) is
    named for anyone who may see the entry; everything else is "Type #id"."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for e in entries:
        if e.object_id and (e.pk in readable or value_action(e.object_type, e.client_id) is None):
            wanted[e.object_type].add(e.object_id)
    found: dict[tuple[str, str], models.Model] = {}
    for object_type, ids in wanted.items():
        model = model_for(object_type)
        if model is None:
            continue
        restricted = None
        action = value_action(object_type, None)
        manager = model._default_manager.all()
        if action is not None and hasattr(manager, "restrict"):
            restricted = manager.restrict(user, action)
        for pk, row in _objects(model, ids, restricted).items():
            found[(object_type, pk)] = row
    refs = readable_client_refs(
        user, {e.client_id for e in entries if e.pk in readable and e.client_id is not None}
    )
    names: dict[int, str] = {}
    objects: dict[int, models.Model] = {}
    for e in entries:
        obj = found.get((e.object_type, e.object_id))
        personal = value_action(e.object_type, e.client_id) is not None
        if obj is None or (personal and e.pk not in readable):
            names[e.pk] = _numbered(e)
            continue
        objects[e.pk] = obj
        own = _own_name(obj, personal=personal)
        ref = refs.get(e.client_id) if e.client_id is not None else None
        names[e.pk] = f"{own}, {ref}" if ref and ref not in own else own
    return names, objects


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


def _fields(model: type[models.Model] | None) -> dict[str, models.Field]:
    if model is None:
        return {}
    fields: dict[str, models.Field] = {}
    for f in model._meta.concrete_fields:
        fields[f.name] = f
        fields[f.attname] = f
    return fields


def _shown(value: Any, field: models.Field | None = None) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if field is not None and field.choices and not isinstance(value, list | dict):
        choices = {str(k): v for k, v in field.flatchoices}
        if str(value) in choices:
            return str(choices[str(value)])
    if isinstance(value, bool):
        return pgettext("audit value", "Yes") if value else pgettext("audit value", "No")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return ", ".join(_shown(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_shown(v)}" for k, v in value.items())
    return str(value)


def _related_names(
    changes: Iterable[tuple[models.Field | None, Any]],
) -> dict[tuple[type[models.Model], str], str]:
    """Names of the rows foreign keys point to (a unit, a catalogue item, a user), fetched in
    one query per model. Only called for entries the reader may read."""
    wanted: dict[type[models.Model], set[str]] = defaultdict(set)
    for field, value in changes:
        if field is not None and field.is_relation and field.related_model and value is not None:
            wanted[field.related_model].add(str(value))
    names: dict[tuple[type[models.Model], str], str] = {}
    for model, ids in wanted.items():
        for pk, obj in _objects(model, ids).items():
            names[(model, pk)] = str(obj)
    return names


def _bookkeeping(field: models.Field) -> bool:
    """Fields nobody reads in a log: the number (it is in the object's name), the creation
    time (it is the entry's time), the concurrency version, and derived fields nobody gave a
    name (a materialised path, a depth, a copied municipality). The CSV's before/after keep
    them."""
    unnamed = not isinstance(field.verbose_name, Promise)
    return bool(
        field.primary_key
        or getattr(field, "auto_now_add", False)
        or (field.name == "version" and issubclass(field.model, Versioned))
        or (not field.editable and unnamed)
    )


def field_changes(entry: ChangeEntry, obj: models.Model | None = None) -> list[FieldChange]:
    """The entry's before/after as labelled rows. Nested values (an occasion's measurements,
    keyed by variable) become one row per changed value, labelled by the programme's
    variables where the object can say so."""
    model = model_for(entry.object_type)
    fields = _fields(model)
    before = entry.before if isinstance(entry.before, dict) else {}
    after = entry.after if isinstance(entry.after, dict) else {}
    keys = list(dict.fromkeys([*before, *after]))
    value_labels: Mapping[str, str] = {}
    hook = getattr(obj, "audit_value_labels", None)
    if hook is not None:
        value_labels = hook()
    # A snapshot keeps a foreign key as its id under the attname ("unit_id"); a service's own
    # state dict may keep something else under the field's name (a catalogue code).
    fk_keys = {k for k in keys if k in fields and fields[k].is_relation and fields[k].attname == k}
    related = _related_names((fields[k], side.get(k)) for k in fk_keys for side in (before, after))

    def shown(key: str, field: models.Field | None, value: Any) -> str:
        if key in fk_keys and field is not None and value is not None:
            return related.get((field.related_model, str(value)), str(value))  # type: ignore[arg-type]
        return _shown(value, field)

    rows: list[FieldChange] = []
    for key in keys:
        old, new = before.get(key), after.get(key)
        if (
            isinstance(old, dict | type(None))
            and isinstance(new, dict | type(None))
            and (isinstance(old, dict) or isinstance(new, dict))
            and key not in fields
        ):
            old, new = old or {}, new or {}
            for sub in dict.fromkeys([*old, *new]):
                if old.get(sub) != new.get(sub):
                    label = value_labels.get(sub, sub)
                    rows.append(FieldChange(label, _shown(old.get(sub)), _shown(new.get(sub))))
            continue
        field = fields.get(key)
        if field is not None and _bookkeeping(field):
            continue
        label = capfirst(str(field.verbose_name)) if field is not None else key
        rows.append(FieldChange(label, shown(key, field, old), shown(key, field, new)))
    return rows
