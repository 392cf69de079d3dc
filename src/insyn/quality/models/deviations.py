"""Deviations (avvikelser): something went wrong or could have. Reported by anyone in a
minute, received and investigated by the unit's manager, followed by measures in an action
plan, closed with feedback to the reporter (state machine: services/deviations.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from insyn.core.concurrency import Versioned
from insyn.core.scoping import ScopedModel, ScopedQuerySet
from insyn.quality.models.catalogues import DeviationCategory, RootCause


class Deviation(Versioned, ScopedModel):
    """A deviation in a unit. Linked to a client or case it is individual data: restricted
    and audited like the client (`audit_client_id`)."""

    PERSONAL_DATA = True

    class State(models.TextChoices):
        REPORTED = "reported", _("Reported")
        RECEIVED = "received", _("Received")
        INVESTIGATED = "investigated", _("Investigated")
        MEASURES = "measures", _("Measures decided")
        CLOSED = "closed", _("Closed")

    municipality = models.ForeignKey(
        "organisations.OrgUnit", on_delete=models.PROTECT, related_name="+", editable=False
    )
    unit = models.ForeignKey(
        "organisations.OrgUnit",
        on_delete=models.PROTECT,
        related_name="deviations",
        verbose_name=_("unit"),
    )
    reference = models.CharField(_("reference"), max_length=30, editable=False)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.REPORTED
    )
    # what the reporter says
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="deviations_reported",
        verbose_name=_("reported by"),
    )
    reported_at = models.DateTimeField(_("reported at"))
    occurred_on = models.DateField(_("occurred on"))
    occurred_at = models.TimeField(_("time"), null=True, blank=True)
    category = models.ForeignKey(
        DeviationCategory, on_delete=models.PROTECT, verbose_name=_("category")
    )
    description = models.TextField(_("what happened"))
    immediate_measures = models.TextField(_("immediate measures taken"), blank=True)
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("client"),
    )
    case = models.ForeignKey(
        "clients.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("case"),
    )
    # personal-data incident: the 72-hour clock (GDPR art. 33) from when it was discovered
    personal_data_incident = models.BooleanField(_("personal-data incident"), default=False)
    discovered_at = models.DateTimeField(_("discovered at"), null=True, blank=True)
    dpa_notified_at = models.DateTimeField(
        _("notified to the data protection authority at"), null=True, blank=True
    )
    dpa_reference = models.CharField(
        _("data protection authority's reference"), max_length=60, blank=True
    )
    dpa_not_notified_reason = models.TextField(
        _("why the data protection authority was not notified"), blank=True
    )
    # received
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("received by"),
    )
    # investigated
    investigation_facts = models.TextField(_("what happened (investigation)"), blank=True)
    root_causes = models.ManyToManyField(
        RootCause, blank=True, related_name="+", verbose_name=_("root causes")
    )
    cause_text = models.TextField(_("why it happened"), blank=True)
    consequences = models.TextField(_("consequences"), blank=True)
    investigated_at = models.DateTimeField(_("investigated at"), null=True, blank=True)
    investigated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("investigated by"),
    )
    # measures (the items themselves live in an action plan whose source is this deviation)
    measures_text = models.TextField(_("measures"), blank=True)
    measures_at = models.DateTimeField(_("measures decided at"), null=True, blank=True)
    # closed
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    feedback = models.TextField(_("feedback to the reporter"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "unit__path"

    class Meta:
        verbose_name = _("deviation")
        verbose_name_plural = _("deviations")
        ordering = ["-reported_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "reference"], name="deviation_reference_unique"
            ),
            models.CheckConstraint(
                condition=Q(client__isnull=False) | Q(case__isnull=True),
                name="deviation_case_has_client",
            ),
        ]
        indexes = [models.Index(fields=["state", "reported_at"])]

    def __str__(self) -> str:
        return self.reference

    def audit_client_id(self) -> int | None:
        return self.client_id
