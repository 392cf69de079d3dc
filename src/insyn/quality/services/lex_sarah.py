"""Lex Sarah reports: every write, and the state machine they follow.

    reported → registered → investigating → assessed → closed
                                  └──────── non-case close ──────→ closed

Steps that record something without moving the report on (immediate protective action,
the investigation's answers, measures, IVO notification, the person concerned and relatives
informed) are transitions to `SAME`: the table still says from which states they may be
done, so the page never offers them elsewhere and the service refuses them the same way.
The IVO notification is recorded while the report is assessed and serious; the
investigation, the measures and the views can still be recorded after it ("the
investigation may go on").

Every service locks the row, re-checks `handle_lex_sarah` on the report's unit (outside it:
404, like a missing report), checks the caller's version, then validates and writes with
one change entry. Reporting, escalating a deviation and granting read access are in
services/lex_sarah_intake.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from insyn.core.audit import record_change, snapshot
from insyn.core.concurrency import bump_version, check_version, lock_row
from insyn.core.roles import Action
from insyn.core.services import ensure_in_scope
from insyn.quality.models import (
    DiarySeries,
    LexSarahReport,
    QualitySettings,
)
from insyn.quality.workflow import Transition, Workflow

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from insyn.accounts.models import User
    from insyn.organisations.models import OrgUnit

    ActorT = User | AnonymousUser | None

S = LexSarahReport.State
SAME = "="  # a step that records something and leaves the state as it is
OPEN = (S.REPORTED, S.REGISTERED, S.INVESTIGATING, S.ASSESSED)

LEX_SARAH_FLOW = Workflow(
    gettext_lazy("the lex Sarah report"),
    {
        "protect": Transition(OPEN, SAME, gettext_lazy("Record immediate protective action")),
        "register": Transition((S.REPORTED,), S.REGISTERED, gettext_lazy("Register")),
        "start_investigation": Transition(
            (S.REGISTERED,), S.INVESTIGATING, gettext_lazy("Start the investigation")
        ),
        "record_investigation": Transition(
            (S.INVESTIGATING, S.ASSESSED), SAME, gettext_lazy("Record the investigation")
        ),
        "decide_measures": Transition(
            (S.INVESTIGATING, S.ASSESSED), SAME, gettext_lazy("Decide measures")
        ),
        "assess": Transition((S.INVESTIGATING,), S.ASSESSED, gettext_lazy("Assess seriousness")),
        "notify_ivo": Transition(
            (S.ASSESSED,), SAME, gettext_lazy("Record the notification to IVO")
        ),
        "record_informed": Transition(
            OPEN, SAME, gettext_lazy("Record that the person concerned and relatives were informed")
        ),
        "close": Transition((S.ASSESSED,), S.CLOSED, gettext_lazy("Close")),
        "close_non_case": Transition(
            (S.INVESTIGATING,), S.CLOSED, gettext_lazy("Close: not a maladministration")
        ),
    },
    dict(S.choices),
)


def today() -> dt.date:
    return timezone.localdate()


def settings_for(municipality: OrgUnit) -> QualitySettings:
    """The municipality's settings, or the defaults (an unsaved row) when it has none."""
    found = QualitySettings.objects.filter(municipality=municipality).first()
    return found or QualitySettings(municipality=municipality)


def available_steps(report: LexSarahReport) -> list[str]:
    """The steps the page may offer now (the table, plus the facts some steps need)."""
    steps = LEX_SARAH_FLOW.available(report.state)
    if report.serious is not True or report.ivo_notified_on is not None:
        steps = [s for s in steps if s != "notify_ivo"]
    return steps


# --- checks ---------------------------------------------------------------------------------


