"""Complaints and suggestions (klagomål och synpunkter): filed by anyone on the public page or
registered by staff, then assigned to a unit, investigated, answered and closed.

Every write goes through this module: it locks the row, checks the caller's version, checks
the step against COMPLAINT_FLOW (an illegal step changes nothing) and records the change in
the same transaction. The public submission has no actor: its change entry carries actor None
and the municipality's path, so the municipality's auditors see it.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from insyn.core.audit import record_change, snapshot
from insyn.core.concurrency import bump_version, check_version, lock_row
from insyn.core.roles import Action
from insyn.core.services import ensure_in_scope
from insyn.core.validation import has_control_characters
from insyn.organisations.models import OrgUnit
from insyn.quality.models import Complaint, ComplaintTheme, QualitySettings
from insyn.quality.workflow import Transition, Workflow

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from insyn.accounts.models import User
    from insyn.clients.models import Client

S = Complaint.State
COMPLAINT_FLOW = Workflow(
    gettext_lazy("the complaint"),
    {
        # Re-assigning (another unit or handler) is allowed until the answer is given.
        "assign": Transition(
            (S.RECEIVED, S.ASSIGNED, S.INVESTIGATING), S.ASSIGNED, gettext_lazy("Assign")
        ),
        "investigate": Transition((S.ASSIGNED,), S.INVESTIGATING, gettext_lazy("Investigate")),
        "answer": Transition((S.INVESTIGATING,), S.ANSWERED, gettext_lazy("Answer")),
        "close": Transition((S.ANSWERED,), S.CLOSED, gettext_lazy("Close")),
    },
    dict(S.choices),
)

TEXT_MAX = 5000
NAME_MAX = 200
PHONE_MAX = 40
RECEIPT_ALPHABET = "ACDEFHJKLMNPQRTUVWXY34679"  # no 0/O, 1/I/L look-alikes, no B/8, S/5, G/6, Z/2
RECEIPT_LENGTH = 6
DEFAULT_ANSWER_DAYS = 14


def quality_settings(municipality: OrgUnit) -> QualitySettings:
    """The municipality's settings row, or an unsaved one with the defaults."""
    found = QualitySettings.objects.filter(municipality=municipality).first()
    return found or QualitySettings(municipality=municipality)


def public_municipality(code: str) -> OrgUnit | None:
    """The active municipality whose public complaint page is open, by its code; else None."""
    unit = OrgUnit.objects.filter(code=code, kind=OrgUnit.Kind.MUNICIPALITY, active=True).first()
    if unit is None or not quality_settings(unit).public_complaints:
        return None
    return unit


def _municipality_of(unit: OrgUnit) -> OrgUnit:
    return unit if unit.kind == OrgUnit.Kind.MUNICIPALITY else (unit.municipality or unit)


def new_receipt_number(year: int) -> str:
    """ "K-2026-7HQ4MX": random (not a count, so it tells nothing about volumes) and unique."""
    while True:
        tail = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))
        number = f"K-{year}-{tail}"
        if not Complaint.objects.filter(receipt_number=number).exists():
            return number


def _text_errors(errors: dict[str, list[str]], name: str, value: str, limit: int) -> None:
    if has_control_characters(value):
        errors.setdefault(name, []).append(
            _("The text contains control characters that are not allowed.")
        )
    elif len(value) > limit:
        errors.setdefault(name, []).append(
            _("Write at most %(limit)s characters (you wrote %(count)s).")
            % {"limit": limit, "count": len(value)}
        )


