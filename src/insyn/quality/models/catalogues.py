"""Quality-management catalogues (ARCHITECTURE rule 6): rows loaded from
fixtures/catalogues/*.yaml, adaptable per municipality without a release."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from insyn.core.catalogues import CatalogueItem


class DeviationCategory(CatalogueItem):
    """What kind of deviation: handläggning, dokumentation, bemötande, …"""

    personal_data_incident = models.BooleanField(
        _("personal-data incident"),
        default=False,
        help_text=_("Starts the 72-hour clock for notifying the data protection authority."),
    )

    class Meta(CatalogueItem.Meta):
        verbose_name = _("deviation category")
        verbose_name_plural = _("deviation categories")


class RootCause(CatalogueItem):
    """Why it happened (an investigation picks one or more, plus free text)."""

    class Meta(CatalogueItem.Meta):
        verbose_name = _("root cause")
        verbose_name_plural = _("root causes")


class ComplaintTheme(CatalogueItem):
    """What a complaint or suggestion is about, mapped to a quality criterion."""

    quality_criterion = models.ForeignKey(
        "surveys.QualityCriterion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("quality criterion"),
    )

    class Meta(CatalogueItem.Meta):
        verbose_name = _("complaint theme")
        verbose_name_plural = _("complaint themes")


class LegalReference(CatalogueItem):
    """A provision quality work cites, in both numberings: the Social Services Act of 2001
    (SFS 2001:453) and the new one (SFS 2025:400), or LSS. Code never names a paragraph."""

    class Topic(models.TextChoices):
        LEX_SARAH_DUTY = "lex_sarah_duty", _("Duty to report (lex Sarah)")
        LEX_SARAH_INVESTIGATION = "lex_sarah_investigation", _("Investigation (lex Sarah)")
        LEX_SARAH_IVO = "lex_sarah_ivo", _("Notification to IVO (lex Sarah)")
        COMPLAINTS = "complaints", _("Complaints")
        MANAGEMENT_SYSTEM = "management_system", _("Management system")
        NON_EXECUTED = "non_executed", _("Non-executed decisions")
        OTHER = "other", _("Other")

    topic = models.CharField(_("topic"), max_length=40, choices=Topic.choices)
    law = models.CharField(_("law"), max_length=10)
    statute_old = models.CharField(_("statute until 30 June 2025"), max_length=20, blank=True)
    paragraph_old = models.CharField(_("paragraph until 30 June 2025"), max_length=60, blank=True)
    statute_new = models.CharField(_("statute from 1 July 2025"), max_length=20, blank=True)
    paragraph_new = models.CharField(_("paragraph from 1 July 2025"), max_length=60, blank=True)

    class Meta(CatalogueItem.Meta):
        verbose_name = _("legal reference")
        verbose_name_plural = _("legal references")
