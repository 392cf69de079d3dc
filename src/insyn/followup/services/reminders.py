"""`insyn remind`: one e-mail a day to each responsible case worker listing their follow-ups
whose window has opened (due) or closed (overdue).

Never for an occasion that is done or missed: occasions are picked by status after the
refresh, and a done or missed occasion is never open. At most one digest per user and day:
the ReminderDigest row is written in the same transaction as the mail is handed over, and a
second run the same day finds it. The mail names no client (e-mail leaves the system
unencrypted); it links to each occasion, which opens after login.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from insyn.core.roles import Action
from insyn.core.scoping import path_in_scope
from insyn.followup.models import Enrollment, Occasion, ReminderDigest
from insyn.followup.services.enrollment import occasions_refresh

if TYPE_CHECKING:
    from insyn.accounts.models import User

logger = logging.getLogger(__name__)


@dataclass
class RemindResult:
    refreshed: int = 0
    digests: int = 0
    occasions: int = 0
    already_sent: int = 0
    without_email: int = 0
    failed: int = 0
    planned: list[tuple[str, int]] = field(default_factory=list)  # (username, occasions)

    def summary(self, dry_run: bool) -> str:
        verb = "would send" if dry_run else "sent"
        return (
            f"remind: {self.refreshed} status(es) refreshed, {verb} {self.digests} digest(s) "
            f"covering {self.occasions} occasion(s); {self.already_sent} already reminded today, "
            f"{self.without_email} without an e-mail address, {self.failed} failed"
        )


def reminder_candidates(today: dt.date) -> dict[User, list[Occasion]]:
    """Open occasions whose window has opened, per responsible (active) user."""
    qs = (
        Occasion.objects.filter(
            status__in=Occasion.OPEN_STATUSES,
            window_start__lte=today,
            enrollment__status=Enrollment.Status.ACTIVE,
            enrollment__responsible__is_active=True,
        )
        .select_related(
            "stage", "enrollment__programme", "enrollment__unit", "enrollment__responsible"
        )
        .order_by("due_on", "id")
    )
    by_user: dict[User, list[Occasion]] = {}
    for occasion in qs:
        user = occasion.enrollment.responsible
        assert user is not None
        # someone who no longer works with the unit gets no link they cannot open
        if path_in_scope(user, Action.VIEW_INDIVIDUAL, occasion.enrollment.unit.path):
            by_user.setdefault(user, []).append(occasion)
    return by_user


def _status(occasion: Occasion, today: dt.date) -> str:
    return str(Occasion.Status(occasion.current_status(today)).label)


def _digest(user: User, occasions: list[Occasion], today: dt.date) -> tuple[str, str]:
    base = settings.INSYN_BASE_URL
    rows = [
        {
            "programme": o.enrollment.programme.name,
            "stage": o.stage.name,
            "due_on": o.due_on,
            "window_end": o.window_end,
            "status": _status(o, today),
            "link": base + reverse("followup:occasion", args=[o.pk]),
        }
        for o in occasions
    ]
    subject = ngettext(
        "insyn: %(n)s follow-up to do", "insyn: %(n)s follow-ups to do", len(rows)
    ) % {"n": len(rows)}
    body = render_to_string(
        "followup/email/digest.txt",
        {"user": user, "rows": rows, "worklist": base + reverse("followup:worklist")},
    )
    return subject, body


def reminders_send(*, today: dt.date | None = None, dry_run: bool = False) -> RemindResult:
    today = today or timezone.localdate()
    result = RemindResult()
    if not dry_run:
        result.refreshed = occasions_refresh(today)
    sent_today = set(ReminderDigest.objects.filter(day=today).values_list("user_id", flat=True))
    for user, occasions in reminder_candidates(today).items():
        if user.pk in sent_today:
            result.already_sent += 1
            continue
        if not user.email:
            result.without_email += 1
            continue
        result.planned.append((user.username, len(occasions)))
        if dry_run:
            result.digests += 1
            result.occasions += len(occasions)
            continue
        try:
            with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
                ReminderDigest.objects.create(
                    user=user, day=today, occasions=[o.pk for o in occasions]
                )
                subject, body = _digest(user, occasions, today)
                send_mail(subject, body, None, [user.email])
        except Exception:  # one failing address must not stop the others; counted, logged
            logger.exception("reminder digest to %s failed", user.username)
            result.failed += 1
            continue
        result.digests += 1
        result.occasions += len(occasions)
    return result


__all__ = ["RemindResult", "reminders_send"]
