"""Web imports. The uploaded files are kept encrypted in the database, in chunks (not on a
server's disk, so any app server or worker can read them) and deleted once the import is
applied, failed, cancelled or expired; a waiting upload expires after a day.

A batch moves through an explicit state machine (see `services.TRANSITIONS`): uploaded →
checking → checked (or failed) → applying → applied (or failed); a waiting batch can also be
cancelled or expire. The check and the apply run as background tasks (`imports.tasks`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportBatch(models.Model):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Waiting to be checked")
        CHECKING = "checking", _("Being checked")
        CHECKED = "checked", _("Waiting for confirmation")
        APPLYING = "applying", _("Being imported")
        APPLIED = "applied", _("Imported")
        FAILED = "failed", _("Not imported")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")

    municipality = models.ForeignKey(
        "organisations.OrgUnit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("municipality"),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.UPLOADED
    )
    file_names = models.JSONField(_("files"), default=list)
    report = models.JSONField(_("report"), default=dict)
    # Why a batch failed when it was not a row problem (those are in the report).
    failure = models.TextField(_("failure"), blank=True)
    # Progress of the running check or apply; the page reads the shared cache first (see
    # imports.progress), these columns are the fallback and the last known state.
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    progress_sheet = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.municipality} {self.created_at:%Y-%m-%d %H:%M}"

    def audit_org_path(self) -> str:
        return self.municipality.path

    @property
    def running(self) -> bool:
        return self.status in {
            self.Status.UPLOADED,
            self.Status.CHECKING,
            self.Status.APPLYING,
        }


class ImportFile(models.Model):
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class ImportChunk(models.Model):
    """One piece of an uploaded file, encrypted on its own (so an upload is streamed to the
    store, never held whole in memory)."""

    file = models.ForeignKey(ImportFile, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    content = models.BinaryField(help_text="Fernet-encrypted piece of the file.")

    class Meta:
        ordering = ["file", "index"]
        constraints = [
            models.UniqueConstraint(fields=["file", "index"], name="import_chunk_unique_index")
        ]

    def __str__(self) -> str:
        return f"{self.file_id}:{self.index}"
