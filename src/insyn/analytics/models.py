"""What the analytics app stores: data-version counters for the frame cache, saved analyses
(favourites shared within an organisation) and age groupings (a catalogue)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from insyn.core.catalogues import CatalogueItem


class DataVersion(models.Model):
    """Bumped by the write services when an enrolment's data changes, so the next analysis
    rebuilds exactly the frame partitions that changed (see `insyn.analytics.cache`).

    One row per programme key and municipality; municipality 0 stands for every municipality
    (a change that touches the programme everywhere).
    """

    programme_key = models.SlugField(max_length=60)
    municipality_id = models.BigIntegerField(default=0)
    counter = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["programme_key", "municipality_id"], name="data_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme_key}/{self.municipality_id}: {self.counter}"


def validate_age_bins(value: str) -> None:
    from insyn.analytics.dimensions import AgeBinError, parse_age_bins

    try:
        parse_age_bins(value)
    except AgeBinError as exc:
        raise ValidationError(str(exc)) from exc


class AgeGrouping(CatalogueItem):
    """A named set of age bins, e.g. children 0-12,13-17 or adults 18-24,25-44,45-64,65-."""

    bins = models.CharField(
        _("age bins"),
        max_length=200,
        validators=[validate_age_bins],
        help_text=_("Comma-separated ranges in whole years, e.g. 0-12,13-17,18-"),
    )

    class Meta(CatalogueItem.Meta):
        verbose_name = _("age grouping")
        verbose_name_plural = _("age groupings")


class SavedAnalysisQuerySet(models.QuerySet):
    def visible_to(self, user: object) -> SavedAnalysisQuerySet:
        """The user's own favourites and those shared within the user's organisation."""
        owner_id = getattr(user, "pk", None)
        organisation_id = getattr(user, "organisation_id", None)
        if owner_id is None:
            return self.none()
        shared = models.Q(shared=True, organisation_id=organisation_id)
        if organisation_id is None:
            shared = models.Q(pk__in=[])
        return self.filter(models.Q(owner_id=owner_id) | shared)


class SavedAnalysis(models.Model):
    """A favourite: the analysis' parameters, never its numbers. Whoever opens it gets the
    result for their own scope, so sharing cannot widen what anyone sees."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="saved_analyses",
        verbose_name=_("owner"),
    )
    organisation = models.ForeignKey(
        "organisations.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    params = models.JSONField(_("parameters"), default=dict)
    shared = models.BooleanField(
        _("shared within the organisation"),
        default=False,
        help_text=_("Everyone in your organisation can open it (with their own access)."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SavedAnalysisQuerySet.as_manager()

    class Meta:
        verbose_name = _("saved analysis")
        verbose_name_plural = _("saved analyses")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name