class StepErrors:
    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, []).append(message)

    def required(self, field: str, value: Any) -> None:
        if value is None or (isinstance(value, str) and not value.strip()):
            self.add(field, _("This field is required."))

    def date(self, field: str, value: dt.date | None, *, not_before: dt.date | None = None) -> None:
        """A step's date: given, not in the future, not before the step it follows."""
        if value is None:
            self.add(field, _("This field is required."))
        elif value > today():
            self.add(field, _("The date cannot lie in the future."))
        elif not_before is not None and value < not_before:
            self.add(
                field,
                _("The date cannot lie before %(date)s, when the previous step was done.")
                % {"date": not_before.isoformat()},
            )

    def raise_if_any(self) -> None:
        if self.fields:
            raise ValidationError(self.fields)


def _reported_on(report: LexSarahReport) -> dt.date:
    return timezone.localdate(report.reported_at)


def _begin(actor: ActorT, report: LexSarahReport, action: str, expected_version: int | None) -> str:
    """Lock, re-check scope and version, and ask the table; the state the step leads to."""
    lock_row(report)
    ensure_in_scope(actor, Action.HANDLE_LEX_SARAH, report.unit.path)
    check_version(report, expected_version)
    target = LEX_SARAH_FLOW.check(report.state, action)
    return report.state if target == SAME else target


def _save(actor: ActorT, report: LexSarahReport, action: str, values: dict[str, Any]) -> None:
    before = snapshot(report)
    for name, value in values.items():
        setattr(report, name, value)
    report.save(update_fields=[*values, *bump_version(report), "updated_at"])
    record_change(actor=actor, action=f"lex_sarah_{action}", obj=report, before=before)


# --- steps ----------------------------------------------------------------------------------


@transaction.atomic
def lex_sarah_protect(
    *,
    actor: ActorT,
    report: LexSarahReport,
    immediate_action: str,
    immediate_action_on: dt.date | None,
    expected_version: int | None = None,
) -> LexSarahReport:
    state = _begin(actor, report, "protect", expected_version)
    errors = StepErrors()
    errors.required("immediate_action", immediate_action)
    errors.date("immediate_action_on", immediate_action_on, not_before=report.occurred_on)
    errors.raise_if_any()
    values = {
        "immediate_action": immediate_action.strip(),
        "immediate_action_on": immediate_action_on,
    }
    _save(actor, report, "protect", {**values, "state": state})
    return report


@transaction.atomic
def lex_sarah_register(
    *,
    actor: ActorT,
    report: LexSarahReport,
    registered_on: dt.date | None = None,
    expected_version: int | None = None,
) -> LexSarahReport:
    """Give the report its diary number from the municipality's series for the year; the
    series row is locked, so two officers registering at once get two numbers."""
    state = _begin(actor, report, "register", expected_version)
    registered_on = registered_on or today()
    errors = StepErrors()
    errors.date("registered_on", registered_on, not_before=_reported_on(report))
    errors.raise_if_any()
    prefix = settings_for(report.municipality).lex_sarah_diary_prefix or "LS"
    DiarySeries.objects.get_or_create(
        municipality=report.municipality, prefix=prefix, year=registered_on.year
    )
    series = DiarySeries.objects.select_for_update().get(
        municipality=report.municipality, prefix=prefix, year=registered_on.year
    )
    series.last_number += 1
    series.save(update_fields=["last_number"])
    officer = actor if actor is not None and actor.is_authenticated else None
    _save(
        actor,
        report,
        "register",
        {
            "state": state,
            "registered_on": registered_on,
            "diary_number": f"{prefix} {registered_on.year}/{series.last_number}",
            "officer": officer,
        },
    )
    return report


@transaction.atomic
def lex_sarah_start_investigation(
    *,
    actor: ActorT,
    report: LexSarahReport,
    investigation_started_on: dt.date | None = None,
    expected_version: int | None = None,
) -> LexSarahReport:
    state = _begin(actor, report, "start_investigation", expected_version)
    started = investigation_started_on or today()
    errors = StepErrors()
    errors.date("investigation_started_on", started, not_before=report.registered_on)
    errors.raise_if_any()
    _save(
        actor, report, "start_investigation", {"state": state, "investigation_started_on": started}
    )
    return report


