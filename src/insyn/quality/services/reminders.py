"""The daily quality digest: one e-mail per person and day with the lines of every registered
digest section (quality/digest.py: action items, lex Sarah deadlines, complaints, …).

Run by `insyn remind` through core's reminder-job registry (followup may not import quality).
At most one digest per user and day: the QualityReminderDigest row is written in the same
transaction as the mail is handed over, so a failed send leaves no row (the next run tries
again) and a second run the same day finds it. One failing address does not stop the others.
The mail names no client: e-mail leaves the system unencrypted; each line links to a page
that opens after login.
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
from django.utils import timezone, translation
from django.utils.translation import ngettext

from insyn.core.reminders import ReminderOutcome
from insyn.quality.digest import DigestLine, DigestSection, digest_sections
from insyn.quality.models import QualityReminderDigest

if TYPE_CHECKING:
    from insyn.accounts.models import User

logger = logging.getLogger(__name__)


@dataclass
class QualityRemindResult:
    digests: int = 0
    lines: int = 0
    already_sent: int = 0
    without_email: int = 0
    failed: int = 0
    planned: list[tuple[str, int]] = field(default_factory=list)  # (username, lines)

    def summary(self, dry_run: bool) -> str:
        verb = "would send" if dry_run else "sent"
        return (
            f"remind quality: {verb} {self.digests} digest(s) covering {self.lines} line(s); "
            f"{self.already_sent} already reminded today, {self.without_email} without an "
            f"e-mail address, {self.failed} failed"
        )


def digest_candidates(
    today: dt.date, result: QualityRemindResult | None = None
) -> dict[User, list[tuple[DigestSection, list[DigestLine]]]]:
    """Every active user with lines today, and their lines section by section. A section
    that fails is logged and counted; the others still go out."""
    by_user: dict[User, list[tuple[DigestSection, list[DigestLine]]]] = {}
    for section in digest_sections():
        try:
            found = section.source(today)
        except Exception:
            logger.exception("quality digest section %s failed", section.key)
            if result is not None:
                result.failed += 1
            continue
        for user, lines in found.items():
            if lines and user.is_active:
                by_user.setdefault(user, []).append((section, lines))
    return by_user


def _digest(user: User, sections: list[tuple[DigestSection, list[DigestLine]]]) -> tuple[str, str]:
    base = settings.INSYN_BASE_URL
    count = sum(len(lines) for _s, lines in sections)
    subject = ngettext(
        "insyn: %(n)s quality matter to attend to",
        "insyn: %(n)s quality matters to attend to",
        count,
    ) % {"n": count}
    body = render_to_string(
        "quality/action_plans/digest_email.txt",
        {
            "user": user,
            "sections": [
                {
                    "title": section.title,
                    "lines": [{"line": line, "link": base + line.path} for line in lines],
                }
                for section, lines in sections
            ],
        },
    )
    return subject, body


def quality_reminders_send(
    *, today: dt.date | None = None, dry_run: bool = False
) -> QualityRemindResult:
    today = today or timezone.localdate()
    result = QualityRemindResult()
    with translation.override(settings.LANGUAGE_CODE):
        candidates = digest_candidates(today, result)
    sent_today = set(
        QualityReminderDigest.objects.filter(day=today).values_list("user_id", flat=True)
    )
    for user, sections in sorted(candidates.items(), key=lambda kv: kv[0].username):
        count = sum(len(lines) for _s, lines in sections)
        if user.pk in sent_today:
            result.already_sent += 1
            continue
        if not user.email:
            result.without_email += 1
            continue
        result.planned.append((user.username, count))
        if dry_run:
            result.digests += 1
            result.lines += count
            continue
        items = {
            section.key: [{"text": line.text, "path": line.path} for line in lines]
            for section, lines in sections
        }
        try:
            with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
                QualityReminderDigest.objects.create(user=user, day=today, items=items)
                subject, body = _digest(user, sections)
                send_mail(subject, body, None, [user.email])
        except Exception:  # one failing address must not stop the others; counted, logged
            logger.exception("quality digest to %s failed", user.username)
            result.failed += 1
            continue
        result.digests += 1
        result.lines += count
    return result


def quality_reminder_job(today: dt.date, dry_run: bool) -> ReminderOutcome:
    """The job `insyn remind` runs (registered in core/reminders.py at start-up)."""
    result = quality_reminders_send(today=today, dry_run=dry_run)
    return ReminderOutcome(
        summary=result.summary(dry_run), planned=tuple(result.planned), failed=result.failed
    )
