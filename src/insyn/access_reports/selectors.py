"""Everything insyn holds about one person in one municipality, and who read or changed it.

The person is found by the keyed hash of their number (`person_key`), never by the number
itself. The report covers the whole municipality whatever unit holds a record, so these reads
are deliberately not restricted by `restrict()`: the caller has checked the duty
(`Action.ACCESS_REPORT` over the municipality) and logs the report as an export.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from insyn.clients.models import Appeal, Case, Client, Decision, Intervention, Investigation
from insyn.core.audit import ALWAYS_EXCLUDED
from insyn.core.audit_display import action_name, field_changes
from insyn.core.identity import Identity
from insyn.core.models import AccessEntry, ChangeEntry
from insyn.core.roles import Action
from insyn.core.scoping import granted_paths, path_in_scope, paths_q
from insyn.followup.models import Enrollment, Goal, Occasion, Value
from insyn.organisations.models import OrgUnit
from insyn.quality.models import (
    Complaint,
    ControlCase,
    Deviation,
    LexSarahReport,
    NonExecutedDecision,
)
from insyn.surveys.models import Answer, Invitation, Question, RespondentRole, Response

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from insyn.accounts.models import User

# Fields never shown: keys, secrets and the row's bookkeeping.
HIDDEN_FIELDS = ALWAYS_EXCLUDED | {"id", "version", "municipality"}
# Labels for fields their models leave unnamed (Django's default is the English field name).
FALLBACK_LABELS = {
    "created_at": gettext_lazy("Registered"),
    "updated_at": gettext_lazy("Last changed"),
    "submitted_at": gettext_lazy("Answered at"),
    "occasion": gettext_lazy("Follow-up occasion"),
    "variable": gettext_lazy("Measure"),
    "item": gettext_lazy("Item"),
    "number": gettext_lazy("Value"),
    "text": gettext_lazy("Text"),
    "date": gettext_lazy("Date"),
    "option": gettext_lazy("Option"),
    "questionnaire": gettext_lazy("Questionnaire"),
    "response": gettext_lazy("Questionnaire"),
    "question": gettext_lazy("Question"),
    "choices": gettext_lazy("Choices"),
    "unknown": gettext_lazy("Don't know"),
    "respondent_age": gettext_lazy("Age of the respondent"),
    "entered_by": gettext_lazy("Entered by"),
    "recorded_by": gettext_lazy("Recorded by"),
}


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    value: Any  # plain JSON value (codes, ids, ISO dates)
    display: str  # as a person reads it (labels, names)


@dataclass(frozen=True)
class Record:
    kind: str  # "clients.case"
    id: int
    title: str
    fields: tuple[Field, ...]

    def shown_fields(self) -> list[Field]:
        """The fields that hold something (the PDF leaves empty ones out; the JSON keeps them)."""
        return [f for f in self.fields if f.display]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    records: tuple[Record, ...]


@dataclass(frozen=True)
class LogLine:
    """One read or change of the person's data: who, when, what."""

    kind: str  # "access" | "change"
    id: int
    at: dt.datetime
    actor: str
    action: str
    action_display: str
    object_type: str
    object_label: str
    object_id: str
    purpose: str = ""
    changed: tuple[str, ...] = ()
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    change_text: str = ""  # "Field: before → after; …", labelled as the audit trail does


@dataclass(frozen=True)
class AccessReport:
    municipality: OrgUnit
    identity: Identity
    client_ids: tuple[int, ...]
    sections: tuple[Section, ...]
    reads: tuple[LogLine, ...]
    changes: tuple[LogLine, ...]
    produced_at: dt.datetime = field(default_factory=timezone.now)

    @property
    def found(self) -> bool:
        return bool(self.client_ids)

    def record_count(self) -> int:
        return sum(len(s.records) for s in self.sections)


# --- Who may produce it ---------------------------------------------------------------------


def report_municipalities(user: User | AnonymousUser | None) -> models.QuerySet[OrgUnit]:
    """The municipalities whose access reports `user` may produce: the duty held over the
    whole municipality (a registrar's membership sits on the municipality itself)."""
    paths = granted_paths(user, Action.ACCESS_REPORT)
    if not paths:
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(
        paths_q("path", paths), kind=OrgUnit.Kind.MUNICIPALITY, active=True
    ).order_by("name")


