"""The annual cycle (årshjul / kvalitetsplan): the activities of the municipality's quality
plan as data (what, reported to whom, when, method, responsible, linked object), and the dated
tasks each year generates from them. A default cycle modelled on Nacka's quality plan ships as
data (fixtures/cycle/default.yaml)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from insyn.core.concurrency import Versioned
from insyn.core.scoping import ScopedModel, ScopedQuerySet


class CycleActivity(Versioned, ScopedModel):
    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Every month")
        QUARTERLY = "quarterly", _("Every quarter")
        YEARLY = "yearly", _("Every year")
        BIENNIAL = "biennial", _("Every other year")

    class ReportedTo(models.TextChoices):
        COMMITTEE = "committee", _("The committee")
        MANAGEMENT = "management", _("Management")
        STAFF = "staff", _("Staff")
        CITIZENS = "citizens", _("Citizens")

    class Linked(models.TextChoices):
        NONE = "", _("Nothing")
        SURVEY_ROUND = "survey_round", _("A survey round")
        CONTROL_ROUND = "control_round", _("A control round")
        OPEN_COMPARISONS = "open_comparisons", _("An Open Comparisons publication")
        QUALITY_REPORT = "quality_report", _("The quality report")
        RISK_ANALYSIS = "risk_analysis", _("A risk analysis")

    municipality = models.ForeignKey(
        "organisations.OrgUnit", on_delete=models.PROTECT, related_name="+", editable=False
    )
    unit = models.ForeignKey(
        "organisations.OrgUnit",
        on_delete=models.PROTECT,
        related_name="cycle_activities",
        verbose_name=_("unit"),
    )
    code = models.SlugField(_("code"), max_length=60)
    title = models.CharField(_("activity"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    reported_to = models.CharField(
        _("reported to"), max_length=20, choices=ReportedTo.choices, blank=True
    )
    frequency = models.CharField(_("how often"), max_length=20, choices=Frequency.choices)
    # yearly / biennial: the month; quarterly: the month within each quarter (1–3); monthly: -
    month = models.PositiveSmallIntegerField(_("month"), null=True, blank=True)
    day = models.PositiveSmallIntegerField(_("day of month"), default=28)
    first_year = models.PositiveSmallIntegerField(
        _("first year"), null=True, blank=True, help_text=_("For every-other-year activities.")
    )
    method = models.CharField(_("method"), max_length=200, blank=True)
    responsible_role = models.CharField(_("responsible role"), max_length=40, blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cycle_activities",
        verbose_name=_("responsible person"),
    )
    linked = models.CharField(
        _("linked to"), max_length=30, choices=Linked.choices, blank=True, default=""
    )
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=100)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "unit__path"

    class Meta:
        verbose_name = _("annual-cycle activity")
        verbose_name_plural = _("annual-cycle activities")
        ordering = ["sort_order", "title"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="cycle_activity_code"),
        ]

    def __str__(self) -> str:
        return self.title


class CycleTask(Versioned, ScopedModel):
    """One dated occurrence of an activity, generated for a year."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ONGOING = "ongoing", _("Ongoing")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN_STATUSES = (Status.PLANNED, Status.ONGOING)

    activity = models.ForeignKey(CycleActivity, on_delete=models.CASCADE, related_name="tasks")
    year = models.PositiveSmallIntegerField(_("year"))
    due_on = models.DateField(_("due on"))
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cycle_tasks",
        verbose_name=_("responsible"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    control_round = models.ForeignKey(
        "quality.ControlRound",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("control round"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "activity__unit__path"

    class Meta:
        verbose_name = _("annual-cycle task")
        verbose_name_plural = _("annual-cycle tasks")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "due_on"], name="cycle_task_once"),
        ]

    def __str__(self) -> str:
        return f"{self.activity} {self.due_on}"


def _feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A user's private iCalendar feed of their cycle tasks and action items. Calendar apps do
    not log in, so the URL carries a secret token; the user can renew it (old URL stops)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user_id}"
