"""Writes of the non-executed decisions area: episode rows (what only a person can add: the
reason for the delay, consequences, offers, interim interventions), the record that a quarter
was reported to IVO, and the IVO pseudonym.

The IVO pseudonym. IVO's e-service takes, instead of a personnummer, the birth date and four
characters: `YYYYMMDD-T` and three digits (IVO, "Hur rapporterar jag in ett beslut som rör en
person utan svenskt personnummer?", ivo.se FAQ for EVB). The third position of `T123` (the
digit 2 in the example, T counted as the first) gives the sex: even for a woman, odd for a
man, the same the whole reporting period. insyn allocates the two other digits at random
among the free ones for that birth date in the municipality (never from the personnummer,
never a hash of it) and keeps the code (IvoPseudonym), so a person has one code in every
quarter. Sex "X" (other / not stated): IVO's format has no value for it; insyn draws the
parity at random too (it states nothing then) and the report says the sex is not stated, so
the person who reports can correct it in the e-service.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from insyn.clients.models import Client
from insyn.core.audit import record_change, snapshot
from insyn.core.concurrency import bump_version, lock_for_write
from insyn.core.roles import Action
from insyn.core.services import ensure_in_scope
from insyn.quality.models import (
    IvoPseudonym,
    NonExecutedDecision,
    NonExecutedOffer,
    NonExecutedReportRecord,
)
from insyn.quality.selectors import non_executed as sel

TEXT_FIELDS = ("reason_for_delay", "consequences", "interim_interventions", "not_executed_part")
MAX_TEXT = 4000


# --- The pseudonym --------------------------------------------------------------------------


def _sex_digits(sex: str) -> tuple[int, ...]:
    if sex == "K":
        return (0, 2, 4, 6, 8)
    if sex == "M":
        return (1, 3, 5, 7, 9)
    return tuple(range(10))


def pseudonym_for(client: Client) -> str:
    """The client's IVO code, allocated the first time it is needed and then kept."""
    existing = IvoPseudonym.objects.filter(client=client).values_list("code", flat=True).first()
    if existing:
        return existing
    municipality = client.municipality
    prefix = f"{client.birth_date:%Y%m%d}-T"
    for _attempt in range(5):
        taken = set(
            IvoPseudonym.objects.filter(
                municipality=municipality, code__startswith=prefix
            ).values_list("code", flat=True)
        )
        free = [
            f"{prefix}{a}{s}{b}"
            for a in range(10)
            for s in _sex_digits(client.sex)
            for b in range(10)
            if f"{prefix}{a}{s}{b}" not in taken
        ]
        if not free:
            raise ValidationError(
                _("No IVO pseudonym is free for this birth date; contact the administrator.")
            )
        code = free[secrets.randbelow(len(free))]
        try:
            with transaction.atomic():
                IvoPseudonym.objects.create(client=client, municipality=municipality, code=code)
        except IntegrityError:  # a concurrent allocation took it (or the client's): retry
            existing = (
                IvoPseudonym.objects.filter(client=client).values_list("code", flat=True).first()
            )
            if existing:
                return existing
            continue
        return code
    raise ValidationError(_("The IVO pseudonym could not be allocated; try again."))


def pseudonyms_for(clients: list[Client]) -> dict[int, str]:
    return {c.pk: pseudonym_for(c) for c in {c.pk: c for c in clients}.values()}


# --- Episode rows ---------------------------------------------------------------------------


def _resolved(found: sel.Episode) -> dt.date | None:
    return found.resolved_on


@transaction.atomic
def episode_row(
    found: sel.Episode, *, actor: Any = None, today: dt.date | None = None
) -> NonExecutedDecision:
    """The stored row of a computed episode, created the first time (detected_on = today) and
    its resolution date kept in step with the decision."""
    today = today or timezone.localdate()
    row = NonExecutedDecision.objects.filter(
        decision=found.decision, kind=found.kind, clock_from=found.clock_from
    ).first()
    if row is None:
        row = NonExecutedDecision.objects.create(
            decision=found.decision,
            kind=found.kind,
            clock_from=found.clock_from,
            detected_on=today,
            resolved_on=_resolved(found),
        )
        record_change(actor=actor, action="create", obj=row)
    elif row.resolved_on != _resolved(found):
        before = snapshot(row)
        row.resolved_on = _resolved(found)
        row.save(update_fields=["resolved_on", "updated_at"])
        record_change(actor=actor, action="update", obj=row, before=before)
    return row


