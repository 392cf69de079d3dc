"""Action plans (handlingsplaner / förbättringsområden): the one place every finding leads to.

A plan has typed foreign keys to its source (a deviation, a lex Sarah report, a complaint, a control
round, a risk; indicators come later), so `restrict` and the audit keep working — no
GenericForeignKey. A plan is org data about improvement work, scoped by its unit; it names no
client (its source may, and keeps its own restriction).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from insyn.core.concurrency import Versioned
from insyn.core.scoping import ScopedModel, ScopedQuerySet


class ActionPlan(Versioned, ScopedModel):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        FOLLOWED_UP = "followed_up", _("Followed up")
        CLOSED = "closed", _("Closed")

    class Outcome(models.TextChoices):
        EFFECTIVE = "effective", _("It worked")
        PARTLY = "partly", _("It partly worked")
        NOT_EFFECTIVE = "not_effective", _("It did not work")

    municipality = models.ForeignKey(
        "organisations.OrgUnit", on_delete=models.PROTECT, related_name="+", editable=False
    )
    unit = models.ForeignKey(
        "organisations.OrgUnit",
        on_delete=models.PROTECT,
        related_name="action_plans",
        verbose_name=_("unit"),
    )
    title = models.CharField(_("improvement area"), max_length=200)
    problem = models.TextField(_("problem or improvement area"))
    goal = models.TextField(_("goal"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="action_plans_owned",
        verbose_name=_("owner"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    # sources: at most one is set (checked by the service)
    deviation = models.ForeignKey(
        "quality.Deviation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_plans",
        verbose_name=_("deviation"),
    )
    lex_sarah_report = models.ForeignKey(
        "quality.LexSarahReport",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_plans",
        verbose_name=_("lex Sarah report"),
    )
    complaint = models.ForeignKey(
        "quality.Complaint",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_plans",
        verbose_name=_("complaint"),
    )
    control_round = models.ForeignKey(
        "quality.ControlRound",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_plans",
        verbose_name=_("control round"),
    )
    risk = models.ForeignKey(
        "quality.Risk",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_plans",
        verbose_name=_("risk"),
    )
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    followed_up_on = models.DateField(_("followed up on"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome of the follow-up"), max_length=20, choices=Outcome.choices, blank=True
    )
    outcome_text = models.TextField(_("what the follow-up found"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "unit__path"

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ActionItem(Versioned, ScopedModel):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ONGOING = "ongoing", _("Ongoing")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN_STATUSES = (Status.PLANNED, Status.ONGOING)

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.PROTECT, related_name="items", verbose_name=_("action plan")
    )
    activity = models.TextField(_("activity"))
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="action_items",
        verbose_name=_("responsible"),
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    result = models.TextField(_("result"), blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "plan__unit__path"

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return self.activity[:60]


class QualityReminderDigest(models.Model):
    """One quality digest per user and day (written in the same transaction as the mail)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    items = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="quality_digest_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}"
