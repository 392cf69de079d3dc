"""Comparison groups: Kolada's groups by year (every "Liknande kommuner IFO, <kommun>,
<year>", the SKR kommungrupper, networks), the county and Riket derived from the municipality
list, and groups users define."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

SKR_GROUP_IDS = frozenset(
    {"G92786", "G92787", "G92788", "G92789", "G92790", "G92791", "G92792", "G92793", "G92794"}
)
SIMILAR_PREFIX = "Liknande kommuner "


class ComparisonGroup(models.Model):
    """A set of Kolada areas to compare with. `key` is Kolada's group id (G36713) for Kolada
    groups, `county-00NN` for a county, `riket` for the nation, `user-<n>` for one a user made.

    For "Liknande kommuner <area>, <kommun>, <year>" groups `subject` is the municipality the
    group was chosen for (it is not among the members), `area` the part between the prefix
    and the first comma (IFO, LSS, …) and `year` the year in the title: a group belongs to
    one year, and comparisons must use the right year's group."""

    class Kind(models.TextChoices):
        SIMILAR = "similar", _("Similar municipalities (Kolada)")
        SKR = "skr", _("SKR municipality group")
        KOLADA = "kolada", _("Other Kolada group")
        COUNTY = "county", _("County")
        NATION = "nation", _("Riket")
        USER = "user", _("User-defined")

    key = models.CharField(_("key"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    area = models.CharField(_("area"), max_length=60, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    subject = models.ForeignKey(
        "indicators.KoladaMunicipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="similar_groups",
        verbose_name=_("chosen for"),
    )
    owner = models.ForeignKey(
        "organisations.OrgUnit",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("defined by"),
        help_text=_("The unit a user-defined group belongs to; empty for Kolada's groups."),
    )
    members = models.ManyToManyField(
        "indicators.KoladaMunicipality", related_name="comparison_groups", blank=True
    )
    snapshot = models.ForeignKey(
        "indicators.KoladaSnapshot",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last changed in"),
    )

    class Meta:
        ordering = ["kind", "title"]
        verbose_name = _("comparison group")
        verbose_name_plural = _("comparison groups")
        indexes = [models.Index(fields=["kind", "area", "subject", "year"])]

    def __str__(self) -> str:
        return self.title
