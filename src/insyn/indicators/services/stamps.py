"""Optimistic concurrency for rows without a `version` column (IndicatorValue, IndicatorTarget):
the row's `updated_at` (auto_now, microseconds) read as a whole number is its version.

Every save moves `updated_at`, so a caller that sends the stamp it read gets a VersionConflict
(API: 409, or 412 with If-Match, exactly like `Versioned` rows) when someone saved since. The
stamp is microseconds since 1970 in UTC: an opaque integer to send back, not a counter."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models

from insyn.core.concurrency import VersionConflict, lock_row

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def stamp_of(obj: Any) -> int:
    """The row's version: `updated_at` in whole microseconds since 1970 (UTC)."""
    updated: dt.datetime | None = getattr(obj, "updated_at", None)
    if updated is None:
        return 0
    if updated.tzinfo is None:
        updated = updated.replace(tzinfo=dt.UTC)
    delta = updated - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def lock_and_check(obj: models.Model, expected: int | None) -> None:
    """Lock the row (refreshing `obj`), then refuse a stale stamp with a VersionConflict that
    names the stamp stored now (the API answers it as 409/412)."""
    lock_row(obj)
    if expected is None:
        return
    current = stamp_of(obj)
    if current != int(expected):
        obj.version = current  # type: ignore[attr-defined]  # read by VersionConflict
        raise VersionConflict(obj, int(expected))
