"""Optimistic concurrency: one mechanism for services, the API and web forms.

A model that can be edited by two people at once subclasses `Versioned` (an integer `version`
that every service write bumps). Inside its transaction a service

    lock_row(obj)                       # SELECT ... FOR UPDATE, obj refreshed from the row
    ensure_in_scope(actor, ...)         # scope re-checked on the fresh row
    check_version(obj, expected_version)  # VersionConflict when the stored version moved on
    ...change obj...
    bump_version(obj)                   # before obj.save(); "version" in update_fields

`expected_version=None` (imports, the CLI, tasks) skips the check but still takes the lock, so
two writers are serialised either way.

The API (`insyn.core.api`) gives every versioned object an `ETag` and turns a conflict into
412 Precondition Failed when the caller sent `If-Match`, 409 Conflict when it sent a stale
`version` in the body. Web forms subclass `VersionedForm`: a hidden version and a signed
picture of what the form showed, so a stale submit is re-shown with the user's input and a
message naming the fields someone else changed and their new values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

SEEN_SALT = "insyn.core.concurrency.seen"
TRACKING_FIELDS = ("version", "seen")


class Versioned(models.Model):
    """Abstract base: a row version for optimistic concurrency (bumped by every service write)."""

    version = models.PositiveIntegerField(
        gettext_lazy("version"),
        default=1,
        editable=False,
        help_text=gettext_lazy("Raised by one at every change; used to detect concurrent edits."),
    )

    class Meta:
        abstract = True


V = TypeVar("V", bound=models.Model)


class VersionConflict(ValidationError):
    """The stored object moved on since the caller read it; nothing was written.

    A ValidationError, so a caller that does not know about versions still shows a message
    instead of failing; the API answers 409/412 and web forms explain what changed.
    """

    def __init__(self, obj: models.Model, expected: int) -> None:
        self.obj = obj
        self.expected = expected
        self.current = int(getattr(obj, "version", 0))
        super().__init__(
            _(
                "%(object)s was changed by someone else (it is now at version %(current)s, "
                "you sent %(expected)s). Nothing was saved: fetch it again and redo your change."
            )
            % {
                "object": str(obj._meta.verbose_name).capitalize(),
                "current": self.current,
                "expected": expected,
            },
            code="conflict",
        )


def lock_row(obj: V) -> V:
    """Lock the object's row until the transaction ends and refresh `obj` from it.

    Must run inside `transaction.atomic` (services are). On SQLite, which has no row locks,
    the write lock of the transaction serialises writers instead.
    """
    manager = type(obj)._default_manager
    obj.refresh_from_db(from_queryset=manager.select_for_update())
    return obj


def check_version(obj: models.Model, expected_version: int | None) -> None:
    """Raise VersionConflict when the caller's version is not the stored one."""
    if expected_version is None:
        return
    if int(getattr(obj, "version", 0)) != int(expected_version):
        raise VersionConflict(obj, int(expected_version))


def lock_for_write(obj: V, expected_version: int | None) -> V:
    """`lock_row` then `check_version`, for services whose scope check needs no fresh row."""
    lock_row(obj)
    check_version(obj, expected_version)
    return obj


def bump_version(obj: models.Model) -> list[str]:
    """Raise the in-memory version by one; returns the field names to add to update_fields."""
    if not isinstance(obj, Versioned):
        return []
    obj.version = int(obj.version or 0) + 1
    return ["version"]


# --- HTTP: ETag / If-Match -------------------------------------------------------------------


def etag_for(version: int) -> str:
    return f'"{int(version)}"'


def parse_if_match(header: str | None) -> tuple[bool, int | None]:
    """(present, version) from an If-Match header; `*` or absence means no expectation.

    A tag that is not one of ours (or a list of several) can never match: version -1.
    """
    if header is None or not header.strip():
        return False, None
    value = header.strip()
    if value == "*":
        return True, None
    if value.startswith("W/"):
        value = value[2:]
    value = value.strip().strip('"')
    if value.isascii() and value.isdigit():
        return True, int(value)
    return True, -1


# --- web forms -------------------------------------------------------------------------------


