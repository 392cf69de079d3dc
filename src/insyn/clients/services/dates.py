"""The date rules of a client's journey, in one place for every way data comes in.

A client is born, a case is opened, decisions are made and interventions run inside the case,
the case is closed, and follow-up occasions take place around the intervention. Dates that
cannot be true in that order (a case opened before the client was born, an intervention that
starts next year, a "before" follow-up 25 years before its case) would otherwise pass
straight into the timeline, the unit overview and the before/after analysis. So the services
of the clients app (cases, decisions, interventions) and of the follow-up app (occasions) all
check their dates here: the web forms, the API and the import call those services, and every
message is keyed by the field it concerns, so a form shows it on the field, the API answers
400 with the field and the import reports the row and column.

The rules (docs/import-format.md, "Date rules", says the same for the people who make files):

- no date lies in the future: a case is opened, a decision made, an intervention started or
  ended, a follow-up done when it has happened;
- nothing in a case lies before the client was born or before the case was opened;
- a closed case holds nothing open: it cannot be closed while an intervention in it is still
  running (started, not ended), or with an intervention, a decision or an investigation dated
  after the closing day (an intervention that never started runs nothing and blocks nothing); and
  what is recorded in a closed case must fit inside it (an intervention ended by the closing
  day, a decision made by then). The case is *blocked*, never silently ends what is open: the
  end date and end reason of an intervention are the case worker's to give;
- a follow-up occasion takes place at a sane distance of its stage's window: not before the
  case was opened, not more than OCCASION_EARLY_DAYS before the window opens and not more than
  OCCASION_LATE_DAYS after it closes. It may lie after the case was closed (a follow-up a year
  after the end is the point of a "later" stage).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from insyn.clients.services import common
from insyn.clients.services.common import Errors, check_not_future

if TYPE_CHECKING:
    from insyn.clients.models import Case, Client

# How far outside its stage's window an occasion may lie. Early: a "before" measurement taken
# at the first meeting while the intervention waits for a place (a waiting list of a few
# months is common) is still the before measurement; a year earlier it is not. Late: an
# "after" follow-up done months late (the client was hard to reach) still describes the
# result, one more than a year past its window describes something else.
OCCASION_EARLY_DAYS = 90
OCCASION_LATE_DAYS = 365


def _day(value: dt.date) -> str:
    return value.isoformat()


def check_case(
    errors: Errors, *, client: Client, opened_on: dt.date, closed_on: dt.date | None
) -> None:
    """A case opens on a day that has come, not before the client was born, and closes on or
    after that day."""
    check_not_future(errors, "opened_on", opened_on)
    check_not_future(errors, "closed_on", closed_on)
    if opened_on < client.birth_date:
        errors.add(
            "opened_on",
            _("A case cannot be opened before the client was born (%(day)s).")
            % {"day": _day(client.birth_date)},
        )
    if closed_on is not None and closed_on < opened_on:
        errors.add("closed_on", _("A case cannot close before it was opened."))


def check_birth_date(errors: Errors, *, client: Client, birth_date: dt.date | None) -> None:
    """A corrected birth date may not come after a case the client already has."""
    if birth_date is None or client.pk is None:
        return
    first = client.cases.order_by("opened_on").values_list("opened_on", flat=True).first()
    if first is not None and first < birth_date:
        errors.add(
            "birth_date",
            _("The client has a case opened on %(day)s, before this birth date.")
            % {"day": _day(first)},
        )


def check_opening(errors: Errors, *, case: Case, opened_on: dt.date) -> None:
    """A case's opening day moved: nothing it holds may come before it."""
    if case.decisions.filter(decided_on__lt=opened_on).exists():
        errors.add("opened_on", _("The case has a decision dated before this day."))
    if case.investigations.filter(started_on__lt=opened_on).exists():
        errors.add("opened_on", _("The case has an investigation started before this day."))
    if case.interventions.filter(started_on__lt=opened_on).exists():
        errors.add("opened_on", _("The case has an intervention started before this day."))


