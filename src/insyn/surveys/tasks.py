"""Background tasks (django-tasks): immediate in development and tests, database in production."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from insyn.surveys.models import ScheduledMessage
from insyn.surveys.services.delivery import deliver


@task()
def send_message(message_id: int) -> str:
    """Send one scheduled message; checks at send time whether it should still go."""
    return deliver(message_id)


@task()
def send_due_messages() -> int:
    """Enqueue every message whose time has come (for a periodic worker)."""
    return send_due()


def send_due(now: dt.datetime | None = None) -> int:
    """Enqueue every pending message whose time has come (the cron / worker entry point)."""
    now = now or timezone.now()
    ids = list(
        ScheduledMessage.objects.filter(
            status=ScheduledMessage.Status.PENDING, send_at__lte=now
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        send_message.enqueue(pk)
    return len(ids)
