"""Per-municipality settings of quality work: deadlines and the lex Sarah diary series."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class QualitySettings(models.Model):
    """Deadlines a municipality may change; a municipality without a row gets the defaults."""

    municipality = models.OneToOneField(
        "organisations.OrgUnit",
        on_delete=models.PROTECT,
        related_name="quality_settings",
        verbose_name=_("municipality"),
    )
    lex_sarah_register_working_days = models.PositiveSmallIntegerField(
        _("register a lex Sarah report within (working days)"), default=1
    )
    lex_sarah_investigation_start_days = models.PositiveSmallIntegerField(
        _("start the investigation within (days)"), default=7
    )
    lex_sarah_ivo_days = models.PositiveSmallIntegerField(
        _("notify IVO within (days of the seriousness decision)"), default=14
    )
    lex_sarah_diary_prefix = models.CharField(
        _("diary number prefix for lex Sarah"), max_length=12, default="LS"
    )
    complaint_answer_days = models.PositiveSmallIntegerField(
        _("answer a complaint within (days)"), default=14
    )
    public_complaints = models.BooleanField(_("public complaint page open"), default=True)
    complaints_email = models.EmailField(_("e-mail that receives new complaints"), blank=True)

    class Meta:
        verbose_name = _("quality settings")
        verbose_name_plural = _("quality settings")

    def __str__(self) -> str:
        return str(self.municipality)


class DiarySeries(models.Model):
    """The running number of a diary series per municipality and year ("LS 2026/7").

    Allocated under a row lock by the service that registers a report, so two officers
    registering at once never get the same number.
    """

    municipality = models.ForeignKey(
        "organisations.OrgUnit", on_delete=models.PROTECT, related_name="+"
    )
    prefix = models.CharField(max_length=12)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "prefix", "year"], name="diary_series_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.prefix} {self.year}: {self.last_number}"
