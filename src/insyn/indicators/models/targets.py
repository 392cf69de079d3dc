"""Targets the committee sets for a key figure: a figure is coloured met / not met against the
target for its unit and year (or a standing target without a year)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IndicatorTarget(models.Model):
    class Comparison(models.TextChoices):
        AT_LEAST = "at_least", _("At least the target")
        AT_MOST = "at_most", _("At most the target")

    indicator = models.ForeignKey(
        "indicators.Indicator", on_delete=models.CASCADE, related_name="targets"
    )
    org_unit = models.ForeignKey(
        "organisations.OrgUnit",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisational unit"),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, help_text=_("Empty for a standing target.")
    )
    value = models.FloatField(_("target value"))
    comparison = models.CharField(
        _("met when the value is"), max_length=8, choices=Comparison.choices
    )
    decision = models.CharField(
        _("decided by"),
        max_length=200,
        blank=True,
        help_text=_("Where the target was decided, e.g. “Socialnämnden 2026-02-12 § 14”."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["indicator", "org_unit", "year"]
        verbose_name = _("indicator target")
        verbose_name_plural = _("indicator targets")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "org_unit", "year"],
                condition=models.Q(year__isnull=False),
                name="indicatortarget_unique_year",
            ),
            models.UniqueConstraint(
                fields=["indicator", "org_unit"],
                condition=models.Q(year__isnull=True),
                name="indicatortarget_unique_standing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.year or '*'}: {self.value}"

    def met(self, value: float) -> bool:
        if self.comparison == self.Comparison.AT_LEAST:
            return value >= self.value
        return value <= self.value
