"""Kolada reference data as imported: municipalities and regions, the KPI catalogue, each
import run (snapshot) and the value changes it made. Rows mirror the API's fields so a
re-import can compare like with like."""

from __future__ import annotations

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class KoladaMunicipality(models.Model):
    """A Kolada area: a municipality (type K, 4-digit kommunkod), a region or Riket (type L).
    `org_unit` links it to insyn's OrgUnit with the same code where one exists."""

    class Type(models.TextChoices):
        MUNICIPALITY = "K", _("Municipality")
        REGION = "L", _("Region or Riket")

    id = models.CharField(_("Kolada id"), max_length=8, primary_key=True)
    title = models.CharField(_("name"), max_length=120)
    type = models.CharField(_("type"), max_length=1, choices=Type.choices)
    org_unit = models.ForeignKey(
        "organisations.OrgUnit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisational unit"),
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("Kolada municipality")
        verbose_name_plural = _("Kolada municipalities")

    def __str__(self) -> str:
        return f"{self.id} {self.title}"

    @property
    def county_code(self) -> str:
        """Region id (00NN) of a municipality: its first two digits are the county."""
        return f"00{self.id[:2]}" if self.type == self.Type.MUNICIPALITY else ""


class KoladaKpi(models.Model):
    """One row of Kolada's KPI catalogue. `prel_publication_date`/`publication_date` refer to
    `publ_period`: between the two, values for that period are preliminary."""

    id = models.CharField(_("KPI id"), max_length=16, primary_key=True)
    title = models.CharField(_("title"), max_length=400)
    description = models.TextField(_("description"), blank=True)
    is_divided_by_gender = models.BooleanField(_("divided by sex"), default=False)
    municipality_type = models.CharField(_("municipality type"), max_length=2, blank=True)
    auspice = models.CharField(_("auspice"), max_length=2, blank=True)
    operating_area = models.CharField(_("operating area"), max_length=200, blank=True)
    perspective = models.CharField(_("perspective"), max_length=100, blank=True)
    prel_publication_date = models.DateField(
        _("preliminary publication date"), null=True, blank=True
    )
    publication_date = models.DateField(_("publication date"), null=True, blank=True)
    publ_period = models.CharField(_("publication period"), max_length=20, blank=True)
    has_ou_data = models.BooleanField(_("has unit data"), default=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("Kolada KPI")
        verbose_name_plural = _("Kolada KPIs")

    def __str__(self) -> str:
        return f"{self.id} {self.title}"

    def is_preliminary(self, year: int, on: datetime.date) -> bool:
        """Is a value for `year`, fetched on `on`, preliminary? Only the publication period's
        values are, from the preliminary publication date until the final one."""
        if self.publ_period != str(year) or self.prel_publication_date is None:
            return False
        if on < self.prel_publication_date:
            return False
        return self.publication_date is None or on < self.publication_date


class KoladaSnapshot(models.Model):
    """One import run (files or the API): what it read, what it counted and what changed
    against the state before it. Values keep a link to the snapshot that last set them;
    `KoladaValueChange` rows hold the old and new value of every change."""

    class Source(models.TextChoices):
        FILE = "file", _("File")
        API = "api", _("Kolada API v3")

    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=4, choices=Source.choices)
    source_detail = models.TextField(
        _("read from"), blank=True, help_text=_("File names or the first request URL.")
    )
    scope = models.JSONField(_("scope"), default=dict, blank=True)
    previous = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requests = models.PositiveIntegerField(_("requests"), default=0)
    municipalities = models.PositiveIntegerField(_("municipalities"), default=0)
    groups = models.PositiveIntegerField(_("groups"), default=0)
    kpis = models.PositiveIntegerField(_("KPIs"), default=0)
    values_read = models.PositiveIntegerField(_("values read"), default=0)
    values_added = models.PositiveIntegerField(_("values added"), default=0)
    values_changed = models.PositiveIntegerField(_("values changed"), default=0)
    values_removed = models.PositiveIntegerField(_("values removed"), default=0)
    values_unchanged = models.PositiveIntegerField(_("values unchanged"), default=0)
    skipped_deleted = models.PositiveIntegerField(_("rows skipped as deleted"), default=0)
    skipped_null = models.PositiveIntegerField(_("rows skipped without value"), default=0)

    class Meta:
        ordering = ["-started_at", "-id"]
        get_latest_by = "started_at"
        verbose_name = _("Kolada snapshot")
        verbose_name_plural = _("Kolada snapshots")

    def __str__(self) -> str:
        return f"Kolada {self.source} {self.started_at:%Y-%m-%d %H:%M}"

    def summary(self) -> str:
        """One line for the CLI and the log."""
        return (
            f"{self.municipalities} municipalities, {self.groups} groups, {self.kpis} KPIs; "
            f"values: {self.values_read} read, {self.values_added} added, "
            f"{self.values_changed} changed, {self.values_removed} removed, "
            f"{self.values_unchanged} unchanged; skipped {self.skipped_deleted} deleted, "
            f"{self.skipped_null} without value"
        )


class KoladaValueChange(models.Model):
    """What one snapshot did to one value (kpi, municipality, year, sex): the history behind
    "what changed since the last fetch"."""

    class Kind(models.TextChoices):
        ADDED = "added", _("added")
        CHANGED = "changed", _("changed")
        REMOVED = "removed", _("removed")

    snapshot = models.ForeignKey(KoladaSnapshot, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("change"), max_length=8, choices=Kind.choices)
    kpi = models.CharField(_("KPI id"), max_length=16)
    municipality = models.CharField(_("Kolada id"), max_length=8)
    year = models.PositiveSmallIntegerField(_("year"))
    sex = models.CharField(_("sex"), max_length=1)
    old_value = models.FloatField(_("old value"), null=True, blank=True)
    new_value = models.FloatField(_("new value"), null=True, blank=True)
    old_status = models.CharField(_("old status"), max_length=40, blank=True)
    new_status = models.CharField(_("new status"), max_length=40, blank=True)
    old_preliminary = models.BooleanField(_("was preliminary"), null=True, blank=True)
    new_preliminary = models.BooleanField(_("is preliminary"), null=True, blank=True)

    class Meta:
        ordering = ["snapshot", "kpi", "municipality", "year", "sex"]
        verbose_name = _("Kolada value change")
        verbose_name_plural = _("Kolada value changes")

    def __str__(self) -> str:
        return f"{self.kind} {self.kpi} {self.municipality} {self.year} {self.sex}"
