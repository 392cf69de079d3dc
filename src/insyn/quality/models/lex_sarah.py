"""Lex Sarah reports: staff report a missförhållande or a påtaglig risk för missförhållande.

Visible to the reporter, the lex Sarah officers and the committee's quality lead of the
subtree (`view_lex_sarah`), and to users an officer grants it to — never to the unit it
concerns as such. Every step is a dated field (state machine: services/lex_sarah.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from insyn.core.concurrency import Versioned
from insyn.core.scoping import ScopedModel, ScopedQuerySet


class LexSarahReport(Versioned, ScopedModel):
    PERSONAL_DATA = True

    class Kind(models.TextChoices):
        MALADMINISTRATION = "maladministration", _("Maladministration (missförhållande)")
        RISK = "risk", _("Evident risk of maladministration (påtaglig risk)")

    class State(models.TextChoices):
        REPORTED = "reported", _("Reported")
        REGISTERED = "registered", _("Registered")
        INVESTIGATING = "investigating", _("Under investigation")
        ASSESSED = "assessed", _("Assessed")
        CLOSED = "closed", _("Closed")

    municipality = models.ForeignKey(
        "organisations.OrgUnit", on_delete=models.PROTECT, related_name="+", editable=False
    )
    unit = models.ForeignKey(
        "organisations.OrgUnit",
        on_delete=models.PROTECT,
        related_name="lex_sarah_reports",
        verbose_name=_("unit concerned"),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.REPORTED
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # the report
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="lex_sarah_reported",
        verbose_name=_("reported by"),
    )
    reported_at = models.DateTimeField(_("reported at"))
    occurred_on = models.DateField(_("occurred on"), null=True, blank=True)
    description = models.TextField(_("what happened"))
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("client concerned"),
    )
    from_deviation = models.OneToOneField(
        "quality.Deviation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lex_sarah_report",
        verbose_name=_("escalated from deviation"),
    )
    # immediate protective action
    immediate_action = models.TextField(_("immediate protective action"), blank=True)
    immediate_action_on = models.DateField(_("immediate action taken on"), null=True, blank=True)
    # registered
    diary_number = models.CharField(_("diary number"), max_length=30, blank=True)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lex_sarah_handled",
        verbose_name=_("responsible officer"),
    )
    # investigation: what happened, why, how it is prevented
    investigation_started_on = models.DateField(
        _("investigation started on"), null=True, blank=True
    )
    investigation_what = models.TextField(_("what happened (investigation)"), blank=True)
    investigation_why = models.TextField(_("why it happened"), blank=True)
    investigation_prevention = models.TextField(_("how it is prevented"), blank=True)
    investigation_done_on = models.DateField(_("investigation finished on"), null=True, blank=True)
    # IVO's notification asks for the consequences for the person(s) and how the
    # investigation goes on after the notification
    consequences = models.TextField(_("consequences for the person(s) concerned"), blank=True)
    investigation_continuation = models.TextField(_("how the investigation goes on"), blank=True)
    non_case_position = models.TextField(
        _("position: not a maladministration"),
        blank=True,
        help_text=_("Why the report, once investigated, is not a maladministration."),
    )
    measures_text = models.TextField(_("measures"), blank=True)
    measures_on = models.DateField(_("measures decided on"), null=True, blank=True)
    # seriousness and IVO
    serious = models.BooleanField(_("serious"), null=True, blank=True)
    seriousness_reasons = models.TextField(_("reasons for the assessment"), blank=True)
    seriousness_decided_on = models.DateField(_("seriousness decided on"), null=True, blank=True)
    ivo_notified_on = models.DateField(_("notified to IVO on"), null=True, blank=True)
    ivo_reference = models.CharField(_("IVO's reference"), max_length=60, blank=True)
    # the person concerned and relatives
    affected_informed_on = models.DateField(
        _("person concerned informed on"), null=True, blank=True
    )
    affected_views = models.TextField(_("views of the person concerned"), blank=True)
    relatives_informed_on = models.DateField(_("relatives informed on"), null=True, blank=True)
    relatives_views = models.TextField(_("views of relatives"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    granted_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="lex_sarah_granted",
        verbose_name=_("also visible to"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "unit__path"

    class Meta:
        verbose_name = _("lex Sarah report")
        verbose_name_plural = _("lex Sarah reports")
        ordering = ["-reported_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "diary_number"],
                condition=~Q(diary_number=""),
                name="lex_sarah_diary_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(ivo_notified_on__isnull=True) | Q(serious=True),
                name="lex_sarah_ivo_only_if_serious",
            ),
        ]

    def __str__(self) -> str:
        return self.diary_number or f"#{self.pk}"

    def audit_client_id(self) -> int | None:
        return self.client_id