def _plain(value: Any) -> str:
    if callable(value):
        value = value()
    if value is None:
        return ""
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, list | tuple | set):
        return ",".join(sorted(_plain(v) for v in value))
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else ""
    return str(value)


def _shown(field: forms.Field, plain: str) -> str:
    """How a stored value reads on the form: the choice label where there is one."""
    if plain == "":
        return _("(empty)")
    choices = getattr(field, "choices", None) or getattr(field.widget, "choices", None)
    if choices:
        wanted = set(plain.split(","))
        labels = [str(label) for value, label in choices if _plain(str(value)) in wanted]
        if labels:
            return ", ".join(labels)
    return plain


class VersionedForm(forms.Form):
    """Base for a form that edits a `Versioned` object.

    On GET call `form.track(obj)` after building it with the object's values as `initial`;
    on POST pass `form.expected_version` to the service with `form.service_data()`, and on
    VersionConflict call `form.show_conflict(exc, current_initial)` and re-render.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def _snapshot(self, initial: Mapping[str, Any] | None = None) -> dict[str, str]:
        picture = {}
        for name, field in self.fields.items():
            if name in TRACKING_FIELDS:
                continue
            if initial is None:
                value = self.get_initial_for_field(field, name)
            else:
                value = initial.get(name, field.initial)
            picture[name] = _plain(value)
        return picture

    def track(self, obj: models.Model) -> None:
        """Remember the object's version and what the form shows (unbound forms)."""
        self.initial["version"] = getattr(obj, "version", None)
        self.initial["seen"] = signing.dumps(self._snapshot(), salt=SEEN_SALT, compress=True)

    @property
    def expected_version(self) -> int | None:
        if not self.is_bound or not hasattr(self, "cleaned_data"):
            return None
        value = self.cleaned_data.get("version")
        return int(value) if value is not None else None

    def service_data(self) -> dict[str, Any]:
        """cleaned_data without the tracking fields, for `service(**form.service_data())`."""
        return {k: v for k, v in self.cleaned_data.items() if k not in TRACKING_FIELDS}

    def _seen(self) -> dict[str, str] | None:
        raw = self.data.get(self.add_prefix("seen"), "")
        try:
            seen = signing.loads(raw, salt=SEEN_SALT) if raw else None
        except signing.BadSignature:
            return None
        return seen if isinstance(seen, dict) else None

    def changed_by_others(self, current_initial: Mapping[str, Any]) -> list[tuple[str, str]]:
        """(label, value now) for each field whose stored value differs from what was shown."""
        seen = self._seen()
        now = self._snapshot(current_initial)
        if seen is None:
            return []
        return [
            (str(self.fields[name].label or name), _shown(self.fields[name], value))
            for name, value in now.items()
            if seen.get(name, value) != value
        ]

    def show_conflict(self, exc: VersionConflict, current_initial: Mapping[str, Any]) -> None:
        """Explain the conflict above the form and arm it with the current version, so saving
        again deliberately overwrites; the user's input stays as typed."""
        changes = self.changed_by_others(current_initial)
        if changes:
            listed = "; ".join(
                _("%(field)s is now “%(value)s”") % {"field": label, "value": value}
                for label, value in changes
            )
            message = _(
                "Someone else changed this while you were editing it, so nothing was saved. "
                "Changed: %(changes)s. Your input is kept below: check it and save again."
            ) % {"changes": listed}
        else:
            message = _(
                "Someone else saved this while you were editing it (nothing shown in this form "
                "changed), so nothing was saved. Your input is kept below: save again."
            )
        data = self.data.copy()  # type: ignore[attr-defined]
        data[self.add_prefix("version")] = str(exc.current)
        data[self.add_prefix("seen")] = signing.dumps(
            self._snapshot(current_initial), salt=SEEN_SALT, compress=True
        )
        self.data = data
        self.add_error(None, message)


def initial_from(obj: models.Model, names: Iterable[str]) -> dict[str, Any]:
    """The object's values for the named form fields, as a form's `initial`."""
    return {name: getattr(obj, name) for name in names}
