"""A municipality's own version of a report template, uploaded as YAML so municipalities can
share them. Shipped templates stay files (fixtures/templates/) and are the fallback; a row
with no municipality is reserved for a shipped template kept in the database.

Versions only go up per municipality and key, and above the shipped version of the key, so an
exported template always says which version it is and an older one can never overtake it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from insyn.core.scoping import ScopedModel, ScopedQuerySet


class ReportTemplate(ScopedModel):
    key = models.CharField(_("key"), max_length=60)
    version = models.PositiveIntegerField(_("version"))
    municipality = models.ForeignKey(
        "organisations.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    # The YAML exactly as uploaded (what an export gives back) and its checked content.
    source = models.TextField(_("YAML"))
    content = models.JSONField(_("template content"))
    active = models.BooleanField(_("active"), default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "municipality__path"
    # The change entry names the version; the YAML itself is kept in the row.
    AUDIT_EXCLUDE = ("source", "content")

    class Meta:
        ordering = ["key", "-version"]
        verbose_name = _("report template")
        verbose_name_plural = _("report templates")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "key", "version"], name="reporttemplate_unique_version"
            ),
            # a shipped row (no municipality) is unique too: NULLs are distinct in SQL
            models.UniqueConstraint(
                fields=["key", "version"],
                condition=models.Q(municipality__isnull=True),
                name="reporttemplate_unique_shipped_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} v{self.version}"
