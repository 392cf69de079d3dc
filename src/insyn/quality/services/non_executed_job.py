"""The daily job of non-executed decisions (run by `insyn remind`, registered at start-up):

- day 60 and day 80 since the clock start: a warning to the responsible case worker
  (case.case_worker) and the unit managers of the case's unit and above it within the
  municipality, once each (a NonExecutedWarning row per decision, clock and day, so a second
  run the same day or the next day sends nothing again). A decision first seen after day 80
  gets the day-80 warning only (the day-60 one is recorded as passed, not sent).
- the day after the deadline (three calendar months, see selectors/non_executed.py): the
  decision is on the reporting list; its NonExecutedDecision row is created (detected_on) and
  the same people are told once (day 90).

The e-mail names no client (it leaves the system unencrypted): the decision's reference or
number, the intervention type, the day count and the deadline, and a link to the list.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from insyn.core.reminders import ReminderOutcome
from insyn.core.roles import Role
from insyn.organisations.models import Membership
from insyn.quality.models import NonExecutedWarning
from insyn.quality.selectors import non_executed as sel
from insyn.quality.services.non_executed import episode_row

if TYPE_CHECKING:
    from insyn.accounts.models import User

logger = logging.getLogger(__name__)
LISTED_DAY = 90  # the warning row that records "on the reporting list"


def _managers(case: object, cache: dict[int, list[User]]) -> list[User]:
    unit = case.unit  # type: ignore[attr-defined]
    if unit.pk not in cache:
        top = case.municipality.path  # type: ignore[attr-defined]
        above = [unit.path[: i + 1] for i, ch in enumerate(unit.path) if ch == "/"]
        memberships = Membership.objects.filter(
            role=Role.UNIT_MANAGER,
            org_unit__path__in=[p for p in above if p.startswith(top)],
            user__is_active=True,
        ).select_related("user")
        cache[unit.pk] = list({m.user_id: m.user for m in memberships}.values())
    return cache[unit.pk]


def _line(e: sel.Episode, day: int) -> str:
    d = e.decision
    what = d.decision_ref or _("decision no. %(id)s") % {"id": d.pk}
    params = {
        "what": what,
        "type": d.intervention_type.label,
        "unit": d.case.unit.name,
        "days": e.days,
        "deadline": e.deadline.isoformat(),
        "kind": e.kind_label.lower(),
    }
    if day == LISTED_DAY:
        return (
            _(
                "%(what)s (%(type)s, %(unit)s): %(kind)s for %(days)s days; it is now on the "
                "list to report to IVO this quarter."
            )
            % params
        )
    return (
        _(
            "%(what)s (%(type)s, %(unit)s): %(kind)s for %(days)s days; it must be executed by "
            "%(deadline)s or be reported to IVO."
        )
        % params
    )


def _due(found: list[sel.Episode], today: dt.date) -> list[tuple[sel.Episode, list[int], int]]:
    """(episode, day rows to record, the day to tell about) for what is due today."""
    sent = set(
        NonExecutedWarning.objects.filter(
            decision_id__in={e.decision.pk for e in found}
        ).values_list("decision_id", "clock_from", "day")
    )
    due = []
    for e in found:
        if not e.is_open:
            continue
        reached = [LISTED_DAY] if e.is_reportable else [w for w in sel.WARNING_DAYS if e.days >= w]
        new = [day for day in reached if (e.decision.pk, e.clock_from, day) not in sent]
        if new:
            due.append((e, new, max(new)))
    return due


def non_executed_job(today: dt.date, dry_run: bool) -> ReminderOutcome:
    """The job `insyn remind` runs every day."""
    today = today or timezone.localdate()
    with translation.override(settings.LANGUAGE_CODE):
        found = sel.episodes(sel.reportable_decisions(), today)
        due = _due(found, today)
        lines: dict[User, list[str]] = defaultdict(list)
        cache: dict[int, list[User]] = {}
        for e, _new, day in due:
            case = e.decision.case
            worker = case.case_worker if case.case_worker and case.case_worker.is_active else None
            people = ([worker] if worker else []) + _managers(case, cache)
            text = _line(e, day)
            for user in {u.pk: u for u in people}.values():
                lines[user].append(text)
        failed = 0
        planned = tuple(sorted((u.username, len(v)) for u, v in lines.items()))
        if not dry_run:
            for e, new, _day in due:
                with transaction.atomic():
                    if e.is_reportable:
                        episode_row(e, today=today)
                    for day in new:
                        NonExecutedWarning.objects.get_or_create(
                            decision=e.decision,
                            clock_from=e.clock_from,
                            day=day,
                            defaults={"sent_on": today},
                        )
            for e in found:  # keep stored rows' resolution dates in step
                if not e.is_open:
                    _sync_resolved(e, today)
            failed = _send(lines)
    verb = "would warn" if dry_run else "warned"
    summary = (
        f"remind non-executed decisions: {verb} about {len(due)} decision(s), "
        f"{len(lines)} person(s), {failed} failed"
    )
    return ReminderOutcome(summary=summary, planned=planned, failed=failed)


def _sync_resolved(e: sel.Episode, today: dt.date) -> None:
    from insyn.quality.models import NonExecutedDecision

    row = NonExecutedDecision.objects.filter(
        decision=e.decision, kind=e.kind, clock_from=e.clock_from
    ).first()
    if row is not None and row.resolved_on != e.resolved_on:
        episode_row(e, today=today)


def _send(lines: dict[User, list[str]]) -> int:
    failed = 0
    link = settings.INSYN_BASE_URL + reverse("quality:non_executed_list")
    for user, texts in sorted(lines.items(), key=lambda kv: kv[0].username):
        if not user.email:
            continue
        subject = ngettext(
            "insyn: %(n)s decision not yet executed",
            "insyn: %(n)s decisions not yet executed",
            len(texts),
        ) % {"n": len(texts)}
        body = "\n".join(
            [
                _("Decisions under SoL/LSS that must be executed within three months:"),
                "",
                *[f"- {t}" for t in texts],
                "",
                _("See the list (after login): %(link)s") % {"link": link},
            ]
        )
        try:
            send_mail(subject, body, None, [user.email])
        except Exception:  # one failing address must not stop the others; counted, logged
            logger.exception("non-executed warning to %s failed", user.username)
            failed += 1
    return failed
