"""A report: one template applied to one municipality and year. A draft is resolved from live
data whenever it is shown; approving it freezes the resolved document and its PDF and DOCX, so
an approved report never changes when the data do (ARCHITECTURE.md, reports/)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from insyn.core.concurrency import Versioned
from insyn.core.scoping import ScopedModel, ScopedQuerySet


class Report(Versioned, ScopedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")

    # The organisation the report covers (the municipality, or e.g. its social services
    # administration); `municipality` follows from it and names the Kolada area compared.
    unit = models.ForeignKey(
        "organisations.OrgUnit",
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("organisation"),
    )
    municipality = models.ForeignKey(
        "organisations.OrgUnit",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("municipality"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(_("language"), max_length=5, default="sv")
    template_key = models.CharField(_("template"), max_length=60)
    template_version = models.PositiveIntegerField(_("template version"))
    # The template as it was when the draft was made (YAML parsed to data), so a later edit of
    # the shipped template does not change a report under way.
    template = models.JSONField(_("template content"))
    # block id -> Markdown written by the quality lead (overrides the template's default text)
    narratives = models.JSONField(_("texts"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    frozen_document = models.JSONField(_("frozen document"), null=True, blank=True, editable=False)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("approved by"),
    )
    # Set while an approved report of a public template is on the municipality's public pages.
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("published by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "unit__path"

    class Meta:
        ordering = ["-year", "title", "pk"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self) -> str:
        return f"{self.title} {self.year}"

    @property
    def is_frozen(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def is_public_template(self) -> bool:
        return str(self.template.get("audience") or "committee") == "public"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class ReportFile(models.Model):
    """The approved report as delivered (PDF, DOCX, HTML), kept byte for byte."""

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "DOCX"
        HTML = "html", "HTML"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="files")
    format = models.CharField(_("format"), max_length=5, choices=Format.choices)
    content = models.BinaryField(_("content"))
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "format"], name="reportfile_one_per_format")
        ]

    def __str__(self) -> str:
        return f"{self.report} ({self.format})"
