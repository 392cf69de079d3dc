"""Progress of a running import check or apply, visible while its transaction is still open.

The apply writes everything in one transaction, so progress cannot go through that
transaction (nobody would see it before the end). It goes to two places outside it:

- the shared cache (Redis in production: every app node and worker sees it), always;
- the batch row itself, through a second database connection in autocommit, on PostgreSQL
  only (on SQLite a second connection writing while the import holds the write lock blocks).

The page reads the cache first and falls back to the batch row; once the batch is finished its
final state (report, counts) is what the page shows. So on SQLite without a shared cache, a
worker in another process shows progress only when it is done.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import connections
from django.db.utils import load_backend

from insyn.imports.models import ImportBatch
from insyn.imports.report import progress_text

logger = logging.getLogger(__name__)

CACHE_TIMEOUT = 24 * 3600
MIN_INTERVAL = 0.5  # seconds between database writes; the cache gets every tick


@dataclass(frozen=True)
class Progress:
    sheet: str
    done: int
    total: int

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def text(self) -> str:
        return progress_text(self.sheet, self.done, self.total)


def _key(batch_id: int) -> str:
    return f"insyn:imports:progress:{batch_id}"


def progress_read(batch: ImportBatch) -> Progress:
    """The newest known progress of a batch (cache, else its row)."""
    cached = cache.get(_key(batch.pk))
    if isinstance(cached, dict):
        return Progress(str(cached["sheet"]), int(cached["done"]), int(cached["total"]))
    return Progress(batch.progress_sheet, batch.progress_done, batch.progress_total)


def progress_clear(batch_id: int) -> None:
    cache.delete(_key(batch_id))


class ProgressWriter:
    """A progress callback (sheet, done, total) for `run_import`; close() when done."""

    def __init__(self, batch_id: int, *, alias: str = "default") -> None:
        self.batch_id = batch_id
        self.alias = alias
        self.last_write = 0.0
        self._side: Any = None
        self.use_side = connections[alias].vendor == "postgresql"

    def __call__(self, sheet: str, done: int, total: int) -> None:
        value = {"sheet": sheet[:40], "done": done, "total": total}
        try:
            cache.set(_key(self.batch_id), value, CACHE_TIMEOUT)
        except Exception:  # a cache outage must not stop the import
            logger.warning("import progress: cache unavailable", exc_info=True)
        now = time.monotonic()
        if self.use_side and (done == total or now - self.last_write >= MIN_INTERVAL):
            self.last_write = now
            self._write_row(value)

    def _connection(self) -> Any:
        if self._side is None:
            settings_dict = dict(connections[self.alias].settings_dict)
            backend = load_backend(settings_dict["ENGINE"])
            self._side = backend.DatabaseWrapper(settings_dict, f"{self.alias}-import-progress")
        return self._side

    def _write_row(self, value: dict[str, Any]) -> None:
        table = ImportBatch._meta.db_table
        try:
            with self._connection().cursor() as cursor:
                # Never wait on a lock: progress is best effort.
                cursor.execute("SET lock_timeout = '200ms'")
                cursor.execute(
                    f"UPDATE {table} SET progress_sheet = %s, progress_done = %s, "  # noqa: S608
                    "progress_total = %s WHERE id = %s",
                    [value["sheet"], value["done"], value["total"], self.batch_id],
                )
        except Exception:
            logger.warning("import progress: could not write the batch row", exc_info=True)
            self.use_side = False

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None
