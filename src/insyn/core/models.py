"""The audit trail: append-only change and access entries (ARCHITECTURE rule 3)."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insyn.core.scoping import ScopedModel, ScopedQuerySet


class AppendOnlyError(RuntimeError):
    pass


class AppendOnlyQuerySet(ScopedQuerySet):
    """Neither update nor delete: entries leave only through `insyn.core.purge.audit_purge()`."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit entries are append-only")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("audit entries are append-only; removal only through audit_purge()")

    def _raw_delete(self, using: Any) -> NoReturn:
        raise AppendOnlyError("audit entries are append-only; removal only through audit_purge()")


class AppendOnlyModel(ScopedModel):
    """Rows are inserted, never updated or deleted; database triggers back this up (see
    migrations 0002 and 0003). The retention job removes old rows through the one sanctioned
    hatch, `insyn.core.purge.audit_purge()`.

    Scoped by the org paths that decide who may audit the entry, so an auditor sees their
    subtree: `org_path` is the object's own path, `org_paths` all of them stored as
    "|p1|p2|" (a client seen through several cases has several; an entry about nothing in
    the tree carries the actor's organisation), so a subtree root matches with one
    `LIKE '%|root%'`.
    """

    objects = AppendOnlyQuerySet.as_manager()
    scope_path_lookup = "org_path"
    org_path: str  # fields of the concrete models
    org_paths: str | None

    class Meta:
        abstract = True

    @classmethod
    def scope_filter(cls, paths: list[str]) -> Q:
        q = Q()
        for path in paths:
            q |= Q(org_path__startswith=path) | Q(org_paths__contains=f"|{path}")
        return q

    def audit_paths(self) -> list[str]:
        """Every org path that decides who may audit this entry."""
        paths = [p for p in (self.org_paths or "").split("|") if p]
        if self.org_path and self.org_path not in paths:
            paths.insert(0, self.org_path)
        return paths

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit entries are append-only; removal only through audit_purge()")


class AccessEntry(AppendOnlyModel):
    class Kind(models.TextChoices):
        VIEW = "view", _("Viewed")
        LIST = "list", _("Listed")
        EXPORT = "export", _("Exported")
        DENIED = "denied", _("Denied (outside scope)")

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    actor_label = models.CharField(max_length=150, blank=True)
    request_id = models.CharField(max_length=32, blank=True, db_index=True)
    action = models.CharField(_("action"), max_length=10, choices=Kind.choices)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    client_id = models.BigIntegerField(_("client"), null=True, blank=True, db_index=True)
    org_path = models.CharField(max_length=255, blank=True, db_index=True)
    org_paths = models.TextField(_("org paths"), blank=True, null=True)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    path = models.CharField(_("address"), max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("access entry")
        verbose_name_plural = _("access entries")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["actor", "at"]), models.Index(fields=["client_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}"


class ChangeEntry(AppendOnlyModel):
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    actor_label = models.CharField(max_length=150, blank=True)
    request_id = models.CharField(max_length=32, blank=True, db_index=True)
    action = models.CharField(_("action"), max_length=40)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    client_id = models.BigIntegerField(_("client"), null=True, blank=True, db_index=True)
    org_path = models.CharField(max_length=255, blank=True, db_index=True)
    org_paths = models.TextField(_("org paths"), blank=True, null=True)
    before = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("change entry")
        verbose_name_plural = _("change entries")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["actor", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}"