@transaction.atomic
def lex_sarah_record_investigation(
    *,
    actor: ActorT,
    report: LexSarahReport,
    investigation_what: str,
    investigation_why: str,
    investigation_prevention: str,
    investigation_done_on: dt.date | None = None,
    consequences: str = "",
    expected_version: int | None = None,
) -> LexSarahReport:
    """The investigation answers what happened, why, and how it is prevented. Drafts may
    leave answers empty; a date of completion needs all three."""
    state = _begin(actor, report, "record_investigation", expected_version)
    errors = StepErrors()
    if investigation_done_on is not None:
        errors.required("investigation_what", investigation_what)
        errors.required("investigation_why", investigation_why)
        errors.required("investigation_prevention", investigation_prevention)
        errors.date(
            "investigation_done_on",
            investigation_done_on,
            not_before=report.investigation_started_on,
        )
    errors.raise_if_any()
    values = {
        "state": state,
        "investigation_what": investigation_what.strip(),
        "investigation_why": investigation_why.strip(),
        "investigation_prevention": investigation_prevention.strip(),
        "investigation_done_on": investigation_done_on,
        "consequences": consequences.strip(),
    }
    _save(actor, report, "record_investigation", values)
    return report


@transaction.atomic
def lex_sarah_decide_measures(
    *,
    actor: ActorT,
    report: LexSarahReport,
    measures_text: str,
    measures_on: dt.date | None = None,
    expected_version: int | None = None,
) -> LexSarahReport:
    state = _begin(actor, report, "decide_measures", expected_version)
    decided = measures_on or today()
    errors = StepErrors()
    errors.required("measures_text", measures_text)
    errors.date("measures_on", decided, not_before=report.investigation_started_on)
    errors.raise_if_any()
    values = {"state": state, "measures_text": measures_text.strip(), "measures_on": decided}
    _save(actor, report, "decide_measures", values)
    return report


@transaction.atomic
def lex_sarah_assess(
    *,
    actor: ActorT,
    report: LexSarahReport,
    serious: bool | None,
    seriousness_reasons: str,
    seriousness_decided_on: dt.date | None = None,
    investigation_continuation: str = "",
    expected_version: int | None = None,
) -> LexSarahReport:
    """Is the missförhållande (or the risk of one) serious? Reasons are part of the decision."""
    state = _begin(actor, report, "assess", expected_version)
    decided = seriousness_decided_on or today()
    errors = StepErrors()
    if serious is None:
        errors.add("serious", _("Say whether the maladministration is serious."))
    errors.required("seriousness_reasons", seriousness_reasons)
    errors.date("seriousness_decided_on", decided, not_before=report.investigation_started_on)
    errors.raise_if_any()
    values = {
        "state": state,
        "serious": serious,
        "seriousness_reasons": seriousness_reasons.strip(),
        "seriousness_decided_on": decided,
        "investigation_continuation": investigation_continuation.strip(),
    }
    _save(actor, report, "assess", values)
    return report


@transaction.atomic
def lex_sarah_notify_ivo(
    *,
    actor: ActorT,
    report: LexSarahReport,
    ivo_notified_on: dt.date | None,
    ivo_reference: str = "",
    expected_version: int | None = None,
) -> LexSarahReport:
    """Record that IVO was notified (snarast) of a serious maladministration: the date the
    notification was sent and, when IVO has answered, IVO's reference."""
    lock_row(report)
    ensure_in_scope(actor, Action.HANDLE_LEX_SARAH, report.unit.path)
    check_version(report, expected_version)
    if report.serious is not True:
        raise ValidationError(
            {
                "ivo_notified_on": _(
                    "IVO is notified only of a maladministration assessed as serious; "
                    "this report has no such decision."
                )
            }
        )
    if report.ivo_notified_on is not None:
        raise ValidationError(
            {
                "ivo_notified_on": _("IVO was already notified on %(date)s.")
                % {"date": report.ivo_notified_on.isoformat()}
            }
        )
    state = _begin(actor, report, "notify_ivo", None)
    errors = StepErrors()
    errors.date("ivo_notified_on", ivo_notified_on, not_before=report.seriousness_decided_on)
    errors.raise_if_any()
    values = {
        "state": state,
        "ivo_notified_on": ivo_notified_on,
        "ivo_reference": ivo_reference.strip(),
    }
    _save(actor, report, "notify_ivo", values)
    return report


