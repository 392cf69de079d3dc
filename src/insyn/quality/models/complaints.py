"""Complaints and suggestions (klagomål och synpunkter) from citizens, clients and relatives:
filed on the public page or registered by staff; assigned to a unit, investigated, answered
(state machine: services/complaints.py). Contact details are personal data."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from insyn.core.concurrency import Versioned
from insyn.core.scoping import ScopedModel, ScopedQuerySet
from insyn.quality.models.catalogues import ComplaintTheme


class Complaint(Versioned, ScopedModel):
    PERSONAL_DATA = True

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint")
        SUGGESTION = "suggestion", _("Suggestion")

    class Channel(models.TextChoices):
        WEB = "web", _("Web form")
        PHONE = "phone", _("Phone")
        LETTER = "letter", _("Letter")
        EMAIL = "email", _("E-mail")
        IN_PERSON = "in_person", _("In person")

    class Submitter(models.TextChoices):
        CLIENT = "client", _("Client")
        RELATIVE = "relative", _("Relative")
        CITIZEN = "citizen", _("Citizen")
        STAFF = "staff", _("Staff member")
        OTHER = "other", _("Other")

    class State(models.TextChoices):
        RECEIVED = "received", _("Received")
        ASSIGNED = "assigned", _("Assigned")
        INVESTIGATING = "investigating", _("Under investigation")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    municipality = models.ForeignKey(
        "organisations.OrgUnit", on_delete=models.PROTECT, related_name="+", editable=False
    )
    # Until assigned, the municipality itself: its quality leads see it.
    unit = models.ForeignKey(
        "organisations.OrgUnit",
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("unit"),
    )
    receipt_number = models.CharField(
        _("receipt number"), max_length=30, unique=True, editable=False
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.RECEIVED
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("received by"), max_length=20, choices=Channel.choices)
    theme = models.ForeignKey(
        ComplaintTheme, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("theme")
    )
    text = models.TextField(_("what it is about"))
    submitter = models.CharField(
        _("who writes"), max_length=20, choices=Submitter.choices, blank=True
    )
    anonymous = models.BooleanField(_("anonymous"), default=False)
    contact_name = models.CharField(_("name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    contact_phone = models.CharField(_("phone"), max_length=40, blank=True)
    wants_answer = models.BooleanField(_("wants an answer"), default=False)
    language = models.CharField(_("language"), max_length=8, default="sv")
    received_on = models.DateField(_("received on"))
    answer_due_on = models.DateField(_("answer due on"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("client"),
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints_handled",
        verbose_name=_("handler"),
    )
    assigned_on = models.DateField(_("assigned on"), null=True, blank=True)
    investigation = models.TextField(_("investigation"), blank=True)
    investigated_on = models.DateField(_("investigation started on"), null=True, blank=True)
    answer_text = models.TextField(_("answer"), blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "unit__path"

    class Meta:
        verbose_name = _("complaint or suggestion")
        verbose_name_plural = _("complaints and suggestions")
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["state", "answer_due_on"])]

    def __str__(self) -> str:
        return self.receipt_number

    def audit_client_id(self) -> int | None:
        return self.client_id