def may_report(user: User | AnonymousUser | None, municipality: OrgUnit) -> bool:
    """`None` is the system (the CLI run by the operator)."""
    return user is None or path_in_scope(user, Action.ACCESS_REPORT, municipality.path)


# --- Turning rows into records --------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, int | float | bool | str | list | dict) or value is None:
        return value
    return str(value)


def _display(obj: models.Model, f: models.Field) -> str:
    value = getattr(obj, f.attname)
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if f.is_relation:
        related = getattr(obj, f.name)
        if isinstance(related, Question):
            return related.text
        return str(related) if related is not None else ""
    if f.choices:
        return str(getattr(obj, f"get_{f.name}_display")())
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(_plain(value))


def _title(obj: models.Model) -> str:
    if isinstance(obj, Answer):
        return obj.question.text
    if isinstance(obj, Response):
        return f"{capfirst(obj._meta.verbose_name)}: {obj.questionnaire}"
    name = getattr(obj, "audit_name", None)
    if name is not None:
        return str(name())
    return f"{capfirst(obj._meta.verbose_name)} {obj}"


OWN_CONTACT_ROLES = (RespondentRole.CLIENT, RespondentRole.CHILD)


def record_of(obj: models.Model) -> Record:
    hidden = HIDDEN_FIELDS | set(getattr(obj, "AUDIT_EXCLUDE", ()))
    fields = []
    for f in obj._meta.concrete_fields:
        if f.name in hidden or f.attname in hidden:
            continue
        raw = getattr(obj, f.attname)
        display = _display(obj, f)
        value = display if f.is_relation and raw is not None else _plain(raw)
        label = f.verbose_name
        if label == f.name.replace("_", " "):  # not named by its model
            label = FALLBACK_LABELS.get(f.name, label)
        fields.append(Field(f.name, str(capfirst(label)), value, display))
    if isinstance(obj, Invitation) and obj.respondent_role in OWN_CONTACT_ROLES:
        # The audit leaves the address out; the person has the right to see their own (a
        # guardian's or case worker's address is theirs, not the person's, and stays out).
        label = str(capfirst(Invitation._meta.get_field("contact").verbose_name))
        fields.append(Field("contact", label, obj.contact, obj.contact))
    return Record(obj._meta.label_lower, int(obj.pk), _title(obj), tuple(fields))


# The sections in the order a person follows their own journey, then the quality work.
SECTIONS: tuple[tuple[str, Any], ...] = (
    ("clients", gettext_lazy("Client records")),
    ("cases", gettext_lazy("Cases")),
    ("investigations", gettext_lazy("Investigations")),
    ("decisions", gettext_lazy("Decisions")),
    ("appeals", gettext_lazy("Appeals")),
    ("interventions", gettext_lazy("Interventions")),
    ("non_executed", gettext_lazy("Decisions not executed in time")),
    ("enrollments", gettext_lazy("Follow-up enrolments")),
    ("occasions", gettext_lazy("Follow-up occasions")),
    ("values", gettext_lazy("Recorded values")),
    ("goals", gettext_lazy("Goals")),
    ("responses", gettext_lazy("Questionnaire responses")),
    ("answers", gettext_lazy("Questionnaire answers")),
    ("invitations", gettext_lazy("Questionnaire invitations")),
    ("deviations", gettext_lazy("Deviations")),
    ("lex_sarah", gettext_lazy("Lex Sarah reports")),
    ("complaints", gettext_lazy("Complaints and suggestions")),
    ("control_cases", gettext_lazy("Case-file reviews (internal control)")),
)