@transaction.atomic
def lex_sarah_record_informed(
    *,
    actor: ActorT,
    report: LexSarahReport,
    affected_informed_on: dt.date | None = None,
    affected_views: str = "",
    relatives_informed_on: dt.date | None = None,
    relatives_views: str = "",
    expected_version: int | None = None,
) -> LexSarahReport:
    """The person concerned and relatives: when they were informed and what they think."""
    state = _begin(actor, report, "record_informed", expected_version)
    errors = StepErrors()
    for field, value in (
        ("affected_informed_on", affected_informed_on),
        ("relatives_informed_on", relatives_informed_on),
    ):
        if value is not None:
            errors.date(field, value, not_before=_reported_on(report))
    if affected_views.strip() and affected_informed_on is None:
        errors.add("affected_informed_on", _("Give the date the person concerned was informed."))
    if relatives_views.strip() and relatives_informed_on is None:
        errors.add("relatives_informed_on", _("Give the date the relatives were informed."))
    errors.raise_if_any()
    values = {
        "state": state,
        "affected_informed_on": affected_informed_on,
        "affected_views": affected_views.strip(),
        "relatives_informed_on": relatives_informed_on,
        "relatives_views": relatives_views.strip(),
    }
    _save(actor, report, "record_informed", values)
    return report


@transaction.atomic
def lex_sarah_close(
    *,
    actor: ActorT,
    report: LexSarahReport,
    closed_on: dt.date | None = None,
    non_case_position: str = "",
    expected_version: int | None = None,
) -> LexSarahReport:
    """Close an assessed report whose investigation is done (and, when serious, notified to
    IVO); or, with a documented position, close an investigated report that turned out not
    to be a maladministration."""
    action = "close_non_case" if non_case_position.strip() else "close"
    lock_row(report)
    if report.state == S.INVESTIGATING and action == "close":
        ensure_in_scope(actor, Action.HANDLE_LEX_SARAH, report.unit.path)
        raise ValidationError(
            {
                "non_case_position": _(
                    "Before an assessment, a report is closed only with a "
                    "documented position that it is not a maladministration."
                )
            }
        )
    state = _begin(actor, report, action, expected_version)
    closed = closed_on or today()
    errors = StepErrors()
    if action == "close":
        for field in ("investigation_what", "investigation_why", "investigation_prevention"):
            errors.required(field, getattr(report, field))
        if report.investigation_done_on is None:
            errors.add("investigation_done_on", _("Finish the investigation first."))
        if report.serious and report.ivo_notified_on is None:
            errors.add(
                "ivo_notified_on", _("A serious maladministration is notified to IVO first.")
            )
    errors.date("closed_on", closed, not_before=report.investigation_started_on)
    errors.raise_if_any()
    values: dict[str, Any] = {"state": state, "closed_on": closed}
    if action == "close_non_case":
        values["non_case_position"] = non_case_position.strip()
    _save(actor, report, action, values)
    return report


# the service of each step of the table (both closes are one service: a position makes
# it the non-case close)
STEP_SERVICES: dict[str, Callable[..., LexSarahReport]] = {
    "protect": lex_sarah_protect,
    "register": lex_sarah_register,
    "start_investigation": lex_sarah_start_investigation,
    "record_investigation": lex_sarah_record_investigation,
    "decide_measures": lex_sarah_decide_measures,
    "assess": lex_sarah_assess,
    "notify_ivo": lex_sarah_notify_ivo,
    "record_informed": lex_sarah_record_informed,
    "close": lex_sarah_close,
    "close_non_case": lex_sarah_close,
}
