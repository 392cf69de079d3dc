"""The organisation tree and who holds which role where."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from insyn.core.roles import Role
from insyn.core.scoping import ScopedModel, ScopedQuerySet


class OrgUnit(ScopedModel):
    class Kind(models.TextChoices):
        NATION = "nation", _("Nation")
        REGION = "region", _("Region")
        MUNICIPALITY = "municipality", _("Municipality")
        ADMINISTRATION = "administration", _("Administration")
        DEPARTMENT = "department", _("Department")
        UNIT = "unit", _("Unit")

    # Which kinds may sit directly below which.
    CHILD_KINDS: dict[str, tuple[str, ...]] = {
        Kind.NATION: (Kind.REGION,),
        Kind.REGION: (Kind.MUNICIPALITY,),
        Kind.MUNICIPALITY: (Kind.ADMINISTRATION,),
        Kind.ADMINISTRATION: (Kind.DEPARTMENT, Kind.UNIT),
        Kind.DEPARTMENT: (Kind.UNIT,),
        Kind.UNIT: (),
    }
    REFERENCE_KINDS = (Kind.NATION, Kind.REGION, Kind.MUNICIPALITY)

    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    # "/<id>/<id>/.../" from the root: a subtree is every path that starts with this one.
    path = models.CharField(max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    municipality = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        help_text="The municipality this unit belongs to (itself for a municipality).",
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "path"

    class Meta:
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "code"], name="orgunit_code_unique_in_parent"
            ),
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(kind__in=["nation", "region", "municipality"]),
                name="orgunit_reference_code_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def audit_org_path(self) -> str:
        return self.path

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def ancestors(self) -> models.QuerySet[OrgUnit]:
        return OrgUnit.objects.filter(pk__in=self.ancestor_ids()).order_by("depth")

    def subtree(self) -> models.QuerySet[OrgUnit]:
        return OrgUnit.objects.filter(path__startswith=self.path)


class MembershipQuerySet(ScopedQuerySet):
    pass


class Membership(ScopedModel):
    class Source(models.TextChoices):
        # Granted by an administrator: stays until an administrator removes it.
        MANUAL = "manual", _("Granted by hand")
        # Granted by a single sign-on rule: reviewed against the claims at every SSO login.
        SSO = "sso", _("Single sign-on")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    org_unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("organisation unit"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.MANUAL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()
    scope_path_lookup = "org_unit__path"

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["org_unit__path", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "org_unit", "role"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.org_unit}"
