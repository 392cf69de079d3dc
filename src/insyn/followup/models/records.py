"""Steps 2–4: what was recorded about each client: enrolments, occasions, values, goals."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from insyn.core.concurrency import Versioned
from insyn.core.scoping import ScopedModel, ScopedQuerySet
from insyn.followup.models.design import (
    STAGE_ORDER,
    Direction,
    InstrumentItem,
    NonResponseReason,
    Option,
    Programme,
    Stage,
    Variable,
)


class Enrollment(ScopedModel):
    """A client followed up under one programme version, usually for one intervention."""

    PERSONAL_DATA = True

    class Method(models.TextChoices):
        AUTOMATIC = "automatic", _("Automatic")
        MANUAL = "manual", _("Manual")
        IMPORT = "import", _("Imported")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="enrollments", verbose_name=_("programme")
    )
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        related_name="enrollments",
        verbose_name=_("client"),
    )
    intervention = models.ForeignKey(
        "clients.Intervention",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrollments",
        verbose_name=_("intervention"),
    )
    unit = models.ForeignKey(
        "organisations.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrollments",
        verbose_name=_("responsible case worker"),
    )
    method = models.CharField(_("enrolled by"), max_length=10, choices=Method.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    enrolled_on = models.DateField(_("enrolled"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "unit__path"

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-enrolled_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "intervention"],
                condition=Q(intervention__isnull=False),
                name="enrollment_once_per_intervention",
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme} – {self.client}"

    def audit_client_id(self) -> int:
        return self.client_id

    AUDIT_NAME_RELATED = ("programme",)

    def audit_name(self) -> str:
        """Named in the audit trail by its programme (the client is added by the trail)."""
        return f"{capfirst(self._meta.verbose_name)} {self.programme.name}"


class OccasionQuerySet(ScopedQuerySet):
    def open(self) -> OccasionQuerySet:
        return self.filter(status__in=Occasion.OPEN_STATUSES)

    def due_within(self, today: dt.date, days: int) -> OccasionQuerySet:
        """Open occasions whose due date falls within `days` from today (or has passed)."""
        return self.open().filter(due_on__isnull=False, due_on__lte=today + dt.timedelta(days=days))

    def overdue(self, today: dt.date) -> OccasionQuerySet:
        return self.open().filter(window_end__lt=today)

    def in_stage_order(self) -> OccasionQuerySet:
        """An enrolment's occasions as its programme orders its stages (see `Stage.position`)."""
        return self.order_by("enrollment_id", *STAGE_ORDER, "id")


class Occasion(Versioned, ScopedModel):
    """One stage of one enrolment: when it is due, and whether it was done or missed.

    planned/due/overdue follow from the dates (refreshed daily by `insyn remind`, and always
    recomputable with `current_status`); done and missed are recorded.
    """

    PERSONAL_DATA = True

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DUE = "due", _("Due")
        OVERDUE = "overdue", _("Overdue")
        DONE = "done", _("Done")
        MISSED = "missed", _("Missed")

    OPEN_STATUSES = (Status.PLANNED, Status.DUE, Status.OVERDUE)

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="occasions", verbose_name=_("enrolment")
    )
    stage = models.ForeignKey(
        Stage, on_delete=models.PROTECT, related_name="occasions", verbose_name=_("stage")
    )
    due_on = models.DateField(_("due"), null=True, blank=True, db_index=True)
    window_start = models.DateField(_("window opens"), null=True, blank=True)
    window_end = models.DateField(_("window closes"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    done_on = models.DateField(_("done"), null=True, blank=True)
    non_response_reason = models.ForeignKey(
        NonResponseReason,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("non-response reason"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OccasionQuerySet.as_manager()
    scope_path_lookup = "enrollment__unit__path"

    class Meta:
        verbose_name = _("occasion")
        verbose_name_plural = _("occasions")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "stage"], name="occasion_once_per_stage")
        ]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.stage} ({self.due_on or '–'})"

    def audit_client_id(self) -> int:
        return self.enrollment.client_id

    AUDIT_NAME_RELATED = ("stage", "enrollment__programme")

    def audit_name(self) -> str:
        """ "Mättillfälle Före" in the audit trail (the client is added by the trail)."""
        return f"{capfirst(self._meta.verbose_name)} {self.stage.name}"

    def audit_value_labels(self) -> dict[str, str]:
        """The change log keys recorded values by variable key (and `key.item` for an
        instrument's items); the programme's labels make them readable."""
        labels: dict[str, str] = {}
        variables = self.enrollment.programme.variables.select_related("instrument")
        for variable in variables.prefetch_related("instrument__items"):
            labels[variable.key] = variable.label
            if variable.instrument is not None:
                for item in variable.instrument.items.all():
                    labels[f"{variable.key}.{item.key}"] = f"{variable.label}: {item}"
        return labels

    def current_status(self, today: dt.date) -> str:
        if self.status in (self.Status.DONE, self.Status.MISSED):
            return self.status
        if self.window_end is not None and today > self.window_end:
            return self.Status.OVERDUE
        if self.window_start is not None and today >= self.window_start:
            return self.Status.DUE
        return self.Status.PLANNED


