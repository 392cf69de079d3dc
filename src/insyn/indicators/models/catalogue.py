"""The indicator catalogue (data, not code): what a key figure means, which way is better,
and where its values come from. Loaded from fixtures/catalogues/*.yaml by `insyn catalogues
load`; the Kolada importer adds a plain row for a KPI it stores values for that the catalogue
does not name yet (`in_catalogue=False`)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from insyn.core.catalogues import CatalogueItem

# Kolada's terms of use: a value as published carries the first line; anything insyn derives
# from Kolada values (means of a group, ranks, differences, quartile colours) the second.
PROVENANCE_KOLADA = "Källa: Kolada"
PROVENANCE_KOLADA_DERIVED = "Egen bearbetning av data från Kolada"
PROVENANCE_COMPUTED = "Beräknat av insyn från kommunens egna uppföljningsdata"
PROVENANCE_MANUAL = "Manuellt inlagt värde"
PROVENANCE_SYNTHETIC = "Syntetiskt jämförelsevärde (demo), inte från Kolada"


class QualityDimension(CatalogueItem):
    """A quality criterion (the Växjö report's list, after SOSFS 2011:9 / SoL) or one of the
    six areas of good care Öppna jämförelser reports by; an indicator names one."""

    class Framework(models.TextChoices):
        CRITERION = "criterion", _("Quality criterion")
        OJ = "oj", _("Open Comparisons dimension")

    framework = models.CharField(_("framework"), max_length=12, choices=Framework.choices)

    class Meta(CatalogueItem.Meta):
        verbose_name = _("quality dimension")
        verbose_name_plural = _("quality dimensions")


class Indicator(models.Model):
    """One key figure. `source` says where values come from; for computed ones the definition
    fields are the text the indicator page shows (and the computation must match)."""

    class Unit(models.TextChoices):
        PERCENT = "percent", "%"
        DAYS = "days", _("days")
        COUNT = "count", _("count")
        KR = "kr", "kr"
        OTHER = "other", _("other")

    class Type(models.TextChoices):
        STRUCTURE = "structure", _("Structure")
        PROCESS = "process", _("Process")
        OUTCOME = "outcome", _("Outcome")

    class Direction(models.TextChoices):
        HIGHER = "higher", _("Higher is better")
        LOWER = "lower", _("Lower is better")
        NONE = "none", _("Neither (no colour by rank)")

    class Source(models.TextChoices):
        COMPUTED = "computed", _("Computed by insyn")
        KOLADA = "kolada", _("Kolada")
        MANUAL = "manual", _("Entered by hand")

    key = models.SlugField(
        _("key"),
        max_length=60,
        unique=True,
        help_text=_("Stable name; a Kolada indicator's key is its KPI id, e.g. U31462."),
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.OTHER)
    type = models.CharField(_("type"), max_length=10, choices=Type.choices, blank=True)
    dimension = models.ForeignKey(
        QualityDimension,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("quality criterion or dimension"),
    )
    operating_area = models.CharField(_("operating area"), max_length=100, blank=True)
    direction = models.CharField(
        _("direction"), max_length=8, choices=Direction.choices, default=Direction.NONE
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    kolada_kpi = models.CharField(
        _("Kolada KPI"),
        max_length=16,
        null=True,
        blank=True,
        unique=True,
        help_text=_("The KPI id (not a foreign key, so the catalogue loads before the KPIs)."),
    )
    numerator = models.TextField(_("numerator"), blank=True)
    denominator = models.TextField(_("denominator"), blank=True)
    population = models.TextField(_("population"), blank=True)
    period = models.TextField(_("period"), blank=True)
    computation = models.CharField(
        _("computation"),
        max_length=60,
        blank=True,
        help_text=_("Name of the computation that produces a computed indicator (not built yet)."),
    )
    in_catalogue = models.BooleanField(
        _("in the catalogue"),
        default=True,
        help_text=_("False for a KPI the Kolada import needed a row for; not shown in overviews."),
    )
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=100)

    class Meta:
        ordering = ["sort_order", "key"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(source="kolada") | models.Q(kolada_kpi__isnull=False),
                name="indicator_kolada_has_kpi",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.title}"