def sync_episodes(
    *, today: dt.date | None = None, decisions: Any = None
) -> list[NonExecutedDecision]:
    """Rows for every episode reportable today, and resolution dates for those already stored
    (the daily job; also the CLI before an export)."""
    today = today or timezone.localdate()
    found = sel.episodes(sel.reportable_decisions(decisions), today)
    rows: list[NonExecutedDecision] = []
    stored = sel.stored_episodes(found)
    for e in found:
        new = e.is_reportable and e.key not in stored
        if new or (e.key in stored and stored[e.key].resolved_on != e.resolved_on):
            rows.append(episode_row(e, today=today))
    return rows


def _check_change(actor: Any, row: NonExecutedDecision) -> None:
    path = row.decision.case.unit.path
    ensure_in_scope(actor, Action.CHANGE_INDIVIDUAL, path)
    ensure_in_scope(actor, Action.HANDLE_QUALITY, path)


@transaction.atomic
def episode_update(
    *, actor: Any, episode: NonExecutedDecision, expected_version: int | None, **texts: str
) -> NonExecutedDecision:
    """Edit the free-text fields of the individual report."""
    _check_change(actor, episode)
    unknown = set(texts) - set(TEXT_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("Not a field of the report.")})
    errors: dict[str, str] = {}
    clean = {}
    for name, value in texts.items():
        value = (value or "").strip()
        limit = 200 if name == "not_executed_part" else MAX_TEXT
        if len(value) > limit:
            errors[name] = _("At most %(n)s characters.") % {"n": limit}
        clean[name] = value
    if errors:
        raise ValidationError(errors)
    row = lock_for_write(episode, expected_version)
    before = snapshot(row)
    for name, value in clean.items():
        setattr(row, name, value)
    row.save(update_fields=[*clean, *bump_version(row), "updated_at"])
    record_change(actor=actor, action="update", obj=row, before=before)
    return row


@transaction.atomic
def offer_add(
    *,
    actor: Any,
    episode: NonExecutedDecision,
    offered_on: dt.date | None,
    description: str,
    declined: bool = False,
    today: dt.date | None = None,
) -> NonExecutedOffer:
    """An offer of the intervention made while the client waited (IVO asks for each)."""
    _check_change(actor, episode)
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    description = (description or "").strip()
    if not description:
        errors["description"] = _("Say what was offered.")
    elif len(description) > 300:
        errors["description"] = _("At most %(n)s characters.") % {"n": 300}
    if offered_on is None:
        errors["offered_on"] = _("Give the date of the offer.")
    elif offered_on < episode.decision.decided_on:
        errors["offered_on"] = _("An offer cannot be made before the decision.")
    elif offered_on > today:
        errors["offered_on"] = _("The date of the offer cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    assert offered_on is not None
    offer = NonExecutedOffer.objects.create(
        non_executed=episode, offered_on=offered_on, description=description, declined=declined
    )
    row = lock_for_write(episode, None)
    row.save(update_fields=[*bump_version(row), "updated_at"])
    record_change(actor=actor, action="add_offer", obj=row, after={"offer": snapshot(offer)})
    return offer


@transaction.atomic
def record_reported(
    *,
    actor: Any,
    episode: NonExecutedDecision,
    quarter: str,
    reported_on: dt.date | None,
    today: dt.date | None = None,
) -> NonExecutedReportRecord:
    """That the episode was reported to IVO for `quarter`, on `reported_on`."""
    _check_change(actor, episode)
    if actor is None:  # the record names who reported: a person, never the system
        raise ValidationError(_("Only a person can record that a report was sent to IVO."))
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    q = None
    try:
        q = sel.parse_quarter(quarter)
    except sel.QuarterError as exc:
        errors["quarter"] = str(exc)
    if reported_on is None:
        errors["reported_on"] = _("Give the date it was reported.")
    elif reported_on > today:
        errors["reported_on"] = _("The report date cannot be in the future.")
    elif q is not None and reported_on < q.start:
        errors["reported_on"] = _("A quarter cannot be reported before it has begun.")
    if q is not None and "quarter" not in errors:
        if episode.reports.filter(quarter=q.label).exists():
            errors["quarter"] = _("This quarter is already recorded as reported.")
        elif sel.deadline_for(episode.clock_from) >= q.end:
            errors["quarter"] = _("The decision was not yet reportable in that quarter.")
    if errors:
        raise ValidationError(errors)
    assert q is not None and reported_on is not None
    record = NonExecutedReportRecord.objects.create(
        non_executed=episode, quarter=q.label, reported_on=reported_on, reported_by=actor
    )
    row = lock_for_write(episode, None)
    row.save(update_fields=[*bump_version(row), "updated_at"])
    record_change(
        actor=actor,
        action="reported_to_ivo",
        obj=row,
        after={"quarter": q.label, "reported_on": reported_on.isoformat()},
    )
    return record
