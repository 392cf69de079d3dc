"""Background tasks (django-tasks): immediate in development and tests, database in production."""

from __future__ import annotations

from django_tasks import task

from insyn.surveys.services.messaging import deliver, send_due


@task()
def send_message(message_id: int) -> str:
    """Send one scheduled message; checks at send time whether it should still go."""
    return deliver(message_id)


@task()
def send_due_messages() -> int:
    """Enqueue every message whose time has come (for a periodic worker)."""
    return send_due()
