"""Lex Sarah reports coming in (a report, or a deviation escalated with one action) and the
read access an officer grants to a named person. The steps after the report, and the state
machine, are in services/lex_sarah.py."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from insyn.core.audit import record_change
from insyn.core.concurrency import lock_row
from insyn.core.roles import Action
from insyn.core.scoping import path_in_scope
from insyn.core.services import ensure_in_scope
from insyn.quality.models import Deviation, LexSarahReport
from insyn.quality.services.lex_sarah import StepErrors, today

if TYPE_CHECKING:
    from insyn.accounts.models import User
    from insyn.clients.models import Client
    from insyn.organisations.models import OrgUnit
    from insyn.quality.services.lex_sarah import ActorT


# --- report ---------------------------------------------------------------------------------


def _check_report(
    errors: StepErrors,
    actor: ActorT,
    unit: OrgUnit,
    client: Client | None,
    occurred_on: dt.date | None,
) -> None:
    from insyn.clients.models import Client as ClientModel
    from insyn.organisations.models import OrgUnit as Unit

    if unit.kind in Unit.REFERENCE_KINDS or unit.municipality_id is None:
        errors.add("unit", _("Choose a unit in a municipality."))
    elif actor is not None and not path_in_scope(actor, Action.REPORT_QUALITY, unit.path):
        errors.add("unit", _("Choose a unit you work in."))
    if occurred_on is not None and occurred_on > today():
        errors.add("occurred_on", _("The date cannot lie in the future."))
    if client is not None and actor is not None:
        visible = ClientModel.objects.restrict(actor, Action.VIEW_INDIVIDUAL)
        if not visible.filter(pk=client.pk).exists():
            errors.add("client", _("Choose a client you may see."))


@transaction.atomic
def lex_sarah_report(
    *,
    actor: ActorT,
    kind: str,
    unit: OrgUnit,
    description: str,
    occurred_on: dt.date | None = None,
    client: Client | None = None,
    immediate_action: str = "",
    immediate_action_on: dt.date | None = None,
    reported_at: dt.datetime | None = None,
    from_deviation: Deviation | None = None,
    reported_by: User | None = None,
) -> LexSarahReport:
    """Anyone who may report quality matters reports a missförhållande or a påtaglig risk.
    `reported_at`/`reported_by` are for the demo and imports; a person reports now, as
    themself."""
    errors = StepErrors()
    if kind not in LexSarahReport.Kind.values:
        errors.add("kind", _("Choose whether it is a maladministration or a risk of one."))
    errors.required("description", description)
    _check_report(errors, actor, unit, client, occurred_on)
    if immediate_action.strip():
        errors.date("immediate_action_on", immediate_action_on, not_before=occurred_on)
    elif immediate_action_on is not None:
        errors.add("immediate_action", _("Describe the action taken on that date."))
    errors.raise_if_any()
    reporter = reported_by or actor
    municipality = unit.municipality
    assert municipality is not None  # checked above
    if reporter is None or not reporter.is_authenticated:
        raise ValidationError(_("A lex Sarah report needs the person who reports it."))
    report = LexSarahReport.objects.create(
        municipality=municipality,
        unit=unit,
        kind=kind,
        reported_by=reporter,
        reported_at=reported_at or timezone.now(),
        occurred_on=occurred_on,
        description=description.strip(),
        client=client,
        immediate_action=immediate_action.strip(),
        immediate_action_on=immediate_action_on if immediate_action.strip() else None,
        from_deviation=from_deviation,
    )
    record_change(actor=actor, action="lex_sarah_report", obj=report)
    return report


def deviation_may_escalate(actor: ActorT, deviation: Deviation) -> bool:
    """Whether `actor` may turn the deviation into a lex Sarah report: its reporter, or
    whoever handles deviations of its unit."""
    if actor is None:
        return True
    if not actor.is_authenticated:
        return False
    if deviation.reported_by_id == actor.pk:
        return True
    return path_in_scope(actor, Action.HANDLE_QUALITY, deviation.unit.path)


@transaction.atomic
def lex_sarah_from_deviation(
    *, actor: ActorT, deviation: Deviation, kind: str = LexSarahReport.Kind.MALADMINISTRATION
) -> LexSarahReport:
    """One action: the deviation's text, unit, client and date become a lex Sarah report.
    A deviation is escalated once; the second attempt says where the report is."""
    lock_row(deviation)
    if not deviation_may_escalate(actor, deviation):
        raise Http404
    existing = LexSarahReport.objects.filter(from_deviation=deviation).first()
    if existing is not None:
        raise ValidationError(
            _("This deviation was already escalated to lex Sarah report %(report)s.")
            % {"report": str(existing)},
            code="already_escalated",
        )
    errors = StepErrors()
    if kind not in LexSarahReport.Kind.values:
        errors.add("kind", _("Choose whether it is a maladministration or a risk of one."))
    errors.raise_if_any()
    report = LexSarahReport.objects.create(
        municipality_id=deviation.municipality_id,
        unit=deviation.unit,
        kind=kind,
        reported_by=actor
        if actor is not None and actor.is_authenticated
        else deviation.reported_by,
        reported_at=timezone.now(),
        occurred_on=deviation.occurred_on,
        description=deviation.description,
        client=deviation.client,
        immediate_action=deviation.immediate_measures,
        immediate_action_on=deviation.occurred_on if deviation.immediate_measures else None,
        from_deviation=deviation,
    )
    record_change(actor=actor, action="lex_sarah_from_deviation", obj=report)
    return report


# --- read access granted by an officer ------------------------------------------------------


def _check_grantee(report: LexSarahReport, user: User) -> None:
    from insyn.organisations.models import Membership

    in_municipality = Membership.objects.filter(
        user=user, org_unit__path__startswith=report.municipality.path
    ).exists()
    if not user.is_active or not in_municipality:
        raise ValidationError({"user": _("Choose an active user of the municipality.")})


@transaction.atomic
def lex_sarah_grant(*, actor: ActorT, report: LexSarahReport, user: User) -> LexSarahReport:
    """An officer lets a named person read the report (the unit's manager, say)."""
    lock_row(report)
    ensure_in_scope(actor, Action.HANDLE_LEX_SARAH, report.unit.path)
    _check_grantee(report, user)
    if report.granted_users.filter(pk=user.pk).exists():
        return report
    report.granted_users.add(user)
    record_change(
        actor=actor,
        action="lex_sarah_grant",
        obj=report,
        before={},
        after={"granted_user": user.pk},
    )
    return report


@transaction.atomic
def lex_sarah_revoke(*, actor: ActorT, report: LexSarahReport, user: User) -> LexSarahReport:
    lock_row(report)
    ensure_in_scope(actor, Action.HANDLE_LEX_SARAH, report.unit.path)
    if not report.granted_users.filter(pk=user.pk).exists():
        return report
    report.granted_users.remove(user)
    record_change(
        actor=actor,
        action="lex_sarah_revoke",
        obj=report,
        before={"granted_user": user.pk},
        after={},
    )
    return report
