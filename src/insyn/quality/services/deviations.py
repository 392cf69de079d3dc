"""Deviations (avvikelser): every write, and the state machine they follow.

reported → received → investigated → measures → closed. A report is anyone's minute; every
later step is the unit's handler's (`handle_quality` on the deviation's unit, and
`view_individual` there too when the deviation names a client). Each step is a dated field;
an illegal step is refused by DEVIATION_FLOW before anything is written.

E-mail leaves the system unencrypted, so the messages name no client: the reference, the
category and a link, nothing else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from insyn.core.audit import record_change, snapshot
from insyn.core.concurrency import bump_version, check_version, lock_row
from insyn.core.roles import Action
from insyn.core.scoping import granted_paths, path_in_scope
from insyn.core.services import ensure_in_scope
from insyn.organisations.models import Membership, OrgUnit
from insyn.quality.models import Deviation, DeviationCategory, DiarySeries, RootCause
from insyn.quality.selectors.deviations import dpa_deadline, dpa_overdue, unit_managers
from insyn.quality.workflow import Transition, Workflow

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from insyn.accounts.models import User
    from insyn.clients.models import Case, Client

    ActorT = User | AnonymousUser | None

S = Deviation.State

DEVIATION_FLOW = Workflow(
    gettext_lazy("the deviation"),
    {
        "receive": Transition((S.REPORTED,), S.RECEIVED, gettext_lazy("Receive")),
        "investigate": Transition((S.RECEIVED,), S.INVESTIGATED, gettext_lazy("Investigate")),
        "decide_measures": Transition(
            (S.INVESTIGATED,), S.MEASURES, gettext_lazy("Decide measures")
        ),
        # Closing straight after the investigation: it found that no measure is needed.
        "close": Transition((S.INVESTIGATED, S.MEASURES), S.CLOSED, gettext_lazy("Close")),
    },
    dict(S.choices),
)

REFERENCE_PREFIX = "AV"


# --- who may do what -------------------------------------------------------------------------


def report_units(actor: ActorT) -> Any:
    """Units a deviation may be reported for: at or below any unit where the actor may
    report (their own work places and what lies under them)."""
    return (
        OrgUnit.objects.restrict(actor, Action.REPORT_QUALITY)
        .filter(active=True)
        .exclude(kind__in=OrgUnit.REFERENCE_KINDS)
        .order_by("path")
    )


def default_report_unit(actor: ActorT) -> OrgUnit | None:
    """The reporter's own unit: the deepest active unit among their memberships that allow
    reporting."""
    if actor is None or not actor.is_authenticated:
        return None
    membership = (
        Membership.objects.filter(user=actor, org_unit__active=True)
        .exclude(org_unit__kind__in=OrgUnit.REFERENCE_KINDS)
        .select_related("org_unit")
        .order_by("-org_unit__depth", "org_unit__path")
    )
    for m in membership:
        if path_in_scope(actor, Action.REPORT_QUALITY, m.org_unit.path):
            return m.org_unit
    return None


def may_handle(actor: ActorT, deviation: Deviation) -> bool:
    """Whether `actor` handles this deviation (the step forms are shown only then)."""
    if actor is None:
        return True
    path = deviation.unit.path
    if not path_in_scope(actor, Action.HANDLE_QUALITY, path):
        return False
    return deviation.client_id is None or path_in_scope(actor, Action.VIEW_INDIVIDUAL, path)


def _ensure_handler(actor: ActorT, deviation: Deviation) -> None:
    ensure_in_scope(actor, Action.HANDLE_QUALITY, deviation.unit.path)
    if deviation.client_id is not None:
        ensure_in_scope(actor, Action.VIEW_INDIVIDUAL, deviation.unit.path)


# --- e-mail ----------------------------------------------------------------------------------


def _link(deviation: Deviation) -> str:
    return settings.INSYN_BASE_URL + reverse("quality:deviation_detail", args=[deviation.pk])


def _mail_new(deviation: Deviation) -> None:
    recipients = [u.email for u in unit_managers(deviation.unit)]
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("New deviation %(ref)s") % {"ref": deviation.reference}
        body = _(
            "A deviation has been reported in %(unit)s.\n\n"
            "Reference: %(ref)s\nCategory: %(category)s\n\n"
            "Receive it here: %(link)s\n"
        ) % {
            "unit": deviation.unit.name,
            "ref": deviation.reference,
            "category": deviation.category.label,
            "link": _link(deviation),
        }
    send_mail(subject, body, None, recipients)


def _mail_closed(deviation: Deviation) -> None:
    email = deviation.reported_by.email
    if not email:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Your deviation report %(ref)s is closed") % {"ref": deviation.reference}
        body = _(
            "The deviation %(ref)s (%(category)s) that you reported has been investigated "
            "and closed.\n\nFeedback:\n%(feedback)s\n\nRead more: %(link)s\n"
        ) % {
            "ref": deviation.reference,
            "category": deviation.category.label,
            "feedback": deviation.feedback,
            "link": _link(deviation),
        }
    send_mail(subject, body, None, [email])


# --- report ----------------------------------------------------------------------------------


def _allocate_reference(municipality: OrgUnit, year: int) -> str:
    """The next "AV-<year>-<nnnn>" of the municipality; the series row is locked, so two
    reports at once never share a number."""
    DiarySeries.objects.get_or_create(municipality=municipality, prefix=REFERENCE_PREFIX, year=year)
    series = DiarySeries.objects.select_for_update().get(
        municipality=municipality, prefix=REFERENCE_PREFIX, year=year
    )
    series.last_number += 1
    series.save(update_fields=["last_number"])
    return f"{REFERENCE_PREFIX}-{year}-{series.last_number:04d}"


def _check_link(
    actor: ActorT, unit: OrgUnit, client: Client | None, case: Case | None
) -> tuple[Client | None, Case | None]:
    """A linked client or case: one the reporter may read, in the unit's municipality."""
    from insyn.clients.models import Case as CaseModel
    from insyn.clients.models import Client as ClientModel

    if case is not None:
        if client is not None and case.client_id != client.pk:
            raise ValidationError({"case": _("The case does not belong to the client.")})
        visible = CaseModel.objects.restrict(actor, Action.VIEW_INDIVIDUAL).filter(pk=case.pk)
        if actor is not None and not visible.exists():
            raise ValidationError({"case": _("No case you can see has this reference.")})
        client = case.client
    if client is not None:
        visible_c = ClientModel.objects.restrict(actor, Action.VIEW_INDIVIDUAL)
        if actor is not None and not visible_c.filter(pk=client.pk).exists():
            raise ValidationError({"client": _("No client you can see has this reference.")})
        if client.municipality_id != unit.municipality_id:
            raise ValidationError(
                {"client": _("The client belongs to another municipality than the unit.")}
            )
    return client, case