def person_querysets(client_ids: Iterable[int]) -> dict[str, models.QuerySet]:
    """Every row about the clients `client_ids`, per section (one query each)."""
    ids = list(client_ids)
    identified = Q(occasion__enrollment__client__in=ids) | Q(intervention__case__client__in=ids)
    responses = Response.objects.filter(identified, questionnaire__anonymous=False)
    return {
        "clients": Client.objects.filter(pk__in=ids).select_related("unit"),
        "cases": Case.objects.filter(client__in=ids).select_related("unit", "source", "reason"),
        "investigations": Investigation.objects.filter(case__client__in=ids),
        "decisions": Decision.objects.filter(case__client__in=ids).select_related(
            "case", "intervention_type", "legal_basis"
        ),
        "appeals": Appeal.objects.filter(decision__case__client__in=ids),
        "interventions": Intervention.objects.filter(case__client__in=ids).select_related(
            "case", "intervention_type", "provider"
        ),
        "non_executed": NonExecutedDecision.objects.filter(decision__case__client__in=ids),
        "enrollments": Enrollment.objects.filter(client__in=ids).select_related("programme"),
        "occasions": Occasion.objects.filter(enrollment__client__in=ids).select_related(
            "stage", "enrollment__programme"
        ),
        "values": Value.objects.filter(occasion__enrollment__client__in=ids).select_related(
            "variable", "occasion__stage", "option"
        ),
        "goals": Goal.objects.filter(enrollment__client__in=ids).select_related("variable"),
        "responses": responses.select_related("questionnaire"),
        "answers": Answer.objects.filter(response__in=responses.values("pk")).select_related(
            "question"
        ),
        "invitations": Invitation.objects.filter(
            response__in=responses.values("pk")
        ).select_related("questionnaire", "unit"),
        "deviations": Deviation.objects.filter(client__in=ids).select_related("unit", "category"),
        "lex_sarah": LexSarahReport.objects.filter(client__in=ids).select_related("unit"),
        "complaints": Complaint.objects.filter(client__in=ids).select_related("unit"),
        "control_cases": ControlCase.objects.filter(case__client__in=ids).select_related("case"),
    }


# --- The audit trail about the person -------------------------------------------------------


def _type_label(label: str) -> str:
    try:
        return str(capfirst(apps.get_model(label)._meta.verbose_name))
    except (LookupError, ValueError):
        return label


def _actor(entry: AccessEntry | ChangeEntry) -> str:
    if entry.actor is not None:
        return str(entry.actor)
    return entry.actor_label or _("The system")


def _reads(ids: list[int]) -> tuple[LogLine, ...]:
    entries = AccessEntry.objects.filter(client_id__in=ids).select_related("actor")
    return tuple(
        LogLine(
            kind="access",
            id=e.pk,
            at=e.at,
            actor=_actor(e),
            action=e.action,
            action_display=str(e.get_action_display()),
            object_type=e.object_type,
            object_label=_type_label(e.object_type),
            object_id=e.object_id,
            purpose=e.purpose,
        )
        for e in entries.order_by("at", "id")
    )


def _changes(ids: list[int]) -> tuple[LogLine, ...]:
    entries = ChangeEntry.objects.filter(client_id__in=ids).select_related("actor")
    lines = []
    for e in entries.order_by("at", "id"):
        changed = sorted(set(e.before or {}) | set(e.after or {}))
        lines.append(
            LogLine(
                kind="change",
                id=e.pk,
                at=e.at,
                actor=_actor(e),
                action=e.action,
                action_display=action_name(e.action),
                object_type=e.object_type,
                object_label=_type_label(e.object_type),
                object_id=e.object_id,
                changed=tuple(changed),
                before=e.before,
                after=e.after,
                change_text="; ".join(
                    f"{row.label}: {row.before} → {row.after}" for row in field_changes(e)
                ),
            )
        )
    return tuple(lines)


def person_clients(municipality: OrgUnit, identity: Identity) -> list[int]:
    """The person's client rows in the municipality (at most one: the key is unique there)."""
    return list(
        Client.objects.filter(municipality=municipality, person_key=identity.person_key)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def access_report(municipality: OrgUnit, identity: Identity) -> AccessReport:
    """The report's content. A person the municipality holds nothing about gets an empty
    report, which says so: the answer looks the same whoever asks."""
    ids = person_clients(municipality, identity)
    sections = []
    if ids:
        querysets = person_querysets(ids)
        for key, title in SECTIONS:
            rows = querysets[key].order_by("pk")
            sections.append(Section(key, str(title), tuple(record_of(obj) for obj in rows)))
    return AccessReport(
        municipality=municipality,
        identity=identity,
        client_ids=tuple(ids),
        sections=tuple(sections),
        reads=_reads(ids) if ids else (),
        changes=_changes(ids) if ids else (),
    )
