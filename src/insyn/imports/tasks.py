"""Background tasks (django-tasks) of the web import: immediate in development and tests, the
database queue (`insyn db_worker`) in production. Each is safe to run twice: a batch that is
not in the state the task expects is left alone."""

from __future__ import annotations

from django_tasks import task

from insyn.imports import services


@task()
def import_check(batch_id: int) -> str:
    """Check an uploaded batch completely (a dry run); the report goes on the batch."""
    return services.batch_check(batch_id=batch_id)


@task()
def import_apply(batch_id: int) -> str:
    """Apply a confirmed batch in one transaction."""
    return services.batch_apply(batch_id=batch_id)
