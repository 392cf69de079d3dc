"""Risk analysis (riskanalys): a register of risks per unit or process, each scored
probability 1–4 × consequence 1–4 with a history of assessments, treated by measures that are
action-plan items. A `RiskAnalysis` gathers the risks of a planned change (organisation,
staffing, a new method). Risks are org data about the work and name no client."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from insyn.core.concurrency import Versioned
from insyn.core.scoping import ScopedModel, ScopedQuerySet

SCORE = [MinValueValidator(1), MaxValueValidator(4)]


class Treatment(models.TextChoices):
    ACCEPT = "accept", _("Accept")
    ELIMINATE = "eliminate", _("Eliminate")
    REDUCE = "reduce", _("Reduce")
    CONTROL = "control", _("Control")


class RiskAnalysis(Versioned, ScopedModel):
    """The risks of a planned change, analysed before it is made."""

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", _("Organisational change")
        STAFFING = "staffing", _("Staffing")
        METHOD = "method", _("New method or way of working")
        PROCESS = "process", _("Process")
        OTHER = "other", _("Other")

    class State(models.TextChoices):
        OPEN = "open", _("Ongoing")
        DONE = "done", _("Completed")

    municipality = models.ForeignKey(
        "organisations.OrgUnit", on_delete=models.PROTECT, related_name="+", editable=False
    )
    unit = models.ForeignKey(
        "organisations.OrgUnit",
        on_delete=models.PROTECT,
        related_name="risk_analyses",
        verbose_name=_("unit"),
    )
    title = models.CharField(_("what is analysed"), max_length=200)
    kind = models.CharField(_("kind of change"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)
    change_on = models.DateField(_("planned change date"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default="open")
    participants = models.TextField(_("who took part"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "unit__path"

    class Meta:
        verbose_name = _("risk analysis")
        verbose_name_plural = _("risk analyses")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Risk(Versioned, ScopedModel):
    """One risk in the register. The current score is the latest assessment's, copied here
    so lists sort and filter by it."""

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    municipality = models.ForeignKey(
        "organisations.OrgUnit", on_delete=models.PROTECT, related_name="+", editable=False
    )
    unit = models.ForeignKey(
        "organisations.OrgUnit",
        on_delete=models.PROTECT,
        related_name="risks",
        verbose_name=_("unit"),
    )
    analysis = models.ForeignKey(
        RiskAnalysis,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="risks",
        verbose_name=_("risk analysis"),
    )
    process = models.CharField(_("process or activity"), max_length=200, blank=True)
    title = models.CharField(_("risk"), max_length=200)
    cause = models.TextField(_("cause"), blank=True)
    consequence = models.TextField(_("consequence for the client"), blank=True)
    probability = models.PositiveSmallIntegerField(_("probability (1–4)"), validators=SCORE)
    severity = models.PositiveSmallIntegerField(_("consequence (1–4)"), validators=SCORE)
    treatment = models.CharField(
        _("treatment"), max_length=20, choices=Treatment.choices, blank=True
    )
    reassess_on = models.DateField(_("reassess on"), null=True, blank=True)
    deviation_category = models.ForeignKey(
        "quality.DeviationCategory",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("related deviation category"),
        help_text=_("Recurring deviations of this category in the unit are shown beside the risk."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="risks_owned",
        verbose_name=_("owner"),
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default="active")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "unit__path"

    class Meta:
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        ordering = ["-probability", "-severity", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(probability__gte=1, probability__lte=4)
                & Q(severity__gte=1, severity__lte=4),
                name="risk_scores_1_to_4",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def score(self) -> int:
        return self.probability * self.severity


class RiskAssessment(models.Model):
    """One assessment in a risk's history (the first is made when the risk is registered)."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="assessments")
    assessed_on = models.DateField(_("assessed on"))
    probability = models.PositiveSmallIntegerField(_("probability (1–4)"), validators=SCORE)
    severity = models.PositiveSmallIntegerField(_("consequence (1–4)"), validators=SCORE)
    treatment = models.CharField(
        _("treatment"), max_length=20, choices=Treatment.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(probability__gte=1, probability__lte=4)
                & Q(severity__gte=1, severity__lte=4),
                name="risk_assessment_scores_1_to_4",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.risk_id} {self.assessed_on} {self.probability}×{self.severity}"