def intake_errors(
    *,
    kind: str,
    text: str,
    anonymous: bool,
    name: str,
    email: str,
    phone: str,
    wants_answer: bool,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if kind not in Complaint.Kind.values:
        errors["kind"] = [_("Choose complaint or suggestion.")]
    if not text:
        errors["text"] = [_("Write what your complaint or suggestion is about.")]
    _text_errors(errors, "text", text, TEXT_MAX)
    _text_errors(errors, "contact_name", name, NAME_MAX)
    _text_errors(errors, "contact_phone", phone, PHONE_MAX)
    _text_errors(errors, "contact_email", email, 254)
    if email and "contact_email" not in errors:
        from django.core.validators import validate_email

        try:
            validate_email(email)
        except ValidationError:
            errors["contact_email"] = [_("Write a whole e-mail address, like name@example.se.")]
    if wants_answer and not anonymous and not (email or phone):
        errors["contact_email"] = [
            _("To get an answer, write your e-mail address or your phone number.")
        ]
    return errors


def _create(
    *,
    actor: User | AnonymousUser | None,
    municipality: OrgUnit,
    unit: OrgUnit,
    kind: str,
    channel: str,
    text: str,
    theme: ComplaintTheme | None,
    submitter: str,
    anonymous: bool,
    name: str,
    email: str,
    phone: str,
    wants_answer: bool,
    language: str,
    received_on: dt.date,
    client: Client | None = None,
) -> Complaint:
    if anonymous:  # anonymous means nothing that identifies the sender is kept
        name, email, phone, wants_answer = "", "", "", False
    days = quality_settings(municipality).complaint_answer_days or DEFAULT_ANSWER_DAYS
    complaint = Complaint.objects.create(
        municipality=municipality,
        unit=unit,
        receipt_number=new_receipt_number(received_on.year),
        kind=kind,
        channel=channel,
        theme=theme,
        text=text,
        submitter=submitter,
        anonymous=anonymous,
        contact_name=name,
        contact_email=email,
        contact_phone=phone,
        wants_answer=wants_answer,
        language=language,
        received_on=received_on,
        answer_due_on=received_on + dt.timedelta(days=days),
        registered_by=actor if actor is not None and actor.is_authenticated else None,
        client=client,
    )
    record_change(actor=actor, action="create", obj=complaint, also_paths=[municipality.path])
    return complaint


@transaction.atomic
def complaint_submit_public(
    *,
    municipality_code: str,
    kind: str,
    text: str,
    theme: ComplaintTheme | None = None,
    submitter: str = "",
    anonymous: bool = False,
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    wants_answer: bool = False,
    language: str = "sv",
) -> Complaint:
    """A complaint or suggestion from the public page (no actor). An unknown or closed
    municipality raises Http404, like a missing page; bad input a ValidationError per field."""
    municipality = public_municipality(municipality_code)
    if municipality is None:
        raise Http404
    text, name = text.strip(), contact_name.strip()
    email, phone = contact_email.strip(), contact_phone.strip()
    errors = intake_errors(
        kind=kind,
        text=text,
        anonymous=anonymous,
        name=name,
        email=email,
        phone=phone,
        wants_answer=wants_answer,
    )
    if submitter and submitter not in Complaint.Submitter.values:
        errors["submitter"] = [_("Choose who you are from the list.")]
    if theme is not None and not theme.active:
        errors["theme"] = [_("Choose a theme from the list.")]
    if errors:
        raise ValidationError(errors)
    return _create(
        actor=None,
        municipality=municipality,
        unit=municipality,
        kind=kind,
        channel=Complaint.Channel.WEB,
        text=text,
        theme=theme,
        submitter=submitter,
        anonymous=anonymous,
        name=name,
        email=email,
        phone=phone,
        wants_answer=wants_answer,
        language=language if language in dict(settings.LANGUAGES) else "sv",
        received_on=timezone.localdate(),
    )


STAFF_CHANNELS = (
    Complaint.Channel.PHONE,
    Complaint.Channel.LETTER,
    Complaint.Channel.EMAIL,
    Complaint.Channel.IN_PERSON,
)


@transaction.atomic
def complaint_register(
    *,
    actor: User | AnonymousUser | None,
    unit: OrgUnit,
    kind: str,
    channel: str,
    text: str,
    received_on: dt.date,
    theme: ComplaintTheme | None = None,
    submitter: str = "",
    anonymous: bool = False,
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    wants_answer: bool = False,
    client: Client | None = None,
) -> Complaint:
    """Staff register one received by phone, letter, e-mail or in person."""
    ensure_in_scope(actor, Action.REPORT_QUALITY, unit.path)
    text, name = text.strip(), contact_name.strip()
    email, phone = contact_email.strip(), contact_phone.strip()
    errors = intake_errors(
        kind=kind,
        text=text,
        anonymous=anonymous,
        name=name,
        email=email,
        phone=phone,
        wants_answer=wants_answer,
    )
    if channel not in STAFF_CHANNELS:
        errors["channel"] = [_("Choose phone, letter, e-mail or in person.")]
    if submitter and submitter not in Complaint.Submitter.values:
        errors["submitter"] = [_("Choose who wrote from the list.")]
    if received_on > timezone.localdate():
        errors["received_on"] = [_("The date cannot be in the future.")]
    if errors:
        raise ValidationError(errors)
    return _create(
        actor=actor,
        municipality=_municipality_of(unit),
        unit=unit,
        kind=kind,
        channel=channel,
        text=text,
        theme=theme,
        submitter=submitter,
        anonymous=anonymous,
        name=name,
        email=email,
        phone=phone,
        wants_answer=wants_answer,
        language=translation.get_language() or "sv",
        received_on=received_on,
        client=client,
    )


def _step(
    actor: User | AnonymousUser | None,
    complaint: Complaint,
    action: str,
    expected_version: int | None,
) -> tuple[str, dict[str, Any]]:
    """Lock, re-check scope and version, check the step; (target state, snapshot before)."""
    lock_row(complaint)
    ensure_in_scope(actor, Action.HANDLE_QUALITY, complaint.unit.path)
    check_version(complaint, expected_version)
    target = COMPLAINT_FLOW.check(complaint.state, action)
    return target, snapshot(complaint)


def _save(
    actor: User | AnonymousUser | None,
    complaint: Complaint,
    action: str,
    before: dict[str, Any],
    fields: list[str],
    also_paths: list[str] | None = None,
) -> Complaint:
    complaint.save(update_fields=[*fields, "state", "updated_at", *bump_version(complaint)])
    record_change(
        actor=actor, action=action, obj=complaint, before=before, also_paths=also_paths or []
    )
    return complaint


def _not_future(errors: dict[str, list[str]], name: str, day: dt.date) -> None:
    if day > timezone.localdate():
        errors.setdefault(name, []).append(_("The date cannot be in the future."))


@transaction.atomic
def complaint_assign(
    *,
    actor: User | AnonymousUser | None,
    complaint: Complaint,
    unit: OrgUnit,
    handler: User | None = None,
    assigned_on: dt.date | None = None,
    expected_version: int | None = None,
) -> Complaint:
    """Give the complaint to a unit (and a handler). Needs handle_quality where it is now and
    where it goes; the handler must be able to handle complaints of the new unit."""
    target, before = _step(actor, complaint, "assign", expected_version)
    ensure_in_scope(actor, Action.HANDLE_QUALITY, unit.path)
    assigned_on = assigned_on or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if _municipality_of(unit).pk != complaint.municipality_id:
        errors["unit"] = [_("Choose a unit in the same municipality.")]
    if handler is not None:
        from insyn.core.scoping import path_in_scope

        if not handler.is_active or not path_in_scope(handler, Action.HANDLE_QUALITY, unit.path):
            errors["handler"] = [_("The handler must be able to handle complaints of the unit.")]
    _not_future(errors, "assigned_on", assigned_on)
    if assigned_on < complaint.received_on:
        errors.setdefault("assigned_on", []).append(
            _("The date cannot be before the complaint was received.")
        )
    if errors:
        raise ValidationError(errors)
    old_path = complaint.unit.path
    complaint.unit, complaint.handler, complaint.assigned_on = unit, handler, assigned_on
    complaint.state = target
    # The old unit's auditors see the complaint leave.
    return _save(actor, complaint, "assign", before, ["unit", "handler", "assigned_on"], [old_path])


@transaction.atomic
def complaint_investigate(
    *,
    actor: User | AnonymousUser | None,
    complaint: Complaint,
    investigation: str = "",
    investigated_on: dt.date | None = None,
    expected_version: int | None = None,
) -> Complaint:
    """Start the investigation (notes optional, can be completed with the answer)."""
    target, before = _step(actor, complaint, "investigate", expected_version)
    investigation = investigation.strip()
    investigated_on = investigated_on or timezone.localdate()
    errors: dict[str, list[str]] = {}
    _text_errors(errors, "investigation", investigation, TEXT_MAX)
    _not_future(errors, "investigated_on", investigated_on)
    if investigated_on < complaint.received_on:
        errors.setdefault("investigated_on", []).append(
            _("The date cannot be before the complaint was received.")
        )
    if errors:
        raise ValidationError(errors)
    complaint.investigation, complaint.investigated_on = investigation, investigated_on
    complaint.state = target
    return _save(actor, complaint, "investigate", before, ["investigation", "investigated_on"])


@transaction.atomic
def complaint_answer(
    *,
    actor: User | AnonymousUser | None,
    complaint: Complaint,
    answer_text: str,
    answered_on: dt.date | None = None,
    investigation: str | None = None,
    expected_version: int | None = None,
) -> Complaint:
    """Keep the answer given (text and date); the date decides whether the target was met."""
    target, before = _step(actor, complaint, "answer", expected_version)
    answer_text = answer_text.strip()
    answered_on = answered_on or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if not answer_text:
        errors["answer_text"] = [_("Write the answer that was given.")]
    _text_errors(errors, "answer_text", answer_text, TEXT_MAX)
    if investigation is not None:
        _text_errors(errors, "investigation", investigation.strip(), TEXT_MAX)
    _not_future(errors, "answered_on", answered_on)
    if answered_on < complaint.received_on:
        errors.setdefault("answered_on", []).append(
            _("The answer cannot be dated before the complaint was received.")
        )
    if errors:
        raise ValidationError(errors)
    fields = ["answer_text", "answered_on"]
    complaint.answer_text, complaint.answered_on = answer_text, answered_on
    if investigation is not None and investigation.strip():
        complaint.investigation = investigation.strip()
        fields.append("investigation")
    complaint.state = target
    return _save(actor, complaint, "answer", before, fields)


@transaction.atomic
def complaint_close(
    *,
    actor: User | AnonymousUser | None,
    complaint: Complaint,
    closed_on: dt.date | None = None,
    expected_version: int | None = None,
) -> Complaint:
    target, before = _step(actor, complaint, "close", expected_version)
    closed_on = closed_on or timezone.localdate()
    errors: dict[str, list[str]] = {}
    _not_future(errors, "closed_on", closed_on)
    if complaint.answered_on and closed_on < complaint.answered_on:
        errors.setdefault("closed_on", []).append(
            _("The complaint cannot be closed before it was answered.")
        )
    if errors:
        raise ValidationError(errors)
    complaint.closed_on, complaint.state = closed_on, target
    return _save(actor, complaint, "close", before, ["closed_on"])


def complaint_send_receipt(complaint: Complaint) -> None:
    """Mail the receipt to the sender (if an e-mail was given) and a notice to the
    municipality's complaints address. Neither repeats what was written: mail is not secure."""
    with translation.override(complaint.language or "sv"):
        if complaint.contact_email:
            send_mail(
                _("Receipt %(number)s") % {"number": complaint.receipt_number},
                _(
                    "Thank you. We have received what you sent.\n\n"
                    "Your receipt number: %(number)s\n\n"
                    "What happens next: the social services read it and send it to the right "
                    "unit. If you asked for an answer, we answer within %(days)s days.\n\n"
                    "Write the receipt number if you contact us about it."
                )
                % {"number": complaint.receipt_number, "days": _answer_days(complaint)},
                None,
                [complaint.contact_email],
            )
    notify = quality_settings(complaint.municipality).complaints_email
    if notify:
        send_mail(
            f"Nytt klagomål eller synpunkt: {complaint.receipt_number}",
            f"Ett nytt ärende har kommit in: {complaint.receipt_number}. "
            "Logga in i insyn för att läsa det.",
            None,
            [notify],
        )


def _answer_days(complaint: Complaint) -> int:
    return (complaint.answer_due_on - complaint.received_on).days
