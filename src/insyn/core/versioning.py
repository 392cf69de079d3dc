"""One rule for everything that is versioned: draft → published → retired.

Programmes and questionnaires (and the quality templates to come) are designs that clients'
data refer to, so a published version never changes in place. They share one life cycle,
decided here once so the copies cannot drift apart again:

- **A new version while a draft exists is that draft.** There is at most one draft per key; asking
  for a new version again returns it instead of making a second one to reconcile later.
- **A new version is numbered after the newest one** and points back to the version it copies.
- **Publishing** takes a draft only, and is refused when a newer version of the key is already
  published (an older design must not overtake a newer one). Older published versions stay
  published: whatever was started under them continues.
- **Retiring withdraws the key**: every published version of it is retired (drafts are left to be
  published or deleted). Nothing is retired when nothing is published, which is an error.

Each concrete model inherits `Versioned` (the shared fields, no table of its own) and each app's
service wraps these functions with its own scope check and its own copying of content.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from insyn.core.audit import record_change, snapshot

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from insyn.accounts.models import User


class VersionStatus(models.TextChoices):
    DRAFT = "draft", gettext_lazy("Draft")
    PUBLISHED = "published", gettext_lazy("Published")
    RETIRED = "retired", gettext_lazy("Retired")


class Versioned(models.Model):
    """The fields every versioned design has: one row per (key, version)."""

    Status = VersionStatus

    key = models.SlugField(gettext_lazy("key"), max_length=60)
    version = models.PositiveIntegerField(gettext_lazy("version"), default=1)
    status = models.CharField(
        gettext_lazy("status"),
        max_length=10,
        choices=VersionStatus.choices,
        default=VersionStatus.DRAFT,
    )
    published_at = models.DateTimeField(gettext_lazy("published"), null=True, blank=True)
    previous = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        abstract = True

    @property
    def is_published(self) -> bool:
        return self.status == VersionStatus.PUBLISHED

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT


V = TypeVar("V", bound=Versioned)


def versions_of(obj: V) -> QuerySet[V]:
    """Every version of the object's key, newest first."""
    return type(obj)._default_manager.filter(key=obj.key).order_by("-version")


def draft_of(obj: V) -> V | None:
    """The one draft of the object's key, if there is one."""
    return versions_of(obj).filter(status=VersionStatus.DRAFT).first()


def next_version_number(obj: Versioned) -> int:
    top = type(obj)._default_manager.filter(key=obj.key).aggregate(m=Max("version"))["m"]
    return (top or 0) + 1


def publish_problems(obj: Versioned) -> list[str]:
    """Why this version cannot be published now (empty when it can)."""
    if obj.status != VersionStatus.DRAFT:
        return [_("Only a draft can be published.")]
    newer = versions_of(obj).filter(version__gt=obj.version, status=VersionStatus.PUBLISHED)
    if newer.exists():
        return [_("A newer version is already published.")]
    return []


def version_new(*, obj: V, copy: Callable[[int], V]) -> V:
    """The draft to edit instead of `obj`: the existing draft of the key, or else
    `copy(number)`, which makes a new draft of `obj`'s content numbered after the newest."""
    draft = draft_of(obj)
    if draft is not None:
        return draft
    return copy(next_version_number(obj))


def version_publish(
    *,
    actor: User | AnonymousUser | None,
    obj: V,
    problems: Sequence[str] = (),
) -> V:
    """Publish a draft; `problems` are the content's own (an empty design, say), shown together
    with the rule's. Call inside the caller's transaction, after its scope check."""
    errors = publish_problems(obj) + list(problems)
    if errors:
        raise ValidationError(errors)
    before = snapshot(obj)
    obj.status = VersionStatus.PUBLISHED.value
    obj.published_at = timezone.now()
    obj.save(update_fields=_with_updated_at(obj, ["status", "published_at"]))
    record_change(actor=actor, action="publish", obj=obj, before=before)
    return obj


def version_retire(*, actor: User | AnonymousUser | None, obj: V) -> list[V]:
    """Withdraw the key: retire every published version of it, each with its change entry.
    Call inside the caller's transaction, after its scope check."""
    retired = []
    for version in versions_of(obj).filter(status=VersionStatus.PUBLISHED).select_for_update():
        before = snapshot(version)
        version.status = VersionStatus.RETIRED.value
        version.save(update_fields=_with_updated_at(version, ["status"]))
        record_change(actor=actor, action="retire", obj=version, before=before)
        retired.append(version)
    if not retired:
        raise ValidationError(_("Only a published version can be retired."))
    if obj in retired:
        obj.status = VersionStatus.RETIRED.value
    return retired


def _with_updated_at(obj: Any, fields: list[str]) -> list[str]:
    names = {f.name for f in obj._meta.concrete_fields}
    return [*fields, "updated_at"] if "updated_at" in names else fields
