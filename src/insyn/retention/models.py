"""Retention rules, legal holds and the log of retention runs (docs/retention.md).

A rule says, for one municipality and one kind of record, how long after which event the
record's personal data is kept. The job (`insyn retention run`) reduces or removes what is due
and writes one `RetentionRun` with counts per kind, never the data. `Reduction` remembers
which records have been reduced, so a record is handled once and the job needs no marker
field in the other apps' tables.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from insyn.core.scoping import ScopedModel


class Kind(models.TextChoices):
    CLIENT = "client", _("Client, cases and everything under them")
    RESPONSE = "response", _("Questionnaire responses")
    INVITATION = "invitation", _("Questionnaire invitations")
    DEVIATION = "deviation", _("Deviations")
    COMPLAINT = "complaint", _("Complaints")
    LEX_SARAH = "lex_sarah", _("Lex Sarah reports")
    REVIEW = "review", _("Case-file reviews")
    UPLOAD = "upload", _("Uploaded import files")
    AUDIT = "audit", _("Audit entries")


class Event(models.TextChoices):
    LAST_CASE_CLOSED = "last_case_closed", _("the client's last case was closed")
    LAST_ENTRY = "last_entry", _("the last entry about the client")
    RESPONSE_RECEIVED = "response_received", _("the response was received")
    INVITATION_EXPIRED = "invitation_expired", _("the invitation expired")
    CLOSED = "closed", _("the matter was closed")
    ROUND_COMPLETED = "round_completed", _("the control round was completed")
    UPLOADED = "uploaded", _("the file was uploaded")
    RECORDED = "recorded", _("the entry was recorded")


# Which events each kind can be counted from (the first is the default).
EVENTS: dict[str, tuple[str, ...]] = {
    Kind.CLIENT: (Event.LAST_CASE_CLOSED, Event.LAST_ENTRY),
    Kind.RESPONSE: (Event.RESPONSE_RECEIVED,),
    Kind.INVITATION: (Event.INVITATION_EXPIRED,),
    Kind.DEVIATION: (Event.CLOSED,),
    Kind.COMPLAINT: (Event.CLOSED,),
    Kind.LEX_SARAH: (Event.CLOSED,),
    Kind.REVIEW: (Event.ROUND_COMPLETED,),
    Kind.UPLOAD: (Event.UPLOADED,),
    Kind.AUDIT: (Event.RECORDED,),
}


class PeriodUnit(models.TextChoices):
    DAYS = "days", _("days")
    MONTHS = "months", _("months")
    YEARS = "years", _("years")


class RetentionRule(ScopedModel):
    """How long one kind of record keeps its personal data in one municipality."""

    scope_path_lookup = "municipality__path"

    municipality = models.ForeignKey(
        "organisations.OrgUnit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("municipality"),
    )
    kind = models.CharField(_("kind of record"), max_length=20, choices=Kind.choices)
    event = models.CharField(_("counted from"), max_length=30, choices=Event.choices)
    # Signed on purpose: zero or a negative period is refused with a message by the service,
    # not silently turned into an error of the database.
    period = models.IntegerField(_("retention period"))
    unit = models.CharField(_("unit"), max_length=10, choices=PeriodUnit.choices)
    keep_birth_days = models.CharField(
        _("keep persons born on these days of the month"),
        max_length=40,
        blank=True,
        help_text=_("For research, e.g. 5,15,25. Empty: no exception."),
    )
    active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "kind"], name="retention_rule_per_kind")
        ]
        ordering = ["municipality_id", "kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.period} {self.get_unit_display()}"

    def birth_days(self) -> list[int]:
        return sorted({int(d) for d in self.keep_birth_days.split(",") if d.strip().isdigit()})


class LegalHold(ScopedModel):
    """Data that must be kept whatever the rules say (a dispute, a request from a court or
    IVO): on a client, or on one case (which keeps its client too)."""

    scope_path_lookup = "municipality__path"

    municipality = models.ForeignKey(
        "organisations.OrgUnit", on_delete=models.PROTECT, related_name="+"
    )
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("client"),
    )
    case = models.ForeignKey(
        "clients.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("case"),
    )
    reason = models.CharField(_("reason"), max_length=300)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    placed_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(client__isnull=False) | models.Q(case__isnull=False),
                name="retention_hold_names_something",
            )
        ]


class RetentionRun(ScopedModel):
    """One run of the job, dry or real: counts per kind (and held per kind), never data."""

    scope_path_lookup = "municipality__path"

    municipality = models.ForeignKey(
        "organisations.OrgUnit", on_delete=models.PROTECT, related_name="+"
    )
    dry_run = models.BooleanField(_("dry run"))
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    counts = models.JSONField(_("records reduced or removed per kind"), default=dict)
    held = models.JSONField(_("records kept under a legal hold per kind"), default=dict)
    excepted = models.JSONField(_("records kept by an exception per kind"), default=dict)

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-started_at", "-pk"]


class Reduction(models.Model):
    """A record that has been reduced (kind + primary key): handled once, never again."""

    kind = models.CharField(max_length=20, choices=Kind.choices)
    object_id = models.BigIntegerField()
    run = models.ForeignKey(RetentionRun, on_delete=models.PROTECT, related_name="reductions")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="retention_reduced_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"
