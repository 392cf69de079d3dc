"""Small helpers the clients services share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _

from insyn.core.audit import record_change, snapshot
from insyn.core.concurrency import bump_version
from insyn.core.validation import parse_int

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from insyn.accounts.models import User

    ActorT = User | AnonymousUser | None

M = TypeVar("M", bound=models.Model)


class Errors:
    """Collects field errors so a form shows every problem at once, then raises them together."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, []).append(str(message))

    def absorb(self, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for field, messages in exc.message_dict.items():
                for message in messages:
                    self.add(field, message)
        else:
            for message in exc.messages:
                self.add("__all__", message)

    def check(self, fn: Callable[[], Any]) -> Any:
        """Run `fn`, keeping its ValidationError instead of raising it."""
        try:
            return fn()
        except ValidationError as exc:
            self.absorb(exc)
            return None

    def raise_if_any(self) -> None:
        if self.fields:
            raise ValidationError(self.fields)


def today() -> dt.date:
    return timezone.localdate()


def check_not_future(errors: Errors, field: str, value: dt.date | None) -> None:
    if value is not None and value > today():
        errors.add(field, _("The date cannot lie in the future."))


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier (the last day of the month when it does not exist)."""
    year, month = divmod(day.month - 1 - months, 12)
    year, month = day.year + year, month + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - every month has a 28th


def next_ref(
    model: type[models.Model], municipality_id: int, field: str, prefix: str, width: int
) -> str:
    """The next readable reference `<prefix><number>`, unique within the municipality.

    References are zero-padded, so the longest, then lexically greatest, is the highest.
    """
    last = (
        model._default_manager.filter(
            municipality_id=municipality_id, **{f"{field}__startswith": prefix}
        )
        .annotate(_len=Length(field))
        .order_by("-_len", f"-{field}")
        .values_list(field, flat=True)
        .first()
    )
    tail = (last or "")[len(prefix) :]
    number = (parse_int(tail) or 0) + 1
    return f"{prefix}{number:0{width}d}"


def create_with_ref(
    model: type[M],
    *,
    field: str,
    given: str,
    make_ref: Callable[[], str],
    values: Mapping[str, Any],
) -> M:
    """Create a row whose reference is generated when not given; retried if two requests
    generate the same one at the same moment (the unique constraint decides)."""
    attempts = 1 if given else 5
    for attempt in range(attempts):
        ref = given or make_ref()
        try:
            with transaction.atomic():
                return model._default_manager.create(**{field: ref}, **values)
        except IntegrityError:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def save_changed(
    *, actor: ActorT, obj: models.Model, values: Mapping[str, Any], action: str = "update"
) -> bool:
    """Set `values` on `obj`; save and record a change entry only when something differs.

    A versioned object's version goes up by one with every save (see insyn.core.concurrency);
    the caller has locked the row with `lock_row` first."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if not changed:
        return False
    before = snapshot(obj)
    for name in changed:
        setattr(obj, name, values[name])
    update_fields = [*changed, *bump_version(obj)]
    if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
        update_fields.append("updated_at")
    obj.save(update_fields=update_fields)
    record_change(actor=actor, action=action, obj=obj, before=before)
    return True
