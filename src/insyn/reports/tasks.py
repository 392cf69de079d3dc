"""Background tasks (django-tasks) of reports: immediate in development and tests, the
database queue (`insyn db_worker`) in production. Safe to run twice: a build that is no longer
queued is left alone."""

from __future__ import annotations

from django_tasks import task

from insyn.reports.services import builds


@task()
def build_report(build_id: int) -> str:
    """Resolve, render and store one report build (services/builds.run_build)."""
    return builds.run_build(build_id)
