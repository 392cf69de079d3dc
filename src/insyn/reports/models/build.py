"""A build of a report file in the background: the page and the API start one and follow its
progress (blocks resolved of all blocks) until the file is there. The states and the moves
between them live in services/builds.py."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from insyn.core.scoping import ScopedModel, ScopedQuerySet
from insyn.reports.models.report import Report, ReportFile


class ReportBuild(ScopedModel):
    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="builds")
    format = models.CharField(_("format"), max_length=5, choices=ReportFile.Format.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    # Blocks of the template resolved so far, of all blocks (an approved report: all at once).
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    # True when the file is an approved report's frozen file, copied byte for byte.
    frozen = models.BooleanField(default=False)
    error = models.CharField(_("error"), max_length=500, blank=True)
    content = models.BinaryField(_("content"), null=True, blank=True, editable=False)
    sha256 = models.CharField(max_length=64, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "report__unit__path"

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("report build")
        verbose_name_plural = _("report builds")

    def __str__(self) -> str:
        return f"{self.report} ({self.format}, {self.state})"

    @property
    def running(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)

    @property
    def percent(self) -> int:
        return int(100 * self.progress_done / self.progress_total) if self.progress_total else 0
