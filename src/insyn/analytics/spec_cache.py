"""A per-process cache of programme designs (`load_spec`), so analyses outside a request (the
CLI, reports, benchmarks) and every request after the first do not rebuild the design with
eight queries each time.

A cached design is used while its *stamp* is unchanged. The stamp is one query (each version
of the key: id, row version, status, name, updated_at, and the count and id sum of its stages,
variables and stage links: a new version, a publication, an added or removed item show up
there), a generation counter raised by every save or delete of a design model in this process
(label and option edits made here), and an age limit (`MAX_AGE`) for edits made by other
processes that change no count (a renamed draft variable in another worker).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Model
from django.db.models.signals import post_delete, post_save

MAX_AGE = 60.0  # seconds a design edited elsewhere (without a count changing) may be stale
T = TypeVar("T")

_lock = threading.Lock()
_generation = 0
_cache: dict[tuple[Any, ...], tuple[tuple[Any, ...], float, Any]] = {}


def _bump(**_kwargs: Any) -> None:
    global _generation
    with _lock:
        _generation += 1


def connect_signals() -> None:
    """Any save or delete of a model a design is read from makes cached designs stale."""
    from insyn.followup.models import (
        Instrument,
        Option,
        OptionSet,
        Programme,
        ScoreBand,
        Stage,
        StageVariable,
        Variable,
    )

    models: list[type[Model]] = [
        Programme,
        Stage,
        Variable,
        StageVariable,
        Option,
        OptionSet,
        ScoreBand,
        Instrument,
    ]
    for model in models:
        post_save.connect(_bump, sender=model, dispatch_uid=f"spec_cache.save.{model.__name__}")
        post_delete.connect(_bump, sender=model, dispatch_uid=f"spec_cache.del.{model.__name__}")


def forget() -> None:
    with _lock:
        _cache.clear()


def stamp(programme_key: str) -> tuple[Any, ...]:
    """What a cached design of `programme_key` must still match (one query)."""
    from insyn.followup.models import Programme, Stage, StageVariable, Variable

    p, s, v, sv = (m._meta.db_table for m in (Programme, Stage, Variable, StageVariable))
    q = connection.ops.quote_name
    sql = f"""
        SELECT p.id, p.version, p.status, p.name, p.updated_at,
          (SELECT COUNT(*) FROM {q(s)} s WHERE s.programme_id = p.id),
          (SELECT COALESCE(SUM(s.id), 0) FROM {q(s)} s WHERE s.programme_id = p.id),
          (SELECT COUNT(*) FROM {q(v)} v WHERE v.programme_id = p.id),
          (SELECT COALESCE(SUM(v.id), 0) FROM {q(v)} v WHERE v.programme_id = p.id),
          (SELECT COUNT(*) FROM {q(sv)} sv JOIN {q(s)} s ON s.id = sv.stage_id
            WHERE s.programme_id = p.id),
          (SELECT COALESCE(SUM(sv.id), 0) FROM {q(sv)} sv JOIN {q(s)} s ON s.id = sv.stage_id
            WHERE s.programme_id = p.id)
        FROM {q(p)} p WHERE p.key = %s ORDER BY p.id"""  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [programme_key])
        return tuple(tuple(str(x) for x in row) for row in cursor.fetchall())


def cached(key: tuple[Any, ...], programme_key: str, build: Callable[[], T]) -> T:
    """`build()`'s value for `key`, reused while the design's stamp holds."""
    from insyn.analytics.cache import database_id

    with _lock:
        generation = _generation
    current = (generation, stamp(programme_key))
    full_key = (database_id(), *key)
    now = time.monotonic()
    with _lock:
        found = _cache.get(full_key)
    if found is not None and found[0] == current and now - found[1] < MAX_AGE:
        value: T = found[2]
        return value
    value = build()
    with _lock:
        _cache[full_key] = (current, now, value)
    return value