def check_closing(errors: Errors, *, case: Case, closed_on: dt.date) -> None:
    """The case closes (or its closing day moves): nothing in it may still be open, or dated
    after the closing day. The case is blocked, see the module docstring; the caller checks
    only a closing day that changes, so an old inconsistency does not block other edits."""
    last = case.decisions.order_by("-decided_on").values_list("decided_on", flat=True).first()
    if last is not None and last > closed_on:
        errors.add(
            "closed_on",
            _("The case has a decision dated %(day)s, after this day.") % {"day": _day(last)},
        )
    late = case.investigations.filter(started_on__gt=closed_on).order_by("started_on").first()
    if late is not None:
        errors.add(
            "closed_on",
            _("The case has an investigation started %(day)s, after this day.")
            % {"day": _day(late.started_on)},
        )
    for intervention in case.interventions.order_by("started_on", "pk"):
        ref, started = intervention.intervention_ref, intervention.started_on
        if started is None:
            continue  # never started: runs nothing, blocks nothing
        if started > closed_on:
            errors.add(
                "closed_on",
                _("The intervention %(ref)s started %(day)s, after this day.")
                % {"ref": ref, "day": _day(started)},
            )
        elif intervention.ended_on is None:
            errors.add(
                "closed_on",
                _(
                    "The intervention %(ref)s is still running: record when it ended before "
                    "closing the case."
                )
                % {"ref": ref},
            )
        elif intervention.ended_on > closed_on:
            errors.add(
                "closed_on",
                _("The intervention %(ref)s ended %(day)s, after this day.")
                % {"ref": ref, "day": _day(intervention.ended_on)},
            )


def check_decision(errors: Errors, *, case: Case, decided_on: dt.date) -> None:
    """A decision is made inside its case: not in the future, not before the case was opened,
    not after it was closed."""
    check_not_future(errors, "decided_on", decided_on)
    if decided_on < case.opened_on:
        errors.add("decided_on", _("A decision cannot come before the case was opened."))
    if case.closed_on is not None and decided_on > case.closed_on:
        errors.add(
            "decided_on",
            _("The case was closed on %(day)s: a decision in it cannot be made after that.")
            % {"day": _day(case.closed_on)},
        )


def check_intervention(
    errors: Errors, *, case: Case, started_on: dt.date | None, ended_on: dt.date | None
) -> None:
    """An intervention starts when it has started, inside its case, and ends after it
    started; in a closed case it has ended by the closing day."""
    if started_on is not None and started_on > _today():
        errors.add(
            "started_on",
            _("An intervention cannot start in the future: record it once it has started."),
        )
    check_not_future(errors, "ended_on", ended_on)
    if started_on is not None and started_on < case.opened_on:
        errors.add(
            "started_on",
            _("An intervention cannot start before the case was opened (%(day)s).")
            % {"day": _day(case.opened_on)},
        )
    if ended_on is not None and started_on is None:
        errors.add("started_on", _("Give the start date of an intervention that has ended."))
    if ended_on is not None and started_on is not None and ended_on < started_on:
        errors.add("ended_on", _("An intervention cannot end before it started."))
    closed = case.closed_on
    if closed is None or started_on is None:
        return  # one that never started is not running (and cannot be given an end)
    if started_on > closed:
        errors.add(
            "started_on",
            _("The case was closed on %(day)s: an intervention in it cannot start after that.")
            % {"day": _day(closed)},
        )
    elif ended_on is None:
        errors.add(
            "ended_on",
            _(
                "The case was closed on %(day)s: give the day the intervention ended (that day "
                "at the latest)."
            )
            % {"day": _day(closed)},
        )
    elif ended_on > closed:
        errors.add(
            "ended_on",
            _("The case was closed on %(day)s: the intervention cannot end after that.")
            % {"day": _day(closed)},
        )


def check_occasion(
    errors: Errors,
    field: str,
    day: dt.date,
    *,
    birth_date: dt.date,
    case_opened_on: dt.date | None,
    window_start: dt.date | None,
    window_end: dt.date | None,
) -> None:
    """A follow-up occasion takes place on a day that has come, not before the client was
    born or the case was opened, and within a sane distance of its stage's window (the
    window as scheduled; an occasion whose anchor date is not known yet has none). The day a
    non-response was noted passes no window (None, None): a client who moved away may be
    marked as not reachable long before, or after, the window."""
    if day > _today():
        errors.add(field, _("The date cannot be in the future."))
        return
    if day < birth_date:
        errors.add(
            field,
            _("A follow-up cannot take place before the client was born (%(day)s).")
            % {"day": _day(birth_date)},
        )
    elif case_opened_on is not None and day < case_opened_on:
        errors.add(
            field,
            _("A follow-up cannot take place before the case was opened (%(day)s).")
            % {"day": _day(case_opened_on)},
        )
    elif window_start is not None and day < window_start - dt.timedelta(OCCASION_EARLY_DAYS):
        errors.add(
            field,
            _(
                "The date lies more than %(days)s days before the window of this follow-up "
                "opens (%(day)s)."
            )
            % {"days": OCCASION_EARLY_DAYS, "day": _day(window_start)},
        )
    if window_end is not None and day > window_end + dt.timedelta(OCCASION_LATE_DAYS):
        errors.add(
            field,
            _(
                "The date lies more than %(days)s days after the window of this follow-up "
                "closed (%(day)s)."
            )
            % {"days": OCCASION_LATE_DAYS, "day": _day(window_end)},
        )


def _today() -> dt.date:
    return common.today()  # looked up at call time, as check_not_future does
