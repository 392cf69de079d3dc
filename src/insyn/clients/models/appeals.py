"""Investigations and appeals: handling time (the four-month rule) and what the courts did
with the decisions, for the quality report and internal control."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from insyn.clients.models.journey import Case, Decision
from insyn.core.concurrency import Versioned
from insyn.core.scoping import ScopedModel, ScopedQuerySet


class Investigation(Versioned, ScopedModel):
    """An investigation (utredning) in a case, so handling time is measured. One lasting more
    than four months needs a recorded decision to extend it (the four-month rule)."""

    PERSONAL_DATA = True
    FOUR_MONTHS = 4  # months; the rule itself, checked by services and internal control

    class Outcome(models.TextChoices):
        GRANTED = "granted", _("Intervention granted")
        PARTLY_GRANTED = "partly_granted", _("Partly granted")
        REJECTED = "rejected", _("Rejected")
        NO_MEASURE = "no_measure", _("Closed without measure")
        WITHDRAWN = "withdrawn", _("Withdrawn or the client moved")
        TRANSFERRED = "transferred", _("Transferred to another municipality")

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="investigations", verbose_name=_("case")
    )
    started_on = models.DateField(_("investigation started"))
    completed_on = models.DateField(_("investigation completed"), null=True, blank=True)
    extended_on = models.DateField(
        _("decision to extend"),
        null=True,
        blank=True,
        help_text=_("Needed when the investigation lasts more than four months."),
    )
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    case_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="investigations",
        verbose_name=_("investigating case worker"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "case__unit__path"

    class Meta:
        verbose_name = _("investigation")
        verbose_name_plural = _("investigations")
        ordering = ["-started_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True)
                | Q(completed_on__gte=models.F("started_on")),
                name="investigation_completed_after_started",
            ),
            models.CheckConstraint(
                condition=Q(extended_on__isnull=True) | Q(extended_on__gte=models.F("started_on")),
                name="investigation_extended_after_started",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.started_on}"

    def audit_client_id(self) -> int:
        return self.case.client_id


class Appeal(Versioned, ScopedModel):
    """An appeal (överklagande) of a decision and what the court did with it."""

    PERSONAL_DATA = True

    class Court(models.TextChoices):
        ADMINISTRATIVE = "administrative", _("Administrative court")
        APPEAL = "appeal", _("Administrative court of appeal")
        SUPREME = "supreme", _("Supreme administrative court")

    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("Upheld (the decision stands)")
        CHANGED = "changed", _("Changed by the court")
        RETURNED = "returned", _("Returned for a new assessment")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="appeals", verbose_name=_("decision")
    )
    appealed_on = models.DateField(_("appealed"))
    court = models.CharField(
        _("court"), max_length=20, choices=Court.choices, default=Court.ADMINISTRATIVE
    )
    court_reference = models.CharField(_("court case number"), max_length=40, blank=True)
    decided_on = models.DateField(_("court decided"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "decision__case__unit__path"

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-appealed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True) | Q(decided_on__gte=models.F("appealed_on")),
                name="appeal_decided_after_appealed",
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(decided_on__isnull=False),
                name="appeal_outcome_needs_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision} ({self.appealed_on})"

    def audit_client_id(self) -> int:
        return self.decision.case.client_id