class Value(models.Model):
    """One recorded value. Numbers (also yes/no as 1/0 and instrument totals) go in `number`;
    a single choice sets `option` (and `number` when the option has points); a multiple choice
    is one row per chosen option; an instrument item answer has `item` set."""

    PERSONAL_DATA = True

    occasion = models.ForeignKey(Occasion, on_delete=models.CASCADE, related_name="values")
    variable = models.ForeignKey(Variable, on_delete=models.PROTECT, related_name="values")
    item = models.ForeignKey(
        InstrumentItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    number = models.FloatField(null=True, blank=True)
    text = models.TextField(blank=True)
    date = models.DateField(null=True, blank=True)
    option = models.ForeignKey(
        Option, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("value")
        verbose_name_plural = _("values")
        indexes = [models.Index(fields=["occasion", "variable"])]
        constraints = [
            # One row per variable (and instrument item, and chosen option of a multiple
            # choice) and occasion: two recordings at once cannot leave both sets behind.
            models.UniqueConstraint(
                "occasion",
                "variable",
                Coalesce("item", 0),
                Coalesce("option", 0),
                name="value_once_per_occasion",
            )
        ]

    def __str__(self) -> str:
        shown = self.number if self.number is not None else self.text or self.date
        return f"{self.variable.key}={shown}"

    def audit_client_id(self) -> int:
        return self.occasion.enrollment.client_id

    AUDIT_NAME_RELATED = ("variable", "occasion__stage")

    def audit_name(self) -> str:
        name = capfirst(self._meta.verbose_name)
        return f"{name} {self.variable.label} ({self.occasion.stage.name})"

    def audit_org_path(self) -> str:
        return self.occasion.enrollment.unit.path


class Goal(Versioned, ScopedModel):
    """A concrete goal in the same measure as the main problem, set before and assessed after."""

    PERSONAL_DATA = True

    class Outcome(models.TextChoices):
        ACHIEVED = "achieved", _("Achieved")
        PARTLY = "partly", _("Partly achieved")
        NOT = "not", _("Not achieved")
        UNKNOWN = "unknown", _("Unknown")

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="goals", verbose_name=_("enrolment")
    )
    goal_ref = models.CharField(_("goal reference"), max_length=40, blank=True)
    variable = models.ForeignKey(
        Variable,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="goals",
        verbose_name=_("measure"),
    )
    text = models.TextField(_("goal"))
    baseline = models.FloatField(_("baseline"), null=True, blank=True)
    target = models.FloatField(_("target"), null=True, blank=True)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, blank=True
    )
    set_on = models.DateField(_("set"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    assessed_on = models.DateField(_("assessed"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "enrollment__unit__path"

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["enrollment", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "goal_ref"], condition=~Q(goal_ref=""), name="goal_ref_unique"
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]

    def audit_client_id(self) -> int:
        return self.enrollment.client_id

    AUDIT_NAME_RELATED = ("variable",)

    def audit_name(self) -> str:
        """By its measure, never its text (the text is what the client is working on)."""
        name = capfirst(self._meta.verbose_name)
        return f"{name} {self.goal_ref or self.variable or ''}".strip()


class ReminderDigest(models.Model):
    """One digest per user and day, so `insyn remind` can run twice without sending twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    occasions = models.JSONField(default=list)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="reminder_once_a_day")]

    def __str__(self) -> str:
        return f"{self.user} {self.day}"
