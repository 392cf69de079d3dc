"""Indicator values: one current row per indicator, area, period, sex and source.

The area is either an insyn OrgUnit (computed and manual figures for a municipality or a
unit below it) or a Kolada area (values as Kolada publishes them) — exactly one of the two.
A Kolada value row is updated in place by the next import; its history lives in
`KoladaValueChange`, and `snapshot` names the import that last added or changed it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from insyn.indicators.models.catalogue import (
    PROVENANCE_COMPUTED,
    PROVENANCE_KOLADA,
    PROVENANCE_KOLADA_DERIVED,
    PROVENANCE_MANUAL,
    PROVENANCE_SYNTHETIC,
)


class IndicatorValue(models.Model):
    class PeriodKind(models.TextChoices):
        YEAR = "year", _("Calendar year")
        ROLLING12 = "rolling12", _("Rolling twelve months")

    class Sex(models.TextChoices):
        TOTAL = "T", _("Total")
        WOMEN = "K", _("Women")
        MEN = "M", _("Men")

    class Source(models.TextChoices):
        KOLADA = "kolada", _("Kolada, as published")
        KOLADA_DERIVED = "kolada_derived", _("Derived from Kolada")
        COMPUTED = "computed", _("Computed by insyn")
        MANUAL = "manual", _("Entered by hand")
        SYNTHETIC = "synthetic", _("Synthetic (demo)")

    PROVENANCE = {
        Source.KOLADA: PROVENANCE_KOLADA,
        Source.KOLADA_DERIVED: PROVENANCE_KOLADA_DERIVED,
        Source.COMPUTED: PROVENANCE_COMPUTED,
        Source.MANUAL: PROVENANCE_MANUAL,
        Source.SYNTHETIC: PROVENANCE_SYNTHETIC,
    }

    class Status(models.TextChoices):
        FINAL = "final", _("Final")
        PRELIMINARY = "preliminary", _("Preliminary")

    indicator = models.ForeignKey(
        "indicators.Indicator", on_delete=models.CASCADE, related_name="values"
    )
    org_unit = models.ForeignKey(
        "organisations.OrgUnit",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisational unit"),
    )
    municipality = models.ForeignKey(
        "indicators.KoladaMunicipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="values",
        verbose_name=_("Kolada area"),
    )
    period_kind = models.CharField(
        _("period"), max_length=10, choices=PeriodKind.choices, default=PeriodKind.YEAR
    )
    year = models.PositiveSmallIntegerField(
        _("year"), help_text=_("The calendar year, or the year a rolling period ends in.")
    )
    period_end = models.DateField(
        _("period end"), help_text=_("31 December for a year; the last day of a rolling period.")
    )
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.TOTAL)
    value = models.FloatField(_("value"), help_text=_("Never stored for a missing value."))
    numerator = models.FloatField(_("numerator"), null=True, blank=True)
    denominator = models.FloatField(_("denominator"), null=True, blank=True)
    count = models.PositiveIntegerField(
        _("count"), null=True, blank=True, help_text=_("Kolada's `count` field.")
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.FINAL
    )
    kolada_status = models.CharField(
        _("Kolada status"), max_length=40, blank=True, help_text=_("Kept as Kolada sent it.")
    )
    snapshot = models.ForeignKey(
        "indicators.KoladaSnapshot",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="values",
        verbose_name=_("Kolada snapshot"),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    entered_at = models.DateTimeField(_("entered"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["indicator", "year", "sex"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.CheckConstraint(
                condition=Q(org_unit__isnull=True, municipality__isnull=False)
                | Q(org_unit__isnull=False, municipality__isnull=True),
                name="indicatorvalue_one_area",
            ),
            models.UniqueConstraint(
                fields=["indicator", "municipality", "period_kind", "period_end", "sex", "source"],
                condition=Q(municipality__isnull=False),
                name="indicatorvalue_unique_kolada_area",
            ),
            models.UniqueConstraint(
                fields=["indicator", "org_unit", "period_kind", "period_end", "sex", "source"],
                condition=Q(org_unit__isnull=False),
                name="indicatorvalue_unique_org_unit",
            ),
            models.CheckConstraint(
                condition=~Q(source="kolada") | Q(snapshot__isnull=False),
                name="indicatorvalue_kolada_has_snapshot",
            ),
        ]
        indexes = [models.Index(fields=["indicator", "year", "sex"])]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.year} {self.sex}: {self.value}"

    @property
    def provenance(self) -> str:
        """The source line every published figure carries."""
        return self.PROVENANCE[self.Source(self.source)]

    @property
    def preliminary(self) -> bool:
        return self.status == self.Status.PRELIMINARY