@transaction.atomic
def deviation_report(
    *,
    actor: ActorT,
    category: DeviationCategory,
    occurred_on: dt.date,
    description: str,
    unit: OrgUnit | None = None,
    occurred_at: dt.time | None = None,
    immediate_measures: str = "",
    client: Client | None = None,
    case: Case | None = None,
    discovered_at: dt.datetime | None = None,
    reported_by: User | None = None,
    reported_at: dt.datetime | None = None,
    notify: bool = True,
) -> Deviation:
    """Report a deviation; e-mails the unit's managers, who receive it.

    The system (actor None: an import of earlier reports, the demo) names the reporter and
    may give the time it was reported and leave the managers unmailed."""
    _system_only(actor, reported_at)
    reporter = reported_by if actor is None else actor
    if reporter is None or not reporter.is_authenticated:
        raise ValidationError(_("A deviation needs a reporter."))
    if actor is not None and not granted_paths(actor, Action.REPORT_QUALITY):
        raise ValidationError(_("You may not report deviations."))
    if unit is None:
        unit = default_report_unit(reporter)
        if unit is None:
            raise ValidationError({"unit": _("Choose the unit where it happened.")})
    if actor is not None and not report_units(actor).filter(pk=unit.pk).exists():
        raise ValidationError({"unit": _("You cannot report deviations for this unit.")})
    errors: dict[str, str] = {}
    now = reported_at or timezone.now()
    if occurred_on > timezone.localdate(now):
        errors["occurred_on"] = _("The date cannot be in the future.")
    if not (description or "").strip():
        errors["description"] = _("Describe what happened.")
    if not category.active:
        errors["category"] = _("This category is no longer in use.")
    if discovered_at is not None and discovered_at > now:
        errors["discovered_at"] = _("The time of discovery cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    client, case = _check_link(actor, unit, client, case)
    municipality = unit.municipality
    if municipality is None:
        raise ValidationError({"unit": _("The unit belongs to no municipality.")})
    deviation = Deviation(
        municipality=municipality,
        unit=unit,
        reference=_allocate_reference(municipality, timezone.localdate(now).year),
        reported_by=reporter,
        reported_at=now,
        occurred_on=occurred_on,
        occurred_at=occurred_at,
        category=category,
        description=description.strip(),
        immediate_measures=(immediate_measures or "").strip(),
        client=client,
        case=case,
        personal_data_incident=category.personal_data_incident,
        discovered_at=(discovered_at or now) if category.personal_data_incident else None,
    )
    deviation.save()
    record_change(actor=actor, action="create", obj=deviation)
    if notify:
        _mail_new(deviation)
    return deviation


# --- the handler's steps ---------------------------------------------------------------------


def _begin(
    actor: ActorT, deviation: Deviation, action: str, expected_version: int | None
) -> tuple[Deviation, dict[str, Any], str]:
    """Lock, re-check scope and version, check the step; returns the fresh row, the before
    picture and the target state."""
    lock_row(deviation)
    _ensure_handler(actor, deviation)
    check_version(deviation, expected_version)
    target = DEVIATION_FLOW.check(deviation.state, action)
    return deviation, snapshot(deviation), target


def _finish(
    actor: ActorT, deviation: Deviation, before: dict[str, Any], fields: Iterable[str]
) -> Deviation:
    deviation.save(update_fields=[*fields, "state", "updated_at", *bump_version(deviation)])
    record_change(actor=actor, action="update", obj=deviation, before=before)
    return deviation


def _system_only(actor: ActorT, at: dt.datetime | None) -> None:
    """Only the system backdates a step: a person's step happens now."""
    if actor is not None and at is not None:
        raise ValueError("only the system (actor=None) gives a step's time")


def _actor_user(actor: ActorT) -> User | None:
    return actor if actor is not None and actor.is_authenticated else None


@transaction.atomic
def deviation_receive(
    *,
    actor: ActorT,
    deviation: Deviation,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Deviation:
    """The unit's handler has seen the report and takes it on."""
    _system_only(actor, at)
    deviation, before, target = _begin(actor, deviation, "receive", expected_version)
    deviation.state = target
    deviation.received_at = at or timezone.now()
    deviation.received_by = _actor_user(actor)
    return _finish(actor, deviation, before, ["received_at", "received_by"])


@transaction.atomic
def deviation_investigate(
    *,
    actor: ActorT,
    deviation: Deviation,
    investigation_facts: str,
    consequences: str,
    root_causes: Iterable[RootCause] = (),
    cause_text: str = "",
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Deviation:
    """What happened, why (root causes from the catalogue and/or free text), consequences."""
    _system_only(actor, at)
    deviation, before, target = _begin(actor, deviation, "investigate", expected_version)
    causes = list(root_causes)
    errors: dict[str, str] = {}
    if not (investigation_facts or "").strip():
        errors["investigation_facts"] = _("Describe what the investigation found happened.")
    if not causes and not (cause_text or "").strip():
        errors["root_causes"] = _("Pick at least one root cause or describe why it happened.")
    if not (consequences or "").strip():
        errors["consequences"] = _("Describe the consequences.")
    if errors:
        raise ValidationError(errors)
    deviation.state = target
    deviation.investigation_facts = investigation_facts.strip()
    deviation.cause_text = (cause_text or "").strip()
    deviation.consequences = consequences.strip()
    deviation.investigated_at = at or timezone.now()
    deviation.investigated_by = _actor_user(actor)
    fields = ["investigation_facts", "cause_text", "consequences"]
    _finish(actor, deviation, before, [*fields, "investigated_at", "investigated_by"])
    deviation.root_causes.set(causes)
    return deviation


@transaction.atomic
def deviation_decide_measures(
    *,
    actor: ActorT,
    deviation: Deviation,
    measures_text: str,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Deviation:
    """The measures decided; their items live in action plans linked to this deviation."""
    _system_only(actor, at)
    deviation, before, target = _begin(actor, deviation, "decide_measures", expected_version)
    if not (measures_text or "").strip():
        raise ValidationError({"measures_text": _("Describe the measures decided.")})
    deviation.state = target
    deviation.measures_text = measures_text.strip()
    deviation.measures_at = at or timezone.now()
    return _finish(actor, deviation, before, ["measures_text", "measures_at"])


@transaction.atomic
def deviation_close(
    *,
    actor: ActorT,
    deviation: Deviation,
    feedback: str,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
    notify: bool = True,
) -> Deviation:
    """Close with feedback to the reporter, who is told by e-mail (no client named)."""
    _system_only(actor, at)
    deviation, before, target = _begin(actor, deviation, "close", expected_version)
    errors: dict[str, str] = {}
    if not (deviation.investigation_facts or "").strip():
        errors["investigation_facts"] = _("The investigation is empty: investigate before closing.")
    if not (feedback or "").strip():
        errors["feedback"] = _("Write the feedback to the reporter.")
    if errors:
        raise ValidationError(errors)
    deviation.state = target
    deviation.feedback = feedback.strip()
    deviation.closed_at = at or timezone.now()
    deviation.closed_by = _actor_user(actor)
    _finish(actor, deviation, before, ["feedback", "closed_at", "closed_by"])
    if notify:
        _mail_closed(deviation)
    return deviation


@transaction.atomic
def deviation_record_dpa_notification(
    *,
    actor: ActorT,
    deviation: Deviation,
    dpa_notified_at: dt.datetime | None = None,
    dpa_reference: str = "",
    dpa_not_notified_reason: str = "",
    expected_version: int | None = None,
) -> Deviation:
    """For a personal-data incident: when the data protection authority (IMY) was notified
    and its reference, or why it was not (GDPR art. 33: an incident unlikely to risk anyone's
    rights need not be notified, but the decision is documented)."""
    lock_row(deviation)
    _ensure_handler(actor, deviation)
    check_version(deviation, expected_version)
    if not deviation.personal_data_incident:
        raise ValidationError(_("Only a personal-data incident is notified to the authority."))
    reason = (dpa_not_notified_reason or "").strip()
    reference = (dpa_reference or "").strip()
    if dpa_notified_at is None and not reason:
        raise ValidationError(
            {"dpa_notified_at": _("Give when it was notified, or why it was not.")}
        )
    if dpa_notified_at is not None and reason:
        raise ValidationError(
            {"dpa_not_notified_reason": _("Either it was notified or it was not: not both.")}
        )
    if dpa_notified_at is not None and dpa_notified_at > timezone.now():
        raise ValidationError({"dpa_notified_at": _("The time cannot be in the future.")})
    discovered = deviation.discovered_at or deviation.reported_at
    if dpa_notified_at is not None and dpa_notified_at < discovered - dt.timedelta(minutes=1):
        raise ValidationError(
            {"dpa_notified_at": _("The notification cannot be before the incident was discovered.")}
        )
    if dpa_notified_at is None and reference:
        raise ValidationError(
            {"dpa_reference": _("A reference belongs to a notification: give its time.")}
        )
    before = snapshot(deviation)
    deviation.dpa_notified_at = dpa_notified_at
    deviation.dpa_reference = reference
    deviation.dpa_not_notified_reason = reason
    fields = ["dpa_notified_at", "dpa_reference", "dpa_not_notified_reason", "updated_at"]
    deviation.save(update_fields=[*fields, *bump_version(deviation)])
    record_change(actor=actor, action="update", obj=deviation, before=before)
    return deviation


__all__ = ["DEVIATION_FLOW", "dpa_deadline", "dpa_overdue", "unit_managers"]
