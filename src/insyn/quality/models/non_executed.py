"""Non-executed decisions (ej verkställda beslut, SoL / LSS): what insyn must report to IVO
each quarter. Detection reads the decisions in clients/; these rows hold what only a person can
add (the reason for the delay, offers made, interim interventions) and when each quarter's
report was sent, so the list is reproducible for any quarter from live data.

A `NonExecutedDecision` is one episode: a decision not executed within three months of the
decision date, or interrupted and not resumed within three months of the interruption, or only
partly executed. It names a client through its decision: individual data, restricted and
audited like the client.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from insyn.core.concurrency import Versioned
from insyn.core.scoping import ScopedModel, ScopedQuerySet


class NonExecutedDecision(Versioned, ScopedModel):
    PERSONAL_DATA = True

    class Kind(models.TextChoices):
        NOT_EXECUTED = "not_executed", _("Not executed")
        INTERRUPTED = "interrupted", _("Interrupted, not resumed")
        PARTLY = "partly", _("Partly executed")

    decision = models.ForeignKey(
        "clients.Decision",
        on_delete=models.PROTECT,
        related_name="non_executed",
        verbose_name=_("decision"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # the day the three-month clock started: the decision date, or the interruption date
    clock_from = models.DateField(_("counted from"))
    detected_on = models.DateField(_("found on"))
    reason_for_delay = models.TextField(_("reason for the delay"), blank=True)
    consequences = models.TextField(_("consequences for the client"), blank=True)
    interim_interventions = models.TextField(_("interim interventions"), blank=True)
    not_executed_part = models.CharField(_("the part not executed"), max_length=200, blank=True)
    # closed when the decision was executed / resumed / ended (dates copied from the decision)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "decision__case__unit__path"

    class Meta:
        verbose_name = _("non-executed decision")
        verbose_name_plural = _("non-executed decisions")
        ordering = ["clock_from", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "kind", "clock_from"], name="non_executed_episode_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision} ({self.get_kind_display()})"

    def audit_client_id(self) -> int:
        return self.decision.case.client_id


class NonExecutedOffer(models.Model):
    """An offer of the intervention made to the client while waiting (date and what)."""

    non_executed = models.ForeignKey(
        NonExecutedDecision, on_delete=models.CASCADE, related_name="offers"
    )
    offered_on = models.DateField(_("offered on"))
    description = models.CharField(_("what was offered"), max_length=300)
    declined = models.BooleanField(_("declined by the client"), default=False)

    class Meta:
        ordering = ["offered_on", "id"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")

    def __str__(self) -> str:
        return f"{self.offered_on} {self.description[:40]}"


class NonExecutedReportRecord(models.Model):
    """That an episode was reported to IVO for a quarter, and when (the e-service has no
    receipt insyn could read, so the person who reported it records the date)."""

    non_executed = models.ForeignKey(
        NonExecutedDecision, on_delete=models.CASCADE, related_name="reports"
    )
    quarter = models.CharField(_("quarter"), max_length=6)  # "2026Q3"
    reported_on = models.DateField(_("reported to IVO on"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["non_executed", "quarter"], name="non_executed_reported_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quarter} {self.reported_on}"


class NonExecutedWarning(models.Model):
    """A warning sent at day 60 or 80 (and the day-90 listing), once per decision and clock,
    so the daily job is idempotent."""

    decision = models.ForeignKey("clients.Decision", on_delete=models.CASCADE, related_name="+")
    clock_from = models.DateField()
    day = models.PositiveSmallIntegerField()
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "clock_from", "day"], name="non_executed_warning_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision_id} day {self.day}"


class IvoPseudonym(models.Model):
    """The pseudonymous id IVO takes instead of a personnummer: birth date + T + three digits,
    the third even for a woman and odd for a man. Allocated once per client and kept, so the
    same person has the same id in every quarter; it never contains the real number."""

    client = models.OneToOneField(
        "clients.Client", on_delete=models.CASCADE, related_name="ivo_pseudonym"
    )
    municipality = models.ForeignKey(
        "organisations.OrgUnit", on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "code"], name="ivo_pseudonym_unique_in_municipality"
            ),
        ]

    def __str__(self) -> str:
        return self.code


__all__ = [
    "IvoPseudonym",
    "NonExecutedDecision",
    "NonExecutedOffer",
    "NonExecutedReportRecord",
    "NonExecutedWarning",
]
