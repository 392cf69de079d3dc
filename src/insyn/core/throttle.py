"""Sliding-window counters in the shared cache (Redis or the database, never a worker's
memory), for the public pages' throttles (surveys' bad-link throttle, the complaint form)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.cache import cache


def count_in_window(keys: Iterable[str], window: int) -> None:
    """Add one to each counter; each lasts `window` seconds after its latest increment."""
    for key in keys:
        if cache.add(key, 1, window):
            continue
        try:
            cache.incr(key)  # atomic in Redis; a read and a write in the database cache
        except ValueError:  # expired between add and incr
            cache.set(key, 1, window)
        else:
            # The database cache's incr stores with the default timeout: restore the window
            # (so a refusal lasts `window` after the latest count, on both backends).
            cache.touch(key, window)


def counts(keys: Iterable[str]) -> dict[str, int]:
    """The current counts (0 for a counter that is not there)."""
    keys = list(keys)
    found = cache.get_many(keys)
    return {key: int(found.get(key, 0)) for key in keys}
